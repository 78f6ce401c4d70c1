package org.sparetire.web.store;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import org.sparetire.core.event.LeaseEventKind;

/**
 * The latest DHCP state of one device (one MAC).
 *
 * @param lastEvent what the server last did for this MAC
 * @param expires   when the lease ends, or null (no lease, or an infinite one)
 */
public record LeaseView(String mac, InetAddress address, String hostname, String vendorClass, int architecture,
                        String userClass, String matchedClass, String bootFile, String clientId,
                        LeaseEventKind lastEvent, Instant updatedAt, Instant expires, InetSocketAddress peer,
                        Map<Integer, String> options) {

    /** What the Leases page and the metrics call this lease at {@code now}. */
    public LeaseState state(Instant now) {
        switch (lastEvent) {
            case ACKED:
                return expires != null && !now.isBefore(expires) ? LeaseState.EXPIRED : LeaseState.BOUND;
            case OFFERED:
                return expires != null && !now.isBefore(expires) ? LeaseState.EXPIRED : LeaseState.OFFERED;
            case PROXY_OFFERED:
            case INFORMED:
                return LeaseState.PROXY;
            case RELEASED:
                return LeaseState.RELEASED;
            case EXPIRED:
                return LeaseState.EXPIRED;
            case DECLINED:
                return LeaseState.DECLINED;
            default:
                return LeaseState.NAKED;
        }
    }

    /**
     * Option 93 when the client sent it, else the architecture PXE clients also spell in their vendor
     * class ({@code PXEClient:Arch:00007:UNDI:003016}, RFC 4578 section 2.1); -1 when neither says.
     */
    public int effectiveArchitecture() {
        if (architecture >= 0) {
            return architecture;
        }
        if (vendorClass != null) {
            java.util.regex.Matcher m = PXE_ARCH.matcher(vendorClass);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    private static final java.util.regex.Pattern PXE_ARCH = java.util.regex.Pattern.compile("^PXEClient:Arch:(\\d{5})");

    public enum LeaseState {
        OFFERED, BOUND, PROXY, RELEASED, EXPIRED, DECLINED, NAKED
    }

    /** RFC 4578 section 2.1 and the IANA "Processor Architecture Types" registry, for people. */
    public static String architectureName(int arch) {
        return switch (arch) {
            case -1 -> "";
            case 0 -> "x86 BIOS";
            case 6 -> "x86 UEFI";
            case 7 -> "x64 UEFI";
            case 9 -> "x64 UEFI (EFI BC)";
            case 10 -> "ARM32 UEFI";
            case 11 -> "ARM64 UEFI";
            case 15 -> "x86 UEFI HTTP";
            case 16 -> "x64 UEFI HTTP";
            case 18 -> "ARM32 UEFI HTTP";
            case 19 -> "ARM64 UEFI HTTP";
            case 22 -> "RISC-V 32 UEFI";
            case 25 -> "RISC-V 64 UEFI";
            default -> "type " + arch;
        };
    }
}
