package io.tkv.server.system;

import io.tkv.client.txn.BatchGetResult;
import io.tkv.client.txn.KeyValue;
import io.tkv.client.txn.TxnTransport;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A negative control for the snapshot-isolation system test: a transport that reads {@code staleMs} before the ts it
 * is asked for, while prewrites still check conflicts from the transaction's start ts. A transaction that appends to
 * what it read then overwrites the appends committed in between (lost updates), which the checker must report.
 */
final class StaleReadTxnTransport extends ForwardingTxnTransport {
    private static final int LOGICAL_BITS = 18;

    private final long staleTs;

    StaleReadTxnTransport(final TxnTransport real, final long staleMs) {
        super(real);
        this.staleTs = staleMs << LOGICAL_BITS;
    }

    private long stale(final long ts) {
        return Math.max(1, ts - staleTs);
    }

    @Override
    public CompletableFuture<byte[]> get(final byte[] key, final long ts) {
        return real().get(key, stale(ts));
    }

    @Override
    public CompletableFuture<BatchGetResult> batchGet(final List<byte[]> keys, final long ts) {
        return real().batchGet(keys, stale(ts));
    }

    @Override
    public CompletableFuture<List<KeyValue>> scan(final byte[] startKey, final byte[] endKey, final long ts,
        final int limit, final boolean reverse) {
        return real().scan(startKey, endKey, stale(ts), limit, reverse);
    }
}
