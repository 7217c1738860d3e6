package io.tkv.raft.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.exceptions.RegistrationException;
import io.tkv.codec.auth.PeerFrameSealer;
import io.tkv.codec.auth.PeerFrames;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The Raft traffic from this store to one other store: a bounded queue of the messages of the current duty
 * cycle, flushed as few RaftBatch frames as fit, on one exclusive publication to the peer's raft stream.
 *
 * <p>Back-pressure: a back-pressured offer is retried a few times; if the peer still lags, the frame and every
 * message behind it stay queued for the next duty cycle. The queue is bounded: once full, new messages are
 * refused and reported to the {@link DropListener} (Raft retries by itself). When the peer store is not
 * connected, the queue is dropped and reported. A message is counted as sent only once its frame's offer
 * succeeded. Each frame is sealed ({@link PeerFrames}) right before its offer, so it leaves with room for its
 * trailer: the messages of a frame fill at most the frame's capacity less the trailer.
 *
 * <p>Owned by the raft agent; not thread safe.
 */
final class PeerPublisher implements AutoCloseable {
    private static final int MAX_OFFER_ATTEMPTS = 8;
    private static final long NO_REGISTRATION = -1;
    private static final int MAX_MESSAGES_PER_FRAME = 0xFFFF;

    private final long storeId;
    private final String channel;
    private final int streamId;
    private final int maxPendingMessages;
    private final UnsafeBuffer frame;
    private final ArrayList<RaftMessage> pending;
    private ExclusivePublication publication;
    /** Whether a frame went out since the last {@link #keepAlive}. */
    private boolean sentSinceKeepAlive;
    private long registrationId = NO_REGISTRATION;
    private String lastError;

    PeerPublisher(
        final long storeId, final String channel, final int streamId, final int maxFrameBytes,
        final int maxPendingMessages) {
        this.storeId = storeId;
        this.channel = channel;
        this.streamId = streamId;
        this.maxPendingMessages = maxPendingMessages;
        this.frame = new UnsafeBuffer(ByteBuffer.allocateDirect(maxFrameBytes));
        this.pending = new ArrayList<>(Math.min(maxPendingMessages, 1024));
    }

    long storeId() {
        return storeId;
    }

    String channel() {
        return channel;
    }

    boolean isConnected() {
        return publication != null && publication.isConnected();
    }

    int pendingCount() {
        return pending.size();
    }

    /** @return false if the queue is full: the message was not taken. */
    boolean enqueue(final RaftMessage message) {
        if (pending.size() >= maxPendingMessages) {
            return false;
        }
        pending.add(message);
        return true;
    }

