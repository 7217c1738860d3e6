package io.tkv.raft.transport;

import io.aeron.Aeron;
import io.tkv.codec.auth.ClusterKey;
import io.tkv.codec.auth.PeerFrameSealer;
import io.tkv.codec.auth.PeerFrames;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import org.agrona.CloseHelper;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * The outbound side of store-to-store Raft traffic: routes each message to the {@link PeerPublisher} of the
 * store that hosts its target peer, and flushes them all once per duty cycle, so every message of a cycle for
 * one store travels in as few frames as fit. The inbound side is {@link RaftAdapter}.
 *
 * <p>Owned by the raft agent; not thread safe (the {@link TransportFaults} it reads may be set elsewhere).
 */
public final class RaftTransport implements AutoCloseable {
    private final Aeron aeron;
    private final RaftTransportConfig config;
    private final TransportFaults faults;
    private final TransportCounters counters;
    private final DropListener dropListener;
    private final RaftCodec codec = new RaftCodec();
    private final PeerFrameSealer sealer;
    private final Long2ObjectHashMap<PeerPublisher> publishers = new Long2ObjectHashMap<>();
    private final List<PeerPublisher> publisherList = new ArrayList<>();

    /**
     * @param aeron        the store's Aeron client.
     * @param config       concluded transport settings.
     * @param faults       fault hook ({@link TransportFaults#NONE} in production).
     * @param counters     where sends and drops are counted.
     * @param dropListener told about every message given up on.
     */
    public RaftTransport(
        final Aeron aeron, final RaftTransportConfig config, final TransportFaults faults,
        final TransportCounters counters, final DropListener dropListener) {
        this.aeron = aeron;
        this.config = config.conclude();
        this.faults = faults;
        this.counters = counters;
        this.dropListener = dropListener;
        this.sealer = config.clusterKey().isSet()
            ? new PeerFrameSealer(config.clusterKey().streamKey(ClusterKey.Stream.RAFT), config.incarnation()) : null;
    }

    /**
     * Makes a peer store reachable (static membership today; PD will call this as stores join). Idempotent for
     * the same endpoint; a new endpoint replaces the old publication.
     *
     * @param storeId  the peer store's id (not this store's).
     * @param endpoint its listen address, {@code host:port}.
     * @throws IllegalStateException without a cluster key: frames to other stores must be authenticated.
     */
    public void addStore(final long storeId, final String endpoint) {
        if (storeId == config.storeId()) {
            throw new IllegalArgumentException("store " + storeId + " is this store");
        }
        if (sealer == null) {
            throw new IllegalStateException("no cluster key: this store cannot talk to store " + storeId);
        }
        final String channel = config.channelFor(endpoint);
        final PeerPublisher existing = publishers.get(storeId);
        if (existing != null) {
            if (existing.channel().equals(channel)) {
                return;
            }
            removeStore(storeId);
        }
        final PeerPublisher publisher = new PeerPublisher(storeId, channel, config.streamId(),
            config.maxFrameBytes(), config.maxPendingMessagesPerStore());
        publishers.put(storeId, publisher);
        publisherList.add(publisher);
    }

    /** @param storeId a peer store no longer in the cluster; its queued messages are dropped silently. */
    public void removeStore(final long storeId) {
        final PeerPublisher publisher = publishers.remove(storeId);
        if (publisher != null) {
            publisherList.remove(publisher);
            publisher.close();
        }
    }

    /**
     * Queues a message for the store hosting its target peer; it leaves at the next {@link #flush()}.
     *
     * @param toStoreId the store hosting {@code message.to()}.
     * @param message   the message.
     * @return false if it was refused (unknown store, queue full); the {@link DropListener} was told.
     */
    public boolean send(final long toStoreId, final RaftMessage message) {
        final PeerPublisher publisher = publishers.get(toStoreId);
        if (publisher == null || !publisher.enqueue(message)) {
            counters.messagesDropped().increment();
            dropListener.onDropped(toStoreId, message);
            return false;
        }
        return true;
    }

    /**
     * Sends everything queued, to every store; call once per duty cycle, after the cycle's Raft work.
     *
     * @return work done (frames sent, messages dropped).
     */
    public int flush() {
        int work = 0;
        for (int i = 0; i < publisherList.size(); i++) {
            work += publisherList.get(i).flush(aeron, codec, sealer, config.clusterId(), config.storeId(), faults,
                counters, dropListener);
        }
        return work;
    }

    /**
     * The store-to-store heartbeat, for hibernating regions: sends an empty RaftBatch to every store this one sent no
     * frame to since the last call, so each store hears every other at least once per call interval whatever its
     * regions do (io.tkv.raft.store.StoreLiveness). O(stores).
     *
     * @return frames sent.
     */
    public int keepAlive() {
        int sent = 0;
        for (int i = 0; i < publisherList.size(); i++) {
            sent += publisherList.get(i).keepAlive(codec, sealer, config.clusterId(), config.storeId(), faults,
                counters);
        }
        return sent;
    }

    /** @return whether the message fits one frame on its own (else it can never be sent). */
    public boolean fitsOneFrame(final RaftMessage message) {
        final int payload = config.maxFrameBytes() - PeerFrames.TRAILER_LENGTH;
        return message.type() == MessageType.SNAPSHOT ? RaftCodec.snapshotFrameLength(message) <= payload
            : RaftCodec.BATCH_HEADER_LENGTH + RaftCodec.batchedLength(message) <= payload;
    }

    /** @return whether this store's publication to {@code storeId} has a connected subscriber. */
    public boolean isConnected(final long storeId) {
        final PeerPublisher publisher = publishers.get(storeId);
        return publisher != null && publisher.isConnected();
    }

    /** @return messages queued for {@code storeId} and not yet sent. */
    public int pendingCount(final long storeId) {
        final PeerPublisher publisher = publishers.get(storeId);
        return publisher == null ? 0 : publisher.pendingCount();
    }

    /** @return why the publication to {@code storeId} could not be made, or null. */
    public String lastError(final long storeId) {
        final PeerPublisher publisher = publishers.get(storeId);
        return publisher == null ? "unknown store " + storeId : publisher.lastError();
    }

    @Override
    public void close() {
        CloseHelper.closeAll(publisherList);
        publisherList.clear();
        publishers.clear();
    }
}
