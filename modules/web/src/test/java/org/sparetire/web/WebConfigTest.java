package org.sparetire.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.config.ConfigException;
import org.sparetire.core.config.ConfigLoader;
import org.sparetire.core.config.ConfigOverrides;
import org.sparetire.core.config.ConfigPrinter;

class WebConfigTest {

    private static WebConfig load(String yaml) throws ConfigException {
        return loadApp(yaml).section(WebConfig.SECTION);
    }

    private static AppConfig loadApp(String yaml) throws ConfigException {
        return new ConfigLoader(List.of(WebConfig.SECTION)).loadText(yaml, "test.yaml", Path.of("/tmp"),
                ConfigOverrides.none());
    }

    private static List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
        assertThat(e).as("expected config problems").isNotNull();
        return e.problems().stream().map(Object::toString).toList();
    }

    @Test
    void absentSectionGivesSafeDefaults() throws Exception {
        WebConfig c = load("logging:\n  level: info\n");
        assertThat(c).isEqualTo(WebConfig.defaults());
        assertThat(c.enabled()).isTrue();
        assertThat(c.bind()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(c.port()).isEqualTo(8069);
        assertThat(c.token()).isEmpty();
        assertThat(c.history()).isEqualTo(WebConfig.History.DEFAULTS);
    }

    @Test
    void everyKeyBinds() throws Exception {
        WebConfig c = load("""
                web:
                  enabled: false
                  bind: 0.0.0.0
                  port: 9000
                  token: 0123456789abcdef0123
                  max-clients: 16
                  history:
                    transfers: 20
                    syslog: 30
                    leases: 40
                    devices: 50
                    per-device: 60
                    warnings: 70
                """);
        assertThat(c).isEqualTo(new WebConfig(false, InetAddress.getByName("0.0.0.0"), 9000,
                Optional.of(new AccessToken("0123456789abcdef0123")), new WebConfig.History(20, 30, 40, 50, 60, 70), 16));
    }

    @Test
    void aNetworkBindWithoutTokenIsAnErrorAtTheBindValue() {
        assertThat(problems("web:\n  port: 8069\n  bind: 10.0.0.1\n")).containsExactly(
                "test.yaml:3:9: web.bind: 10.0.0.1 is reachable from the network: set web.token (at least 16 "
                        + "characters) or bind 127.0.0.1");
    }

    @Test
    void aShortTokenIsAnErrorAtTheTokenValue() {
        assertThat(problems("web:\n  bind: 0.0.0.0\n  token: secret\n")).containsExactly(
                "test.yaml:3:10: web.token: must be at least 16 characters (try: openssl rand -hex 16)");
    }

    @Test
    void typosAndBadValuesPointAtTheirPlace() {
        assertThat(problems("web:\n  prot: 80\n  history:\n    syslog: 5\n    per-devce: 10\n")).containsExactly(
                "test.yaml:2:3: unknown key 'web.prot' (did you mean 'port'?)",
                "test.yaml:4:13: web.history.syslog: must be between 10 and 1000000, got 5",
                "test.yaml:5:5: unknown key 'web.history.per-devce' (did you mean 'per-device'?)");
    }

    @Test
    void loopbackNeedsNoTokenButMayHaveOne() throws Exception {
        assertThat(load("web:\n  bind: ::1\n").loopbackOnly()).isTrue();
        assertThat(load("web:\n  token: 0123456789abcdef\n").token()).isPresent();
    }

    @Test
    void theTokenIsNeverPrinted() throws Exception {
        AppConfig app = loadApp("web:\n  bind: 0.0.0.0\n  token: correct-horse-battery-staple\n");
        String printed = ConfigPrinter.print(app);
        assertThat(printed).doesNotContain("correct-horse").contains("token: \"********\"");
        assertThat(app.section(WebConfig.SECTION).toString()).doesNotContain("correct-horse");
    }

    @Test
    void equalConfigsCompareEqualAndATokenChangeDoesNot() throws Exception {
        assertThat(load("web:\n  token: 0123456789abcdef\n")).isEqualTo(load("web:\n  token: 0123456789abcdef\n"));
        assertThat(load("web:\n  token: 0123456789abcdef\n")).isNotEqualTo(load("web:\n  token: 0123456789abcdeX\n"));
    }

    @Test
    void historyBudgetIsDocumentedOrderOfMagnitude() {
        // docs/web.md quotes this figure for the defaults; keep them in step.
        assertThat(WebConfig.History.DEFAULTS.approximateBytes()).isBetween(70L << 20, 90L << 20);
    }
}
