package io.tkv.client.txn;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Snapshot-isolation reads at one ts, as client-go's {@code txnsnapshot}: a read that meets locks hands them to the
 * {@link LockResolver} and retries; while a lock is alive it backs off, until the lock-wait deadline, then fails with
 * {@link KeyLockedException}. Thread-safe: holds no mutable state.
 */
public final class TxnSnapshot {
    private final TxnTransport transport;
    private final LockResolver resolver;
    private final TxnConfig config;
    private final long ts;

    /**
     * @param transport the store requests.
     * @param resolver  the lock resolver.
     * @param config    timeouts and backoff.
     * @param ts        the read ts.
     */
    public TxnSnapshot(final TxnTransport transport, final LockResolver resolver, final TxnConfig config,
        final long ts) {
        this.transport = transport;
        this.resolver = resolver;
        this.config = config;
        this.ts = ts;
    }

    /** @return the read ts. */
    public long ts() {
        return ts;
    }

    /** @return the key's value at the read ts, or {@code null}. */
    public byte[] get(final byte[] key) {
        final Backoff backoff = Backoff.forLocks(config);
        while (true) {
            try {
                return Rpc.await(transport.get(key, ts), config.requestTimeoutMs());
            } catch (final KeyLockedException locked) {
                waitFor(backoff, locked, List.of(locked.lock()));
            }
        }
    }

    /** @return the keys that have a value at the read ts, in key order. */
    public List<KeyValue> batchGet(final List<byte[]> keys) {
        final TreeMap<byte[], byte[]> found = new TreeMap<>(Keys.ORDER);
        final Backoff backoff = Backoff.forLocks(config);
        List<byte[]> pending = keys;
        while (!pending.isEmpty()) {
            final List<CompletableFuture<BatchGetResult>> reads = new ArrayList<>();
            for (final List<byte[]> region : transport.groupByRegion(pending)) {
                reads.add(transport.batchGet(region, ts));
            }
            final List<LockInfo> locked = new ArrayList<>();
            for (final CompletableFuture<BatchGetResult> read : reads) {
                final BatchGetResult result = Rpc.await(read, config.requestTimeoutMs());
                for (final KeyValue pair : result.pairs()) {
                    found.put(pair.key(), pair.value());
                }
                locked.addAll(result.locked());
            }
            if (locked.isEmpty()) {
                break;
            }
            waitFor(backoff, new KeyLockedException(locked.get(0)), locked);
            pending = new ArrayList<>(locked.size());
            for (final LockInfo lock : locked) {
                pending.add(lock.key());
            }
        }
        final List<KeyValue> out = new ArrayList<>(found.size());
        found.forEach((key, value) -> out.add(new KeyValue(key, value)));
        return out;
    }

    /**
     * One page of a scan.
     *
     * @param endKey exclusive; {@code null} for the end of the key space.
     * @return at most {@code limit} pairs in scan order.
     */
    public List<KeyValue> scan(final byte[] startKey, final byte[] endKey, final int limit, final boolean reverse) {
        final Backoff backoff = Backoff.forLocks(config);
        while (true) {
            try {
                return Rpc.await(transport.scan(startKey, endKey, ts, limit, reverse), config.requestTimeoutMs());
            } catch (final KeyLockedException locked) {
                waitFor(backoff, locked, List.of(locked.lock()));
            }
        }
    }

    private void waitFor(final Backoff backoff, final KeyLockedException locked, final List<LockInfo> locks) {
        final long liveMs = resolver.resolve(ts, locks);
        if (liveMs > 0 && !backoff.pause(liveMs)) {
            throw locked;
        }
    }
}