    /**
     * Sends what is queued, as far as the peer takes it.
     *
     * @return work done: frames sent plus messages dropped.
     */
    int flush(
        final Aeron aeron, final RaftCodec codec, final PeerFrameSealer sealer, final long clusterId,
        final long fromStoreId,
        final TransportFaults faults, final TransportCounters counters, final DropListener dropListener) {
        if (pending.isEmpty()) {
            ensurePublication(aeron);
            return 0;
        }
        if (faults.dropOutbound(storeId)) {
            final int dropped = pending.size();
            counters.faultDropped().increment();
            pending.clear();
            return dropped;
        }
        if (!ensurePublication(aeron)) {
            return lastError == null ? 0 : dropAll(0, counters, dropListener);
        }
        if (!publication.isConnected()) {
            return dropAll(0, counters, dropListener);
        }
        int work = 0;
        int next = 0;
        while (next < pending.size()) {
            final int end = frameEnd(next);
            if (end == next) {
                // A single message larger than a frame: it can never go; the core must not build such.
                dropOne(next, counters, dropListener);
                next++;
                continue;
            }
            final RaftMessage first = pending.get(next);
            final int length = first.type() == MessageType.SNAPSHOT
                ? codec.encodeSnapshot(frame, 0, clusterId, fromStoreId, storeId, first)
                : codec.encodeBatch(frame, 0, clusterId, fromStoreId, storeId, pending, next, end - next);
            final long result = offer(sealer.seal(frame, 0, length));
            if (result > 0) {
                sentSinceKeepAlive = true;
                counters.framesSent().increment();
                counters.messagesSent().getAndAdd(end - next);
                next = end;
                work++;
            } else if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) {
                counters.backPressured().increment();
                break;
            } else {
                if (result == Publication.MAX_POSITION_EXCEEDED || result == Publication.CLOSED) {
                    closePublication();
                }
                work += dropAll(next, counters, dropListener);
                next = pending.size();
                break;
            }
        }
        if (next >= pending.size()) {
            pending.clear();
        } else if (next > 0) {
            pending.subList(0, next).clear();
        }
        return work;
    }

    /**
     * Sends an empty RaftBatch unless a frame went out since the last call (nothing is queued or dropped: a lost
     * keep-alive is only a missed beat).
     *
     * @return 1 if one was sent.
     */
    int keepAlive(
        final RaftCodec codec, final PeerFrameSealer sealer, final long clusterId, final long fromStoreId,
        final TransportFaults faults, final TransportCounters counters) {
        if (sentSinceKeepAlive) {
            sentSinceKeepAlive = false;
            return 0;
        }
        if (publication == null || !publication.isConnected() || faults.dropOutbound(storeId)) {
            return 0;
        }
        final int length = codec.encodeBatch(frame, 0, clusterId, fromStoreId, storeId, List.of(), 0, 0);
        if (publication.offer(frame, 0, sealer.seal(frame, 0, length)) > 0) {
            counters.framesSent().increment();
            return 1;
        }
        return 0;
    }

    /** @return the end (exclusive) of the frame that starts at {@code start}; {@code start} if nothing fits. */
    private int frameEnd(final int start) {
        final RaftMessage first = pending.get(start);
        if (first.type() == MessageType.SNAPSHOT) {
            return RaftCodec.snapshotFrameLength(first) <= payloadCapacity() ? start + 1 : start;
        }
        int length = RaftCodec.BATCH_HEADER_LENGTH;
        int end = start;
        while (end < pending.size() && end - start < MAX_MESSAGES_PER_FRAME) {
            final RaftMessage message = pending.get(end);
            if (message.type() == MessageType.SNAPSHOT) {
                break;
            }
            length += RaftCodec.batchedLength(message);
            if (length > payloadCapacity()) {
                break;
            }
            end++;
        }
        return end;
    }

    /** @return the most bytes a frame's messages may take: the frame less its authentication trailer. */
    private int payloadCapacity() {
        return frame.capacity() - PeerFrames.TRAILER_LENGTH;
    }

    private long offer(final int length) {
        long result = Publication.BACK_PRESSURED;
        for (int attempt = 0; attempt < MAX_OFFER_ATTEMPTS; attempt++) {
            result = publication.offer(frame, 0, length);
            if (result > 0 || (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)) {
                return result;
            }
            Thread.onSpinWait();
        }
        return result;
    }

    private int dropAll(final int from, final TransportCounters counters, final DropListener dropListener) {
        final List<RaftMessage> dropped = pending.subList(from, pending.size());
        final int count = dropped.size();
        for (final RaftMessage message : dropped) {
            dropListener.onDropped(storeId, message);
        }
        counters.messagesDropped().getAndAdd(count);
        dropped.clear();
        return count;
    }

    private void dropOne(final int index, final TransportCounters counters, final DropListener dropListener) {
        counters.messagesDropped().increment();
        dropListener.onDropped(storeId, pending.get(index));
    }

    /**
     * @return true once the publication exists; registers it asynchronously, so this never blocks the agent. A
     *     refused registration (e.g. a bad endpoint) is remembered in {@link #lastError()} and tried again.
     */
    private boolean ensurePublication(final Aeron aeron) {
        if (publication != null) {
            return true;
        }
        if (registrationId == NO_REGISTRATION) {
            registrationId = aeron.asyncAddExclusivePublication(channel, streamId);
            return false;
        }
        try {
            publication = aeron.getExclusivePublication(registrationId);
        } catch (final RegistrationException ex) {
            lastError = "cannot publish to store " + storeId + " on " + channel + ": " + ex.getMessage();
            registrationId = NO_REGISTRATION;
            return false;
        }
        if (publication != null) {
            registrationId = NO_REGISTRATION;
            lastError = null;
        }
        return publication != null;
    }

    /** @return why the publication could not be made, or null. */
    String lastError() {
        return lastError;
    }

    private void closePublication() {
        CloseHelper.quietClose(publication);
        publication = null;
    }

    @Override
    public void close() {
        closePublication();
        pending.clear();
    }
}
