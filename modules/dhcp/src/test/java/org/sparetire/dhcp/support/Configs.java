package org.sparetire.dhcp.support;

import java.nio.file.Path;
import java.util.List;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.dhcp.DhcpConfig;

public final class Configs {
    private Configs() {
    }

    public static DhcpConfig load(String yaml) {
        return load(yaml, Path.of("/tmp"));
    }

    public static DhcpConfig load(String yaml, Path base) {
        try {
            return new ConfigLoader(List.of(DhcpConfig.SECTION)).loadText(yaml, "test.yaml", base, ConfigOverrides.none())
                    .section(DhcpConfig.SECTION);
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
