package org.sparetire.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real program that nobody here wrote (curl, tftp-hpa, busybox, logger, udhcpc) with a time limit.
 * A missing program fails the test with the package to install: peers are installed by scripts/test, and
 * a test that quietly skips proves nothing.
 */
public final class PeerProgram {
    private PeerProgram() {
    }

    /** The program's absolute path, or an AssertionError naming the Debian package that provides it. */
    public static Path require(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("peer program '" + program + "' is not installed (apt-get install " + debianPackage
                + "; scripts/test installs it)");
    }

    /** Runs to completion (or kills it at the timeout) and returns exit code and output. */
    public static Result run(Duration timeout, Path workingDir, String stdin, String... command) throws IOException,
            InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        if (workingDir != null) {
            pb.directory(workingDir.toFile());
        }
        Path out = Files.createTempFile("peer-out", ".txt");
        Path err = Files.createTempFile("peer-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            return new Result(finished ? p.exitValue() : -1, !finished,
                    Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err, StandardCharsets.ISO_8859_1),
                    List.of(command));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    public static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        return run(timeout, null, null, command);
    }

    /** Starts a long-running peer (a daemon in the foreground); the caller stops it by closing. */
    public static Background start(Path log, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        return new Background(pb.start(), log);
    }

    public record Result(int exitCode, boolean timedOut, String stdout, String stderr, List<String> command) {
        public Result {
            command = List.copyOf(command);
        }

        public Result assertSuccess() {
            if (exitCode != 0 || timedOut) {
                throw new AssertionError(describe());
            }
            return this;
        }

        public String describe() {
            return String.join(" ", command) + " -> " + (timedOut ? "timed out" : "exit " + exitCode)
                    + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** A peer process that this test started and stops, by its own handle, never by name. */
    public static final class Background implements AutoCloseable {
        private final Process process;
        private final Path log;

        Background(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public String output() throws IOException {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        }

        /**
         * Waits until the output so far matches {@code expected}, or {@code limit} passes, and returns the
         * output either way (the caller asserts on it). Let the pattern cover the whole text it needs: waiting
         * for a prefix raced a VM's serial console, which once showed an address with its last digit still
         * on its way.
         */
        public String awaitOutput(java.util.regex.Pattern expected, Duration limit) throws IOException,
                InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() - deadline < 0) {
                String out = output();
                if (expected.matcher(out).find()) {
                    return out;
                }
                Thread.sleep(200);
            }
            return output();
        }

        @Override
        public void close() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }
}
