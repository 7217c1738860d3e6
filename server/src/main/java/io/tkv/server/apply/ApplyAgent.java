package io.tkv.server.apply;

import io.tkv.codec.frame.Protocol;
import io.tkv.server.StoreCounters;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.StorageEngine;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;

/**
 * Applies requests from the {@link CommandQueue} to RocksDB and answers clients. One duty cycle: drain a batch
 * of requests (each write its own atomic RocksDB write, unsynced), then, under {@link FsyncPolicy#SYNC}, one WAL
 * sync covering all of them (group commit), then send every reply. No reply leaves before the sync, so an
 * acknowledged write is durable and no reader sees a write that could still be lost.
 *
 * <p>If a sync fails the store fails stop: the cycle's writes are answered INTERNAL_ERROR and every later request
 * too, since RocksDB cannot tell us which of them reached the disk.
 */
public final class ApplyAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyAgent.class);
    private static final int DRAIN_LIMIT = 256;

    private final CommandQueue queue;
    private final StorageEngine engine;
    private final SessionRegistry registry;
    private final ReplySender sender;
    private final StoreCounters counters;
    private final EpochClock clock;
    private final FsyncPolicy fsyncPolicy;
    private final long syncIntervalMs;
    private final PendingReplies replies = new PendingReplies();
    private final RawCommandExecutor executor;
    private final MessageHandler handler = this::onCommand;
    private boolean unsynced;
    private long nextPeriodicSyncMs;
    private String failure;

    public ApplyAgent(
        final CommandQueue queue, final StorageEngine engine, final RawKvStore store, final SessionRegistry registry,
        final ReplySender sender, final StoreCounters counters, final EpochClock clock, final FsyncPolicy fsyncPolicy,
        final long syncIntervalMs, final int maxReplyBytes) {
        this.queue = queue;
        this.engine = engine;
        this.registry = registry;
        this.sender = sender;
        this.counters = counters;
        this.clock = clock;
        this.fsyncPolicy = fsyncPolicy;
        this.syncIntervalMs = syncIntervalMs;
        this.executor = new RawCommandExecutor(store, replies, maxReplyBytes);
    }

    @Override
    public int doWork() {
        final int applied = queue.drain(handler, DRAIN_LIMIT);
        int work = applied;
        if (fsyncPolicy == FsyncPolicy.SYNC && replies.hasWrites()) {
            work += sync();
        } else if (fsyncPolicy == FsyncPolicy.PERIODIC && unsynced) {
            final long nowMs = clock.time();
            if (nowMs >= nextPeriodicSyncMs) {
                nextPeriodicSyncMs = nowMs + syncIntervalMs;
                work += sync();
            }
        }
        if (!replies.isEmpty()) {
            work += replies.flush(registry, sender);
        }
        return work;
    }

    @Override
    public void onClose() {
        if (unsynced && failure == null) {
            sync();
        }
    }

    @Override
    public String roleName() {
        return "tkv-apply";
    }

    private int sync() {
        try {
            engine.syncWal();
            counters.syncs().increment();
            unsynced = false;
        } catch (final RuntimeException ex) {
            failure = "store failed: WAL sync error: " + ex.getMessage();
            LOG.error("WAL sync failed; the store now refuses every request", ex);
            replies.failWrites(failure);
        }
        return 1;
    }

    private void onCommand(final int templateId, final MutableDirectBuffer buffer, final int index, final int length) {
        final int slot = buffer.getInt(index, ByteOrder.LITTLE_ENDIAN);
        final int generation = buffer.getInt(index + Integer.BYTES, ByteOrder.LITTLE_ENDIAN);
        final int frame = index + CommandQueue.PREFIX_LENGTH;
        final int frameLength = length - CommandQueue.PREFIX_LENGTH;
        counters.requests().increment();
        if (failure != null) {
            executor.fail(slot, generation, Protocol.correlationId(buffer, frame, frameLength), templateId, failure);
            return;
        }
        try {
            if (executor.execute(templateId, buffer, frame, slot, generation)) {
                unsynced = true;
            }
        } catch (final RuntimeException ex) {
            LOG.warn("request {} failed in storage", templateId, ex);
            executor.fail(slot, generation, Protocol.correlationId(buffer, frame, frameLength), templateId,
                "storage error: " + ex.getMessage());
        }
    }
}
