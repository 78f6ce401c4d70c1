package org.sparetire.app;

import java.util.List;
import java.util.Map;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigMapping;
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
        return new ConfigLoader(sections(), List.of(Appliance::ownPorts));
    }

    /**
     * HTTP boot never shares the dashboard's listener: the same TCP port on overlapping addresses is
     * refused at the http-boot key that makes the clash (its port, else web's, else its enabled).
     */
    static void ownPorts(Map<String, ConfigMapping> sections, AppConfig config) {
        HttpBootConfig http = config.section(HttpBootConfig.SECTION);
        WebConfig web = config.section(WebConfig.SECTION);
        if (!http.enabled() || !web.enabled() || http.port() == 0 || http.port() != web.port()
                || !(http.bind().isAnyLocalAddress() || web.bind().isAnyLocalAddress() || http.bind().equals(web.bind()))) {
            return;
        }
        String message = "port " + http.port() + " is the dashboard's (web.port); HTTP boot needs a port of its own";
        ConfigMapping h = sections.get(HttpBootConfig.SECTION.name());
        ConfigMapping w = sections.get(WebConfig.SECTION.name());
        if (h.has("port")) {
            h.problem("port", message);
        } else if (w.has("port")) {
            w.problem("port", "port " + web.port() + " is http-boot's; the dashboard needs a port of its own");
        } else {
            h.problem("enabled", message);
        }
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
