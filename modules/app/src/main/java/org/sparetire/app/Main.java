package org.sparetire.app;

import org.sparetire.app.cli.CheckCommand;
import org.sparetire.app.cli.DhcpCommand;
import org.sparetire.app.cli.TftpCommand;
import org.sparetire.app.cli.ReloadCommand;
import org.sparetire.app.cli.ServeCommand;
import org.sparetire.app.cli.VersionCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "sparetire", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "All-in-one network boot appliance: DHCP, TFTP and syslog from one YAML file.",
        subcommands = {ServeCommand.class, CheckCommand.class, ReloadCommand.class, TftpCommand.class,
                DhcpCommand.class, DhcpCommand.Leases.class, VersionCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a service could not start or failed while running",
            "2:wrong command line",
            "3:invalid configuration (each problem printed as file:line:col)",
            "4:no running sparetire found (reload)"})
public final class Main implements Runnable {

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        LoggingControl.flush();
        System.exit(code);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.SERVICE_FAILED);
        return cli;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sparetire " + Version.describe()};
        }
    }
}
