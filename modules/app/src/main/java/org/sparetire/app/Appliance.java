package org.sparetire.app;

import java.util.List;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.SectionKey;
import org.sparetire.core.lifecycle.ServiceSlot;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.DhcpService;
import org.sparetire.syslog.SyslogConfig;
import org.sparetire.syslog.SyslogService;
import org.sparetire.tftp.HttpBootConfig;
import org.sparetire.tftp.HttpBootService;
import org.sparetire.tftp.TftpConfig;
import org.sparetire.tftp.TftpService;
import org.sparetire.web.ApplianceControl;
import org.sparetire.web.WebConfig;
import org.sparetire.web.WebService;

/**
 * The only place that knows every service. Order matters: the dashboard starts first so it sees every
 * other start; syslog next so it catches what devices say from their first packet; DHCP last because it
 * sends clients to the TFTP and HTTP boot servers, which must already be listening. Stopping runs in
 * reverse, so DHCP stops pointing clients at us first.
 */
public final class Appliance {
    private Appliance() {
    }

    public static List<SectionKey<?>> sections() {
        return List.of(WebConfig.SECTION, SyslogConfig.SECTION, TftpConfig.SECTION, HttpBootConfig.SECTION,
                DhcpConfig.SECTION);
    }

    public static ConfigLoader configLoader() {
        return new ConfigLoader(sections());
    }

    /** @param control what the dashboard may ask of the running appliance */
    public static List<ServiceSlot<?>> slots(ApplianceControl control) {
        return List.of(
                new ServiceSlot<>(WebConfig.SECTION, WebConfig::enabled, (config, context) -> new WebService(config, context, control)),
                new ServiceSlot<>(SyslogConfig.SECTION, SyslogConfig::enabled, SyslogService::new),
                new ServiceSlot<>(TftpConfig.SECTION, TftpConfig::enabled, TftpService::new),
                // HTTP boot serves the TFTP root under the TFTP file policy, so it reads both sections.
                new ServiceSlot<>(HttpBootConfig.SECTION.name(), HttpBootService.Settings::of,
                        HttpBootService.Settings::enabled, HttpBootService::new),
                new ServiceSlot<>(DhcpConfig.SECTION, DhcpConfig::enabled, DhcpService::new));
    }
}
