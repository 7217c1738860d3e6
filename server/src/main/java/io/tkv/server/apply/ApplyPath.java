package io.tkv.server.apply;

import io.tkv.storage.ApplyBatch;
import io.tkv.storage.DedupTable;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.StorageEngine;
import org.agrona.DirectBuffer;

/**
 * The apply agent's work for one request — decode the frame, run it against RocksDB, encode the reply — without
 * Raft, the queue or the network: a read through {@link ReadExecutor}, a write as one committed entry of its own
 * apply batch through {@link WriteExecutor}. For the JMH apply-path benchmark and for tests that check replies byte
 * for byte. Single-threaded.
 */
public final class ApplyPath implements AutoCloseable {
    /** The region the path applies to (a test region, apart from a store's real ones). */
    private static final long REGION_ID = 1_000_001;

    private final PendingReplies replies = new PendingReplies();
    private final ReadExecutor reads;
    private final WriteExecutor writes = new WriteExecutor(replies);
    private final ApplyBatch batch;
    private final RegionApplyState region;
    private long index;

    /**
     * @param engine        the engine the store is on.
     * @param store         the RawKV state machine, for reads.
     * @param maxReplyBytes the largest reply frame.
     */
    public ApplyPath(final StorageEngine engine, final RawKvStore store, final int maxReplyBytes) {
        this.reads = new ReadExecutor(store, replies, maxReplyBytes);
        this.batch = new ApplyBatch(engine, DedupTable.load(engine));
        this.region = RegionApplyState.load(engine, REGION_ID);
        this.index = region.appliedIndex();
    }

    /**
     * Applies one validated request frame; its reply is then at offset 0 of {@link #reply()}. A write is checked again
     * first, as the apply agent checks every committed entry.
     *
     * @param length the frame's length.
     * @param nowMs  for a write, the entry time its TTL counts from.
     * @return the reply's length.
     */
    public int apply(final int templateId, final DirectBuffer frame, final int offset, final int length,
        final long nowMs) {
        replies.clear();
        if (WriteExecutor.isWrite(templateId)) {
            batch.begin(region);
            batch.beginEntry(++index, 1, nowMs);
            writes.execute(batch, frame, offset, length, 0, 1);
            batch.commit();
        } else {
            reads.execute(templateId, frame, offset, 0, 1);
        }
        return replies.position();
    }

    /**
     * As {@link #apply(int, DirectBuffer, int, int, long)}, for a frame whose length its caller does not track: the
     * write check is bounded by the buffer's end instead (bytes after the frame are not read, since the frame's own
     * lengths do not reach them).
     *
     * @return the reply's length.
     */
    public int apply(final int templateId, final DirectBuffer frame, final int offset, final long nowMs) {
        return apply(templateId, frame, offset, frame.capacity() - offset, nowMs);
    }

    /** @return the buffer holding the last reply, at offset 0. */
    public DirectBuffer reply() {
        return replies.buffer();
    }

    @Override
    public void close() {
        batch.close();
    }
}
