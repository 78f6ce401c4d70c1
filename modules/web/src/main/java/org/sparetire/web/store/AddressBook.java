package org.sparetire.web.store;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which MAC held which address when: the join key between DHCP (which knows MACs) and TFTP and syslog
 * (which only see a sender address). Holdings are intervals, so an event is attributed to the device that
 * held its address at the event's own time, even when the device has since moved to another address
 * and someone else got the old one. Bounded: a fixed number of addresses and holdings per address.
 */
final class AddressBook {
    /** Enough to tell apart the last few owners of an address on a busy bench. */
    private static final int HOLDINGS_PER_ADDRESS = 8;

    record Holding(String mac, Instant from, Instant until) {
        boolean covers(Instant at) {
            return !at.isBefore(from) && at.isBefore(until);
        }
    }

    private final Map<InetAddress, Deque<Holding>> byAddress;
    private final Map<String, InetAddress> currentByMac;

    AddressBook(int maxAddresses) {
        byAddress = lru(maxAddresses);
        currentByMac = lru(maxAddresses);
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    /**
     * The device holds the address from {@code at} until {@code until} (its lease expiry; null for
     * "until someone else gets it"). A renewal extends the holding; a device that moved ends its
     * holding of the old address; an address given to another device ends the previous holder's.
     */
    void bind(String mac, InetAddress address, Instant at, Instant until) {
        Instant end = until == null ? Instant.MAX : until;
        InetAddress previous = currentByMac.get(mac);
        if (previous != null && !previous.equals(address)) {
            end(mac, previous, at);
        }
        Deque<Holding> holdings = byAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
        Holding last = holdings.peekLast();
        if (last != null && last.mac().equals(mac) && last.until().isAfter(at)) {
            holdings.pollLast();
            holdings.addLast(new Holding(mac, last.from(), end));
        } else {
            if (last != null && last.until().isAfter(at)) {
                holdings.pollLast();
                holdings.addLast(new Holding(last.mac(), last.from(), at));
                currentByMac.remove(last.mac(), address);
            }
            holdings.addLast(new Holding(mac, at, end));
            while (holdings.size() > HOLDINGS_PER_ADDRESS) {
                holdings.pollFirst();
            }
        }
        currentByMac.put(mac, address);
    }

    /** The device gave the address up (release, decline, expiry, NAK) at {@code at}. */
    void end(String mac, InetAddress address, Instant at) {
        Deque<Holding> holdings = byAddress.get(address);
        if (holdings != null) {
            Holding last = holdings.peekLast();
            if (last != null && last.mac().equals(mac) && last.until().isAfter(at)) {
                holdings.pollLast();
                holdings.addLast(new Holding(mac, last.from(), at));
            }
        }
        currentByMac.remove(mac, address);
    }

    /** The device's address now, if it holds one. */
    Optional<InetAddress> currentAddress(String mac) {
        return Optional.ofNullable(currentByMac.get(mac));
    }

    /** The MAC that held {@code address} at {@code at}, if any device did. */
    Optional<String> holderAt(InetAddress address, Instant at) {
        Deque<Holding> holdings = byAddress.get(address);
        if (holdings == null) {
            return Optional.empty();
        }
        var it = holdings.descendingIterator();
        while (it.hasNext()) {
            Holding h = it.next();
            if (h.covers(at)) {
                return Optional.of(h.mac());
            }
        }
        return Optional.empty();
    }
}
