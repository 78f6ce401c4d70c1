package org.sparetire.dhcp;

import java.util.List;

/**
 * What a reload changes, computed from the old and the new settings alone (no sockets, no files): which
 * interfaces keep their sockets, which are bound afresh and which close, and whether the lease store is
 * opened anew. The running service then applies it.
 *
 * @param action      stop (disabled), start (was disabled), or change a running service
 * @param keep        interfaces whose sockets stay as they are
 * @param bind        interfaces that get new sockets
 * @param retire      interfaces whose sockets close once the new ones serve
 * @param reopenStore the lease file or lease store changed
 */
record ReloadPlan(Action action, List<String> keep, List<String> bind, List<String> retire, boolean reopenStore) {

    enum Action { STOP, START, CHANGE }

    ReloadPlan {
        keep = List.copyOf(keep);
        bind = List.copyOf(bind);
        retire = List.copyOf(retire);
    }

    static ReloadPlan between(DhcpConfig old, DhcpConfig next) {
        if (!next.enabled()) {
            return new ReloadPlan(Action.STOP, List.of(), List.of(), old.enabled() ? old.interfaces() : List.of(), false);
        }
        if (!old.enabled()) {
            return new ReloadPlan(Action.START, List.of(), next.interfaces(), List.of(), false);
        }
        // A changed port or mode changes every socket; otherwise only those of added or removed interfaces.
        boolean samePorts = old.port() == next.port() && old.proxyPort() == next.proxyPort() && old.mode() == next.mode();
        List<String> keep = samePorts ? next.interfaces().stream().filter(old.interfaces()::contains).toList() : List.of();
        List<String> bind = next.interfaces().stream().filter(i -> !keep.contains(i)).toList();
        List<String> retire = old.interfaces().stream().filter(i -> !keep.contains(i)).toList();
        boolean reopen = !old.leaseFile().equals(next.leaseFile()) || !old.leaseStore().equals(next.leaseStore());
        return new ReloadPlan(Action.CHANGE, keep, bind, retire, reopen);
    }
}
