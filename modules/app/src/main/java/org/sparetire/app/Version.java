package org.sparetire.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What was built: the project version and build time (filtered into version.properties by Maven) and the
 * commit ({@code git describe} of the checkout, written to commit.txt at build time; absent when the
 * sources came without their git history).
 */
public final class Version {
    private static final String UNKNOWN = "unknown";

    private Version() {
    }

    public static String current() {
        return properties().getProperty("version", UNKNOWN);
    }

    /** The abbreviated commit, with {@code -dirty} when the build had uncommitted changes. */
    public static String commit() {
        try (InputStream in = Version.class.getResourceAsStream("/org/sparetire/app/commit.txt")) {
            if (in == null) {
                return UNKNOWN;
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return text.isEmpty() || text.contains(" ") ? UNKNOWN : text;
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /** When the jar was built, in UTC (ISO 8601). */
    public static String built() {
        String built = properties().getProperty("built", UNKNOWN);
        return built.startsWith("${") ? UNKNOWN : built;
    }

    /** {@code 0.1.0 (commit 476c92b, built 2026-12-07T18:44:30Z)}: one line for logs and {@code --version}. */
    public static String describe() {
        return current() + " (commit " + commit() + ", built " + built() + ")";
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/org/sparetire/app/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // An unreadable resource reads as "unknown", never as a failed start.
        }
        return p;
    }
}
