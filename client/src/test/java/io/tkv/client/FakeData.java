package io.tkv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The state fake stores keep, shared by the fake stores of one test cluster as a stand-in for replication: the
 * sorted data, the ttl of each key's last write, and the outcome of every write by (clientId, correlationId), so a
 * write resent to any store of the cluster applies once and is answered with its first outcome, as the real stores
 * do.
 */
final class FakeData {
    private final NavigableMap<byte[], byte[]> data = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final Map<String, Long> ttls = new ConcurrentHashMap<>();
    private final Map<String, byte[]> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger applied = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();

    NavigableMap<byte[], byte[]> data() {
        return data;
    }

    /** @return the ttl of the last write to this key (UTF-8 text), or null. */
    Long ttlOf(final String key) {
        return ttls.get(key);
    }

    void write(final byte[] key, final byte[] value, final long ttl) {
        data.put(key, value);
        ttls.put(new String(key, StandardCharsets.UTF_8), ttl);
        applied.incrementAndGet();
    }

    void countApplied(final int changes) {
        applied.addAndGet(changes);
    }

    /** @return changes writes made (keys written or deleted). */
    int applied() {
        return applied.get();
    }

    /** @return writes answered from the outcome of an earlier copy instead of being applied again. */
    int duplicates() {
        return duplicates.get();
    }

    /** @return the reply frame the first copy of this write got, or null if it never ran. */
    byte[] outcome(final long clientId, final long correlationId) {
        final byte[] reply = outcomes.get(clientId + ":" + correlationId);
        if (reply != null) {
            duplicates.incrementAndGet();
        }
        return reply;
    }

    void recordOutcome(final long clientId, final long correlationId, final byte[] reply) {
        outcomes.putIfAbsent(clientId + ":" + correlationId, reply);
    }

    void clear() {
        data.clear();
        ttls.clear();
        outcomes.clear();
        applied.set(0);
        duplicates.set(0);
    }
}
