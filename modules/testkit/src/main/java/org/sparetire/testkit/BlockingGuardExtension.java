package org.sparetire.testkit;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test (or, for set-up and tear-down, its class) when {@link BlockingGuard} recorded a blocking
 * call on an event-loop thread while it ran. Registered for every test through JUnit's extension
 * auto-detection, which the build switches on.
 */
public final class BlockingGuardExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        BlockingGuard.takeViolations(); // what an earlier class left behind is not this class's fault
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check();
    }

    private static void check() {
        List<String> found = BlockingGuard.takeViolations();
        if (!found.isEmpty()) {
            throw new AssertionError("blocking call on an event-loop thread (BlockHound):\n" + String.join("\n", found));
        }
    }
}
