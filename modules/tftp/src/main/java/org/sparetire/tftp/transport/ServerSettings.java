package org.sparetire.tftp.transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.sparetire.core.net.Cidr;
import org.sparetire.tftp.policy.Admission;
import org.sparetire.tftp.policy.RequestPolicy;
import org.sparetire.tftp.session.OptionNegotiation;

/**
 * Everything a new transfer is started with. Swapped whole on reconfiguration; a running transfer keeps
 * the settings (and the admission counters) it started under.
 *
 * @param noOptionsFor clients whose options are ignored (no OACK), for firmware that chokes on one
 * @param portLow  first source port for transfers, 0 for any
 * @param portHigh last source port for transfers, 0 for any
 * @param replyPoll how long to poll for a fast peer's reply instead of sleeping (0: never)
 */
public record ServerSettings(RequestPolicy policy, Admission admission, OptionNegotiation.Limits limits,
                             List<Cap> blksizeCaps, List<Cidr> noOptionsFor, boolean singlePort, int portLow, int portHigh,
                             Duration progressInterval, Duration replyPoll) {
    public record Cap(List<Cidr> clients, int max) {
    }

    public ServerSettings {
        blksizeCaps = List.copyOf(blksizeCaps);
        noOptionsFor = List.copyOf(noOptionsFor);
    }

    /** Whether this client gets plain RFC 1350 whatever it asks for. */
    public boolean optionsOff(InetAddress client) {
        for (Cidr c : noOptionsFor) {
            if (c.contains(client)) {
                return true;
            }
        }
        return false;
    }

    /** The limits for one client: the configured blksize cap, lowered for networks with a smaller MTU. */
    public OptionNegotiation.Limits limitsFor(InetAddress client) {
        int max = limits.maxBlksize();
        for (Cap cap : blksizeCaps) {
            for (Cidr c : cap.clients()) {
                if (c.contains(client)) {
                    max = Math.min(max, cap.max());
                }
            }
        }
        return max == limits.maxBlksize() ? limits
                : new OptionNegotiation.Limits(max, limits.maxWindowsize(), limits.timeout(), limits.maxRetries(),
                        limits.rolloverToOne());
    }
}
