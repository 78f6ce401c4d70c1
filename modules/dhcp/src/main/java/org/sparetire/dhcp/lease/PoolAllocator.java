package org.sparetire.dhcp.lease;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Collectors;
import org.sparetire.core.net.Addresses;
import org.sparetire.dhcp.DhcpConfig.Range;

/**
 * A pool made of inclusive ranges, one bit per address. New addresses are handed out round-robin from a
 * cursor rather than lowest-first, so an address a client just released is the last to be reused and
 * the client is likely to get it back (the lease table also remembers it).
 */
public final class PoolAllocator implements AddressAllocator {
    private final long[] starts;
    private final int[] lengths;
    private final int size;
    private final BitSet used;
    private int cursor;

    public PoolAllocator(List<Range> ranges) {
        this.starts = new long[ranges.size()];
        this.lengths = new int[ranges.size()];
        int total = 0;
        for (int i = 0; i < ranges.size(); i++) {
            starts[i] = Addresses.ipv4ToLong(ranges.get(i).from());
            long len = Addresses.ipv4ToLong(ranges.get(i).to()) - starts[i] + 1;
            if (len <= 0 || total + len > (1 << 24)) {
                throw new IllegalArgumentException("bad or too large range " + ranges.get(i));
            }
            lengths[i] = (int) len;
            total += (int) len;
        }
        this.size = total;
        this.used = new BitSet(total);
    }

    @Override
    public InetAddress allocate(InetAddress hint) throws AllocationException.NoAddressAvailable {
        if (hint != null) {
            int i = index(hint);
            if (i >= 0 && !used.get(i)) {
                used.set(i);
                return address(i);
            }
        }
        if (size == 0) {
            throw new AllocationException.NoAddressAvailable(describe());
        }
        int i = used.nextClearBit(cursor);
        if (i >= size) {
            i = used.nextClearBit(0);
            if (i >= size) {
                throw new AllocationException.NoAddressAvailable(describe());
            }
        }
        used.set(i);
        cursor = i + 1 >= size ? 0 : i + 1;
        return address(i);
    }

    @Override
    public void take(InetAddress address) throws AllocationException.OutsidePool {
        int i = index(address);
        if (i < 0) {
            throw new AllocationException.OutsidePool(address.getHostAddress());
        }
        used.set(i);
    }

    @Override
    public void free(InetAddress address) throws AllocationException.NotAllocated {
        int i = index(address);
        if (i < 0 || !used.get(i)) {
            throw new AllocationException.NotAllocated(address.getHostAddress());
        }
        used.clear(i);
    }

    @Override
    public boolean contains(InetAddress address) {
        return index(address) >= 0;
    }

    @Override
    public boolean isFree(InetAddress address) {
        int i = index(address);
        return i >= 0 && !used.get(i);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int freeCount() {
        return size - used.cardinality();
    }

    private int index(InetAddress a) {
        if (a == null || a.getAddress().length != 4) {
            return -1;
        }
        long v = Addresses.ipv4ToLong(a);
        int base = 0;
        for (int r = 0; r < starts.length; r++) {
            if (v >= starts[r] && v < starts[r] + lengths[r]) {
                return base + (int) (v - starts[r]);
            }
            base += lengths[r];
        }
        return -1;
    }

    private InetAddress address(int index) {
        int base = 0;
        for (int r = 0; r < starts.length; r++) {
            if (index < base + lengths[r]) {
                return Addresses.ipv4FromLong(starts[r] + index - base);
            }
            base += lengths[r];
        }
        throw new IllegalStateException("index " + index + " outside the pool");
    }

    private String describe() {
        List<String> parts = new ArrayList<>();
        for (int r = 0; r < starts.length; r++) {
            parts.add(Addresses.ipv4FromLong(starts[r]).getHostAddress() + "-"
                    + Addresses.ipv4FromLong(starts[r] + lengths[r] - 1).getHostAddress());
        }
        return parts.stream().collect(Collectors.joining(", ", "pool ", ""));
    }
}
