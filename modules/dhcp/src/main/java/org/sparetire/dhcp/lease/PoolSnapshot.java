package org.sparetire.dhcp.lease;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sparetire.core.net.Addresses;
import org.sparetire.core.query.LeaseQueries.PoolFill;
import org.sparetire.dhcp.DhcpConfig.Range;

/**
 * How full each configured range is, as the lease table stood at the end of one change: immutable, so
 * any thread may read it while the table goes on changing on the DHCP event loop.
 *
 * @param ranges            every range of every subnet, in configuration order
 * @param held              addresses in each range that a lease holds (offered, bound or quarantined)
 * @param nothingEndsBefore no counted lease ends before this; from then on the counts may include a lease
 *                          that has run out, until the table is swept
 */
public record PoolSnapshot(List<Range> ranges, List<Integer> held, Instant nothingEndsBefore) {
    public static final PoolSnapshot EMPTY = new PoolSnapshot(List.of(), List.of(), Instant.MAX);

    public PoolSnapshot {
        ranges = List.copyOf(ranges);
        held = List.copyOf(held);
    }

    /** True when every count is exact at {@code now}: no counted lease can have run out yet. */
    public boolean exactAt(Instant now) {
        return now.isBefore(nothingEndsBefore);
    }

    /** Each range's name ("from-to"), size and the addresses held in it, in configuration order. */
    public List<PoolFill> fills() {
        List<PoolFill> fills = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            Range range = ranges.get(i);
            long size = Addresses.ipv4ToLong(range.to()) - Addresses.ipv4ToLong(range.from()) + 1;
            fills.add(new PoolFill(Addresses.text(range.from()) + "-" + Addresses.text(range.to()),
                    (int) Math.min(Integer.MAX_VALUE, size), held.get(i)));
        }
        return fills;
    }
}
