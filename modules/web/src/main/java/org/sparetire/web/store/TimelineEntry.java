package org.sparetire.web.store;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;

/**
 * One line of a device's story.
 *
 * @param kind     {@code dhcp}, {@code tftp}, {@code http-boot} or {@code syslog}
 * @param mac      the device, or null when no lease tells who sent it
 * @param address  the device's address in this step (offered, or the sender's), or null
 * @param summary  one human line, such as {@code ACKED 10.0.0.51 class=uefi-x64 boot=ipxe.efi}
 * @param details  the particulars (options sent, negotiated TFTP options, severity), for the expanded view
 * @param transfer the transfer id for tftp and http-boot entries, else -1
 */
public record TimelineEntry(long seq, Instant at, String kind, String mac, InetAddress address, String summary,
                            Map<String, String> details, long transfer) {
    public TimelineEntry {
        details = Map.copyOf(details);
    }
}
