package org.sparetire.testkit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.sparetire.core.event.LeaseEvent;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.core.event.SyslogReceived;
import org.sparetire.core.event.TransferDirection;
import org.sparetire.core.event.TransferFinished;
import org.sparetire.core.event.TransferOutcome;
import org.sparetire.core.event.TransferProgress;
import org.sparetire.core.event.TransferStarted;

/** Synthetic core events, shaped as the services publish them. */
public final class Events {
    private Events() {
    }

    public static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static InetSocketAddress peer(String address, int port) {
        return new InetSocketAddress(ip(address), port);
    }

    /** A client port per transfer, as TFTP clients pick a fresh one each time. */
    private static int port(long id) {
        return 2000 + (int) (id % 60000);
    }

    public static LeaseEvent ack(Instant at, String mac, String address, Duration lease) {
        return lease(at, LeaseEventKind.ACKED, mac, address, lease);
    }

    public static LeaseEvent lease(Instant at, LeaseEventKind kind, String mac, String address, Duration lease) {
        return new LeaseEvent(at, kind, mac, null, address == null ? null : ip(address), "phone-" + mac.substring(15),
                "PXEClient:Arch:00007", 7, null, "uefi-x64", "ipxe.efi", lease == null ? null : at.plus(lease),
                peer("0.0.0.0", 68), Map.of(67, "ipxe.efi", 66, "10.77.0.1"));
    }

    public static TransferStarted started(Instant at, long id, String address, String file, long expected) {
        return new TransferStarted(at, id, peer(address, port(id)), TransferDirection.READ, file, "octet",
                Map.of("blksize", "1468", "tsize", Long.toString(expected)), expected);
    }

    public static TransferProgress progress(Instant at, long id, String address, long bytes, long expected) {
        return new TransferProgress(at, id, peer(address, port(id)), bytes, expected, 1);
    }

    public static TransferFinished finished(Instant at, long id, String address, String file, long bytes,
                                            Duration elapsed, TransferOutcome outcome) {
        return new TransferFinished(at, id, peer(address, port(id)), TransferDirection.READ, file, "octet",
                Map.of("blksize", "1468"), bytes, elapsed, 2, outcome, outcome == TransferOutcome.COMPLETED ? "" : "gone");
    }

    public static SyslogReceived syslog(Instant at, String address, int severity, String message) {
        return new SyslogReceived(at, peer(address, 514), 16, severity, "sw1", "kernel", message);
    }
}
