package org.sparetire.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.sparetire.core.config.AppConfig;
import org.sparetire.core.lifecycle.ReloadReport;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceManager;
import org.sparetire.web.ApplianceControl;

/**
 * The dashboard's view of the appliance. The web service is one of the manager's own services, so the
 * manager is attached after it is built; until then (during the very first start) nothing is asked.
 */
final class DashboardControl implements ApplianceControl {
    private final ServiceManager.ConfigSource reloadSource;
    private volatile ServiceManager manager;

    DashboardControl(ServiceManager.ConfigSource reloadSource) {
        this.reloadSource = reloadSource;
    }

    void attach(ServiceManager manager) {
        this.manager = manager;
    }

    private ServiceManager manager() {
        ServiceManager m = manager;
        if (m == null) {
            throw new IllegalStateException("the appliance is still starting");
        }
        return m;
    }

    @Override
    public Map<String, ServiceHealth> health() {
        return manager().health();
    }

    @Override
    public AppConfig config() {
        return manager().config();
    }

    @Override
    public Optional<String> configSource() {
        AppConfig config = manager().config();
        if (config == null) {
            return Optional.empty();
        }
        if (config.source().equals(ConfigFiles.EMBEDDED_LABEL)) {
            return Optional.of(ConfigFiles.embeddedText());
        }
        try {
            return Optional.of(Files.readString(Path.of(config.source())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public CompletableFuture<ReloadReport> reload() {
        return manager().requestReload(reloadSource);
    }
}
