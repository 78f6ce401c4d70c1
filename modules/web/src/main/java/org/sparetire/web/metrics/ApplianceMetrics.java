package org.sparetire.web.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.sparetire.core.event.Event;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferStarted;
import org.sparetire.core.lifecycle.ServiceHealth;
import org.sparetire.core.lifecycle.ServiceState;
import org.sparetire.web.ApplianceControl;
import org.sparetire.web.store.Dashboard;
import org.sparetire.web.store.SyslogLine;

/**
 * The Prometheus view of the appliance, built with the Prometheus Java client (no hand-written
 * exposition). Counters follow the event stream; gauges are read from the dashboard and the appliance
 * at scrape time, so they are never stale. One registry per instance, never the global default, so two
 * dashboards in one JVM (tests) do not share series. Pool figures come from another service, so the
 * caller fetches them first (asynchronously) and hands them to {@link #scrape(List)}.
 */
public final class ApplianceMetrics {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Counter transfers;
    private final Counter transferBytes;
    private final Counter retransmits;
    private final Counter transfersStarted;
    private final Counter leaseEvents;
    private final Counter syslogReceived;
    private final Counter warnings;
    private final Counter sseDropped;
    private final Counter httpDownloads;
    private final Counter httpBytes;
    /** The pools of the scrape running on this thread; the gauges' callbacks run inside {@link #scrape(List)}. */
    private final ThreadLocal<List<ApplianceControl.PoolUsage>> scrapePools = ThreadLocal.withInitial(List::of);

    public ApplianceMetrics(Dashboard dashboard, Supplier<ApplianceControl> control) {
        transfers = Counter.builder().name("sparetire_tftp_transfers_total")
                .help("TFTP transfers finished, by direction and outcome")
                .labelNames("direction", "outcome").register(registry);
        transferBytes = Counter.builder().name("sparetire_tftp_bytes_total")
                .help("TFTP payload bytes moved by finished transfers (read = sent to clients)")
                .labelNames("direction").register(registry);
        retransmits = Counter.builder().name("sparetire_tftp_retransmits_total")
                .help("TFTP packets sent again after a timeout or a duplicate ACK").register(registry);
        transfersStarted = Counter.builder().name("sparetire_tftp_transfers_started_total")
                .help("TFTP transfers accepted").labelNames("direction").register(registry);
        leaseEvents = Counter.builder().name("sparetire_dhcp_lease_events_total")
                .help("DHCP server decisions, by kind (offered, acked, naked, ...)").labelNames("kind").register(registry);
        syslogReceived = Counter.builder().name("sparetire_syslog_messages_received_total")
                .help("Syslog messages filed, by severity").labelNames("severity").register(registry);
        warnings = Counter.builder().name("sparetire_warnings_total")
                .help("Operator warnings raised, by service").labelNames("service").register(registry);
        httpDownloads = Counter.builder().name("sparetire_http_boot_downloads_total")
                .help("HTTP boot downloads finished, by outcome").labelNames("outcome").register(registry);
        httpBytes = Counter.builder().name("sparetire_http_boot_bytes_total")
                .help("Bytes sent by finished HTTP boot downloads").register(registry);
        sseDropped = Counter.builder().name("sparetire_web_live_updates_dropped_total")
                .help("Live updates not sent to a slow browser (it resynchronises)").register(registry);

        GaugeWithCallback.builder().name("sparetire_tftp_active_transfers")
                .help("TFTP transfers in progress now")
                .callback(cb -> cb.call(dashboard.activeTransfers().size())).register(registry);
        GaugeWithCallback.builder().name("sparetire_dhcp_leases")
                .help("Leases known to the dashboard, by state").labelNames("state")
                .callback(cb -> dashboard.leaseStates().forEach(
                        (state, n) -> cb.call(n, state.name().toLowerCase(Locale.ROOT)))).register(registry);
        GaugeWithCallback.builder().name("sparetire_dhcp_pool_utilisation_ratio")
                .help("Share of each address pool offered or leased (0..1)").labelNames("pool")
                .callback(cb -> scrapePools.get().forEach(p -> cb.call(p.utilisation(), p.name())))
                .register(registry);
        GaugeWithCallback.builder().name("sparetire_dhcp_pool_addresses")
                .help("Addresses in each pool").labelNames("pool").callback(cb -> scrapePools.get()
                        .forEach(p -> cb.call(p.size(), p.name()))).register(registry);
        CounterWithCallback.builder().name("sparetire_syslog_messages_dropped_total")
                .help("Syslog messages the collector dropped (absent when it does not count them)")
                .callback(cb -> control.get().syslogDropped().ifPresent(cb::call)).register(registry);
        CounterWithCallback.builder().name("sparetire_dhcp_dropped_total")
                .help("DHCP requests and replies given up under a flood, by reason").labelNames("reason")
                .callback(cb -> control.get().dhcpDropped().forEach((reason, n) -> cb.call(n, reason)))
                .register(registry);
        GaugeWithCallback.builder().name("sparetire_dhcp_lease_store_up")
                .help("1 while DHCP's lease store takes writes, 0 while it does not answer (replies are withheld)")
                .callback(cb -> control.get().dhcpLeaseStoreUp().ifPresent(up -> cb.call(up ? 1 : 0)))
                .register(registry);
        GaugeWithCallback.builder().name("sparetire_service_up")
                .help("1 when the service is running, 0 otherwise").labelNames("service")
                .callback(cb -> {
                    Map<String, ServiceHealth> health;
                    try {
                        health = control.get().health();
                    } catch (IllegalStateException e) {
                        return; // the appliance is still starting: no states to report yet
                    }
                    for (Map.Entry<String, ServiceHealth> e : health.entrySet()) {
                        cb.call(e.getValue().state() == ServiceState.RUNNING ? 1 : 0, e.getKey());
                    }
                }).register(registry);
    }

    /** Counts one event; called from the event bus, so it only bumps counters. */
    public void accept(Event event) {
        if (event instanceof TransferFinished e && !e.service().equals("tftp")) {
            httpDownloads.labelValues(e.outcome().name().toLowerCase(Locale.ROOT)).inc();
            httpBytes.inc(e.bytes());
        } else if (event instanceof TransferFinished e) {
            String direction = e.direction().name().toLowerCase(Locale.ROOT);
            transfers.labelValues(direction, e.outcome().name().toLowerCase(Locale.ROOT)).inc();
            transferBytes.labelValues(direction).inc(e.bytes());
            retransmits.inc(e.retransmits());
        } else if (event instanceof TransferStarted e && e.service().equals("tftp")) {
            transfersStarted.labelValues(e.direction().name().toLowerCase(Locale.ROOT)).inc();
        } else if (event instanceof LeaseEvent e) {
            leaseEvents.labelValues(e.kind().name().toLowerCase(Locale.ROOT)).inc();
        } else if (event instanceof SyslogReceived e) {
            String severity = SyslogLine.severityName(e.severity());
            syslogReceived.labelValues(severity.isEmpty() ? "none" : severity).inc();
        } else if (event instanceof ServiceWarning e) {
            warnings.labelValues(e.service()).inc();
        }
    }

    public void liveUpdateDropped() {
        sseDropped.inc();
    }

    /** The Prometheus text exposition format (version 0.0.4), with these pools' figures. */
    public byte[] scrape(List<ApplianceControl.PoolUsage> pools) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        scrapePools.set(pools);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            scrapePools.remove();
        }
        return out.toByteArray();
    }
}
