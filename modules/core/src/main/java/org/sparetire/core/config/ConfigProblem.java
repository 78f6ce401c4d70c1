package org.sparetire.core.config;

/** One thing wrong with a config, anchored where the user can fix it. */
public record ConfigProblem(Position position, String message) {

    @Override
    public String toString() {
        return position + ": " + message;
    }
}
