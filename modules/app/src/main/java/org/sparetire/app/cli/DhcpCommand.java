package org.sparetire.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sparetire.app.ExitCodes;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigProblem;
import org.sparetire.core.net.Addresses;
import org.sparetire.dhcp.BootExplainer;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.LeaseReport;
import org.sparetire.dhcp.codec.MalformedPacketException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparetire dhcp explain|leases}: argument parsing only; the logic lives in the dhcp module. */
@Command(name = "dhcp", mixinStandardHelpOptions = true,
        description = "DHCP tools: explain a boot decision, list leases.",
        subcommands = {DhcpCommand.Explain.class, DhcpCommand.Leases.class})
public final class DhcpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    static DhcpConfig load(ConfigFileOption config, PrintWriter err) {
        try {
            return config.load().section(DhcpConfig.SECTION);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p);
            }
            err.flush();
            return null;
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = {"Show what a client would be told, and why.",
                "Which class it matches, the boot file and options it gets, and their encoded bytes. Describe the",
                "client with --mac/--arch/--vendor-class/--user-class, or give a captured DHCP packet with",
                "--packet. Nothing is sent and no lease is changed."})
    public static final class Explain implements Callable<Integer> {
        @Mixin
        ConfigFileOption config;

        @Spec
        CommandSpec spec;

        private static final java.util.regex.Pattern MAC =
                java.util.regex.Pattern.compile("\\p{XDigit}{2}([:-]?\\p{XDigit}{2}){5}");

        @Option(names = "--mac", paramLabel = "MAC", description = "Client hardware address.")
        String mac;

        @Option(names = "--arch", paramLabel = "N", description = "Option 93 client architecture (0 BIOS, 7/9 EFI x64, 11 ARM64, 16 HTTP).")
        Integer arch;

        @Option(names = "--vendor-class", paramLabel = "TEXT", description = "Option 60, e.g. PXEClient:Arch:00007:UNDI:003016.")
        String vendorClass;

        @Option(names = "--user-class", paramLabel = "TEXT", description = "Option 77, e.g. iPXE.")
        String userClass;

        @Option(names = "--circuit-id", paramLabel = "TEXT", description = "Option 82 circuit id, as a relay would add it.")
        String circuitId;

        @Option(names = "--request", paramLabel = "CODES", split = ",",
                description = "Option 55 parameter request list (default: 1,3,6,43,60,66,67,150).")
        List<Integer> request = new ArrayList<>();

        @Option(names = "--network", paramLabel = "ADDRESS", description = "Answer from the subnet holding this address (default: the first).")
        String network;

        @Option(names = "--packet", paramLabel = "HEX|@FILE", description = "A captured DHCP message as hex, or @file holding the hex.")
        String packet;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            DhcpConfig c = load(config, err);
            if (c == null) {
                return ExitCodes.CONFIG_INVALID;
            }
            if (mac != null && !MAC.matcher(mac).matches()) {
                err.println("--mac: expected a MAC address such as 52:54:00:12:34:56, got '" + mac + "'");
                err.flush();
                return ExitCodes.USAGE;
            }
            String hex = packet;
            if (hex != null && hex.startsWith("@")) {
                hex = Files.readString(Path.of(hex.substring(1)), StandardCharsets.US_ASCII)
                        .replaceAll("#[^\n]*", "");
            }
            try {
                InetAddress net;
                try {
                    net = network == null ? null : Addresses.parseNumeric(network);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--network: " + e.getMessage(), e);
                }
                BootExplainer.Explanation e = BootExplainer.explain(c, new BootExplainer.Query(mac, arch, vendorClass,
                        userClass, circuitId, request, hex, net));
                out.print(e.render());
                out.flush();
                return ExitCodes.OK;
            } catch (MalformedPacketException e) {
                err.println("--packet: not a DHCP message: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
            }
            err.flush();
            return ExitCodes.USAGE;
        }
    }

    @Command(name = "leases", mixinStandardHelpOptions = true,
            description = "List the leases in the lease journal (dhcp.lease-file) or in the database of dhcp.lease-store; "
                    + "safe while servers run.")
    public static final class Leases implements Callable<Integer> {
        @Mixin
        ConfigFileOption config;

        @Spec
        CommandSpec spec;

        @Option(names = "--all", description = "Also show released, expired and declined entries.")
        boolean all;

        @Option(names = "--file", paramLabel = "FILE", description = "Read this journal instead of dhcp.lease-file.")
        Path file;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path journal = file;
            if (journal != null && !Files.isRegularFile(journal)) {
                err.println("leases: --file " + journal + ": " + (Files.exists(journal) ? "not a file" : "no such file"));
                err.flush();
                return ExitCodes.USAGE;
            }
            if (journal == null) {
                DhcpConfig c = load(config, err);
                if (c == null) {
                    return ExitCodes.CONFIG_INVALID;
                }
                if (c.leaseStore().type() == DhcpConfig.StoreType.POSTGRESQL) {
                    try {
                        out.print(LeaseReport.render(c.leaseStore(), Instant.now(), all));
                        out.flush();
                        return ExitCodes.OK;
                    } catch (java.sql.SQLException e) {
                        err.println("leases: cannot read postgresql " + c.leaseStore().url() + " (dhcp.lease-store): "
                                + e.getMessage());
                        err.flush();
                        return ExitCodes.SERVICE_FAILED;
                    }
                }
                journal = c.leaseFile();
                if (!Files.exists(journal)) {
                    out.println("no leases: " + journal + " (dhcp.lease-file) does not exist yet; DHCP has not run with this config");
                    out.flush();
                    return ExitCodes.OK;
                }
            }
            out.print(LeaseReport.render(journal, Instant.now(), all));
            out.flush();
            return ExitCodes.OK;
        }
    }
}
