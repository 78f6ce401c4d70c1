package org.sparetire.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sparetire.app.ExitCodes;
import org.sparetire.tftp.client.ServerAddress;
import org.sparetire.tftp.client.TftpClient;
import org.sparetire.tftp.codec.Mode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sparetire tftp get|put}: the built-in client. Parses arguments only; the work is in TftpClient. */
@Command(name = "tftp", mixinStandardHelpOptions = true,
        description = "Fetch a file from, or send one to, any TFTP server (the same protocol code the server runs).",
        subcommands = {TftpCommand.Get.class, TftpCommand.Put.class})
public final class TftpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** Options both directions share. */
    static class Transfer {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "Server, e.g. 192.0.2.10, [2001:db8::5]:6969.")
        String server;

        @Parameters(index = "1", paramLabel = "FILE", description = "Remote file name.")
        String file;

        @Option(names = "--blksize", paramLabel = "N", description = "Ask for N-byte blocks (8..65464, RFC 2348).")
        int blksize;

        @Option(names = "--windowsize", paramLabel = "N", description = "Ask for N blocks per ACK (RFC 7440).")
        int windowsize;

        @Option(names = "--tsize", description = "Ask for (get) or announce (put) the size (RFC 2349).")
        boolean tsize;

        @Option(names = "--timeout", paramLabel = "S", description = "Retransmit after S seconds and ask the server to do the same (RFC 2349).")
        Integer timeout;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "octet", description = "octet (default) or netascii.")
        String mode;

        TftpClient.Options options() {
            Mode m = Mode.parse(mode).filter(x -> x != Mode.MAIL).orElseThrow(() -> new CommandLine.ParameterException(
                    spec.commandLine(), "--mode must be octet or netascii, got '" + mode + "'"));
            if (blksize != 0 && (blksize < 8 || blksize > 65464)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--blksize must be 8..65464");
            }
            if (windowsize < 0 || windowsize > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--windowsize must be 1..65535");
            }
            TftpClient.Options o = TftpClient.Options.defaults().withBlksize(blksize).withWindowsize(windowsize)
                    .withTsize(tsize).withMode(m);
            if (timeout != null) {
                if (timeout < 1 || timeout > 255) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be 1..255 seconds");
                }
                o = o.withTimeout(Duration.ofSeconds(timeout), true);
            }
            return o;
        }

        InetSocketAddress address() {
            try {
                return ServerAddress.parse(server);
            } catch (IllegalArgumentException | IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "bad server '" + server + "': " + e.getMessage());
            }
        }

        int report(String verb, TftpClient.Result r) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%s %s: %d bytes in %.1f ms (%.2f MB/s), options %s, %d retransmits%n", verb, file,
                    r.bytes(), r.elapsed().toNanos() / 1e6, r.bytesPerSecond() / 1e6,
                    r.negotiated().isEmpty() ? "none" : r.negotiated(), r.retransmits());
            out.flush();
            return ExitCodes.OK;
        }

        int failed(IOException e) {
            PrintWriter err = spec.commandLine().getErr();
            // A local file's problem names the local file once; the JDK's message is only its path.
            if (e instanceof NoSuchFileException local) {
                err.println("tftp: " + local.getFile() + ": no such file");
            } else if (e instanceof AccessDeniedException local) {
                err.println("tftp: " + local.getFile() + ": permission denied");
            } else {
                err.println("tftp: " + file + ": " + e.getMessage());
            }
            err.flush();
            return ExitCodes.SERVICE_FAILED;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Download FILE.")
    static final class Get extends Transfer implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, paramLabel = "PATH", description = "Where to save (default: FILE's last name part).")
        Path output;

        @Override
        public Integer call() {
            TftpClient.Options o = options();
            Path target = output != null ? output : Path.of(file.replace('\\', '/').replaceAll(".*/", ""));
            try {
                return report("got", new TftpClient().get(address(), file, target, o));
            } catch (IOException e) {
                return failed(e);
            }
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Upload a local file as FILE.")
    static final class Put extends Transfer implements Callable<Integer> {
        @Option(names = {"-i", "--input"}, paramLabel = "PATH", description = "Local file to send (default: FILE).")
        Path input;

        @Override
        public Integer call() {
            TftpClient.Options o = options();
            try {
                return report("put", new TftpClient().put(address(), input != null ? input : Path.of(file), file, o));
            } catch (IOException e) {
                return failed(e);
            }
        }
    }
}
