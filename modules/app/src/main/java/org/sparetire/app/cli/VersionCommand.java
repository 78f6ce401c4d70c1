package org.sparetire.app.cli;

import java.util.concurrent.Callable;
import org.sparetire.app.ExitCodes;
import org.sparetire.app.Version;
import org.sparetire.core.net.runtime.NetRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version (with its commit and build time), the Java runtime and the network transport.")
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().printf("sparetire %s%njava %s (%s)%nnetwork transport: %s (auto)%n", Version.describe(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                NetRuntime.automaticChoice());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
