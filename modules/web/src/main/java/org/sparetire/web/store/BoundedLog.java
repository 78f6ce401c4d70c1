package org.sparetire.web.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * A first-in-first-out history with a hard size limit: adding past the limit forgets the oldest.
 * Not thread-safe; the {@link Dashboard} serialises access.
 */
final class BoundedLog<T> {
    private final Deque<T> items = new ArrayDeque<>();
    private int capacity;
    private long evicted;

    BoundedLog(int capacity) {
        resize(capacity);
    }

    void add(T item) {
        items.addLast(item);
        trim();
    }

    /** Shrinking forgets the oldest entries at once; growing keeps everything. */
    void resize(int newCapacity) {
        if (newCapacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + newCapacity);
        }
        capacity = newCapacity;
        trim();
    }

    private void trim() {
        while (items.size() > capacity) {
            items.removeFirst();
            evicted++;
        }
    }

    int size() {
        return items.size();
    }

    int capacity() {
        return capacity;
    }

    /** How many entries were forgotten to stay within the limit, since creation. */
    long evicted() {
        return evicted;
    }

    /** The newest {@code limit} matching items, newest first. */
    List<T> newest(Predicate<? super T> filter, int limit) {
        List<T> out = new ArrayList<>(Math.min(limit, items.size()));
        var it = items.descendingIterator();
        while (it.hasNext() && out.size() < limit) {
            T t = it.next();
            if (filter.test(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Everything, oldest first. */
    List<T> all() {
        return new ArrayList<>(items);
    }
}
