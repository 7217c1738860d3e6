package io.tkv.raft.snapshot;

import io.aeron.logbuffer.LogBufferDescriptor;
import io.tkv.codec.auth.ClusterKey;
import io.tkv.codec.auth.PeerFrames;

import java.nio.file.Path;

/**
 * Settings of snapshot streaming (Aeron Context style: setters return this, {@link #conclude()} checks): where the
 * files live, the stream, and the pull protocol's flow control — chunks of at most {@code chunkBytes}, at most
 * {@code windowChunks} requests outstanding per transfer, a chunk asked again after {@code requestTimeoutMs}, a
 * transfer given up after {@code transferTimeoutMs} without progress (on both sides).
 */
public final class SnapshotConfig {
    /** Stream id of snapshot files on a store's listen endpoint (clients 1001, Raft 1002). */
    public static final int DEFAULT_STREAM_ID = 1003;
    /** Default largest chunk. */
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;
    /** Default chunk requests outstanding per transfer. */
    public static final int DEFAULT_WINDOW_CHUNKS = 4;
    /** Room a chunk frame needs besides the chunk: header, fixed fields, the file name. */
    public static final int CHUNK_FRAME_OVERHEAD = 512;

    private Path rootDir;
    private long clusterId = -1;
    private long storeId = -1;
    private int streamId = DEFAULT_STREAM_ID;
    private int termLengthBytes = 4 * 1024 * 1024;
    private int chunkBytes = DEFAULT_CHUNK_BYTES;
    private int windowChunks = DEFAULT_WINDOW_CHUNKS;
    private long requestTimeoutMs = 1_000;
    private long transferTimeoutMs = 30_000;
    private int maxTransfers = 8;
    private int queueCapacity = 1024;
    private ClusterKey clusterKey = ClusterKey.NONE;
    private long incarnation = 1;
    private boolean concluded;

    /**
     * @return this, checked.
     * @throws IllegalStateException if a setting is missing or out of range, e.g. a chunk that does not fit a
     *                               frame (a term / 8).
     */
    public SnapshotConfig conclude() {
        if (concluded) {
            return this;
        }
        if (rootDir == null || clusterId <= 0 || storeId <= 0 || streamId == 0) {
            throw new IllegalStateException("snapshot root dir, cluster id, store id and stream id must be set");
        }
        LogBufferDescriptor.checkTermLength(termLengthBytes);
        if (chunkBytes < 1024 || chunkBytes + CHUNK_FRAME_OVERHEAD > termLengthBytes / 8) {
            throw new IllegalStateException("snapshot chunk of " + chunkBytes + " bytes must be >= 1024 and fit a "
                + "frame of term length / 8 = " + termLengthBytes / 8 + " bytes with " + CHUNK_FRAME_OVERHEAD
                + " to spare");
        }
        if (windowChunks < 1 || requestTimeoutMs <= 0 || transferTimeoutMs <= requestTimeoutMs || maxTransfers < 1
            || queueCapacity < 2) {
            throw new IllegalStateException("bad snapshot flow control settings: " + this);
        }
        if (clusterKey == null || incarnation <= 0) {
            throw new IllegalStateException("cluster key must not be null (ClusterKey.NONE: none) and incarnation "
                + "must be positive");
        }
        concluded = true;
        return this;
    }

    /** @return the Aeron channel to a store's snapshot stream. */
    public String channelFor(final String endpoint) {
        return "aeron:udp?endpoint=" + endpoint + "|term-length=" + termLengthBytes;
    }

    /** @return the largest frame this store sends on the stream, its authentication trailer included. */
    public int maxFrameBytes() {
        return chunkBytes + CHUNK_FRAME_OVERHEAD;
    }

    /** @return the most bytes a frame's message may take: {@link #maxFrameBytes()} less the trailer. */
    public int maxMessageBytes() {
        return maxFrameBytes() - PeerFrames.TRAILER_LENGTH;
    }

    /**
     * @param clusterKey the key frames to and from other stores are authenticated under; {@link ClusterKey#NONE}
     *                   (the default): none is sent or accepted.
     */
    public SnapshotConfig clusterKey(final ClusterKey clusterKey) {
        this.clusterKey = clusterKey;
        return this;
    }

    public ClusterKey clusterKey() {
        return clusterKey;
    }

    /** @param incarnation this store's start count, higher than at any earlier start (see the Raft transport). */
    public SnapshotConfig incarnation(final long incarnation) {
        this.incarnation = incarnation;
        return this;
    }

    public long incarnation() {
        return incarnation;
    }

    public Path rootDir() {
        return rootDir;
    }

    /** @param rootDir the snapshot root, e.g. {@code <data-dir>/snap}. */
    public SnapshotConfig rootDir(final Path rootDir) {
        this.rootDir = rootDir;
        return this;
    }

    public long clusterId() {
        return clusterId;
    }

    public SnapshotConfig clusterId(final long clusterId) {
        this.clusterId = clusterId;
        return this;
    }

    public long storeId() {
        return storeId;
    }

    public SnapshotConfig storeId(final long storeId) {
        this.storeId = storeId;
        return this;
    }

    public int streamId() {
        return streamId;
    }

    public SnapshotConfig streamId(final int streamId) {
        this.streamId = streamId;
        return this;
    }

    public int termLengthBytes() {
        return termLengthBytes;
    }

    public SnapshotConfig termLengthBytes(final int termLengthBytes) {
        this.termLengthBytes = termLengthBytes;
        return this;
    }

    public int chunkBytes() {
        return chunkBytes;
    }

    public SnapshotConfig chunkBytes(final int chunkBytes) {
        this.chunkBytes = chunkBytes;
        return this;
    }

    public int windowChunks() {
        return windowChunks;
    }

    public SnapshotConfig windowChunks(final int windowChunks) {
        this.windowChunks = windowChunks;
        return this;
    }

    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    public SnapshotConfig requestTimeoutMs(final long requestTimeoutMs) {
        this.requestTimeoutMs = requestTimeoutMs;
        return this;
    }

    public long transferTimeoutMs() {
        return transferTimeoutMs;
    }

    public SnapshotConfig transferTimeoutMs(final long transferTimeoutMs) {
        this.transferTimeoutMs = transferTimeoutMs;
        return this;
    }

    /** @return most fetches running at once on this store (more SNAPSHOT messages wait for the leader's retry). */
    public int maxTransfers() {
        return maxTransfers;
    }

    public SnapshotConfig maxTransfers(final int maxTransfers) {
        this.maxTransfers = maxTransfers;
        return this;
    }

    /** @return capacity of each hand-over queue between the agent and the raft and apply agents. */
    public int queueCapacity() {
        return queueCapacity;
    }

    public SnapshotConfig queueCapacity(final int queueCapacity) {
        this.queueCapacity = queueCapacity;
        return this;
    }

    @Override
    public String toString() {
        return "SnapshotConfig{root=" + rootDir + ", stream=" + streamId + ", chunk=" + chunkBytes + ", window="
            + windowChunks + ", requestTimeout=" + requestTimeoutMs + "ms, transferTimeout=" + transferTimeoutMs
            + "ms}";
    }
}
