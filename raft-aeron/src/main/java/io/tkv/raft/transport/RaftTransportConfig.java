package io.tkv.raft.transport;

import io.aeron.logbuffer.LogBufferDescriptor;
import io.tkv.codec.auth.ClusterKey;

/**
 * Settings of the store-to-store Raft transport, Aeron Context style: setters return this, {@link #conclude()}
 * checks them and fills what follows from others.
 */
public final class RaftTransportConfig {
    /** Stream id of Raft traffic on a store's listen endpoint (client requests use 1001 on the same endpoint). */
    public static final int DEFAULT_STREAM_ID = 1002;
    /** Default term length of the publications to peer stores. */
    public static final int DEFAULT_TERM_LENGTH_BYTES = 4 * 1024 * 1024;
    /** Default bound of the messages queued for one peer store between flushes. */
    public static final int DEFAULT_MAX_PENDING_MESSAGES_PER_STORE = 8192;
    /** Default bound of the messages in a batch and the entries in a message a store accepts. */
    public static final int DEFAULT_MAX_GROUP_ENTRIES = 0xFFFF;

    private long clusterId = -1;
    private long storeId = -1;
    private int streamId = DEFAULT_STREAM_ID;
    private int termLengthBytes = DEFAULT_TERM_LENGTH_BYTES;
    private int maxFrameBytes;
    private int maxPendingMessagesPerStore = DEFAULT_MAX_PENDING_MESSAGES_PER_STORE;
    private int maxGroupEntries = DEFAULT_MAX_GROUP_ENTRIES;
    private ClusterKey clusterKey = ClusterKey.NONE;
    private long incarnation = 1;
    private boolean concluded;

    /**
     * Checks the settings; {@code maxFrameBytes} defaults to the largest message the term length allows
     * (a term / 8, Aeron's limit). Idempotent.
     *
     * @return this.
     * @throws IllegalStateException if a setting is missing or out of range.
     */
    public RaftTransportConfig conclude() {
        if (concluded) {
            return this;
        }
        if (clusterId <= 0 || storeId <= 0) {
            throw new IllegalStateException("cluster id and store id must be set and positive");
        }
        LogBufferDescriptor.checkTermLength(termLengthBytes);
        final int maxMessageBytes = termLengthBytes / 8;
        if (maxFrameBytes == 0) {
            maxFrameBytes = maxMessageBytes;
        }
        if (maxFrameBytes < 1024 || maxFrameBytes > maxMessageBytes) {
            throw new IllegalStateException("max frame bytes " + maxFrameBytes + " not in [1024, term length / 8 = "
                + maxMessageBytes + "]");
        }
        if (maxPendingMessagesPerStore < 1 || maxGroupEntries < 1 || maxGroupEntries > 0xFFFF) {
            throw new IllegalStateException("bad queue or group bounds");
        }
        if (clusterKey == null || incarnation <= 0) {
            throw new IllegalStateException("cluster key must not be null (ClusterKey.NONE: none) and incarnation "
                + "must be positive");
        }
        concluded = true;
        return this;
    }

    /**
     * @param endpoint a store's listen address, {@code host:port}.
     * @return the Aeron channel to publish to it.
     */
    public String channelFor(final String endpoint) {
        return "aeron:udp?endpoint=" + endpoint + "|term-length=" + termLengthBytes;
    }

    public RaftTransportConfig clusterId(final long clusterId) {
        this.clusterId = clusterId;
        return this;
    }

    public long clusterId() {
        return clusterId;
    }

    public RaftTransportConfig storeId(final long storeId) {
        this.storeId = storeId;
        return this;
    }

    public long storeId() {
        return storeId;
    }

    public RaftTransportConfig streamId(final int streamId) {
        this.streamId = streamId;
        return this;
    }

    public int streamId() {
        return streamId;
    }

    public RaftTransportConfig termLengthBytes(final int termLengthBytes) {
        this.termLengthBytes = termLengthBytes;
        return this;
    }

    public int termLengthBytes() {
        return termLengthBytes;
    }

    /** @param maxFrameBytes the largest frame sent; the Raft core's append batches must stay below it. */
    public RaftTransportConfig maxFrameBytes(final int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        return this;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public RaftTransportConfig maxPendingMessagesPerStore(final int maxPendingMessagesPerStore) {
        this.maxPendingMessagesPerStore = maxPendingMessagesPerStore;
        return this;
    }

    public int maxPendingMessagesPerStore() {
        return maxPendingMessagesPerStore;
    }

    public RaftTransportConfig maxGroupEntries(final int maxGroupEntries) {
        this.maxGroupEntries = maxGroupEntries;
        return this;
    }

    public int maxGroupEntries() {
        return maxGroupEntries;
    }

    /**
     * @param clusterKey the key every frame to and from another store is authenticated under
     *                   ({@link io.tkv.codec.auth.PeerFrames}); {@link ClusterKey#NONE} (the default): this store can
     *                   neither send to nor accept from another store.
     */
    public RaftTransportConfig clusterKey(final ClusterKey clusterKey) {
        this.clusterKey = clusterKey;
        return this;
    }

    public ClusterKey clusterKey() {
        return clusterKey;
    }

    /**
     * @param incarnation this store's start count, higher than at any earlier start (persisted by the store): it
     *                    keeps the receivers' replay windows moving forward across restarts.
     */
    public RaftTransportConfig incarnation(final long incarnation) {
        this.incarnation = incarnation;
        return this;
    }

    public long incarnation() {
        return incarnation;
    }
}
