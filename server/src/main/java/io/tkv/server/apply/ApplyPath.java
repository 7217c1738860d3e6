package io.tkv.server.apply;

import io.tkv.storage.ApplyBatch;
import io.tkv.storage.DedupTable;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.StorageEngine;
import io.tkv.server.raft.ProposalAdapter;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * The store's work for one request — decode the frame, run it against RocksDB, encode the reply — without Raft, the
 * queue or the network: a read through {@link ReadExecutor}; a write as the proposing store makes it a command
 * ({@link ProposalAdapter}) and every replica applies it, as one committed entry of its own apply batch ({@link
 * EntryDecoder}, {@link CommandExecutor}), in no region (no range or epoch to check). For the JMH apply-path benchmark
 * and for tests that check replies byte for byte. Single-threaded.
 */
public final class ApplyPath implements AutoCloseable {
    /** The region the path applies to (a test region, apart from a store's real ones). */
    private static final long REGION_ID = 1_000_001;

    private final PendingReplies replies = new PendingReplies();
    private final ReadExecutor reads;
    private final CommandExecutor writes = new CommandExecutor(replies);
    private final EntryDecoder entries = new EntryDecoder();
    private final ProposalAdapter adapter = new ProposalAdapter();
    private final ExpandableDirectByteBuffer entry = new ExpandableDirectByteBuffer(4096);
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
     * Applies one validated request frame; its reply is then at offset 0 of {@link #reply()}. A write's command is
     * checked again first, as the apply agent checks every committed entry; a malformed one gets no reply here.
     *
     * @param length the frame's length.
     * @param nowMs  for a write, the entry time its TTL counts from.
     * @return the reply's length.
     */
    public int apply(final int templateId, final DirectBuffer frame, final int offset, final int length,
        final long nowMs) {
        replies.clear();
        if (ProposalAdapter.isWrite(templateId)) {
            final int entryLength = adapter.encode(nowMs, frame, offset, entry, 0);
            batch.begin(region);
            if (entries.decode(entry, 0, entryLength)) {
                batch.beginEntry(++index, 1, entries.timeMs());
                writes.execute(batch, entries.command(), null, 0, 1);
            } else {
                batch.beginEntry(++index, 1);
            }
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
