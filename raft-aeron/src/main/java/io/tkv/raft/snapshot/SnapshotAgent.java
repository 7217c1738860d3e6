package io.tkv.raft.snapshot;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.SnapshotChunkDecoder;
import io.tkv.codec.SnapshotChunkRequestDecoder;
import io.tkv.codec.SnapshotChunkStatus;
import io.tkv.codec.SnapshotDoneDecoder;
import io.tkv.codec.auth.ClusterKey;
import io.tkv.codec.auth.PeerFrameVerifier;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.transport.BoundedFragmentAssembler;
import io.tkv.raft.transport.TransportCounters;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Streams snapshot files between stores, on its own Aeron stream and its own duty cycle, so that reading and
 * writing files never runs on the raft or the apply agent. Both sides of the pull protocol (schema templates
 * 102-104):
 * <ul>
 * <li><b>receiving</b> ({@link ChunkFetch}): for a SNAPSHOT the raft agent handed over, fetch every file from the
 *     leader's store in chunks under a window, check sizes and CRC32C, then hand the message back to be stepped
 *     and tell the leader's store SnapshotDone (ok, or not after a corrupt file or a timeout);</li>
 * <li><b>sending</b> ({@link ChunkServer}): answer chunk requests from the exported files, and end each transfer
 *     the raft agent started with one report: the follower's SnapshotDone, or a timeout.</li>
 * </ul>
 * Every inbound frame is dropped (and counted) unless it carries this cluster's id, this store as its target and a
 * store of the cluster as its sender, verifies under the cluster key and is newer than anything accepted from that
 * store ({@link io.tkv.codec.auth.PeerFrames}), and is well formed ({@link Protocol#snapshotValidator()}) — checked
 * in that order, before anything of it is decoded.
 *
 * <p><b>Threads.</b> The agent runs on its own thread or in a composite; other threads reach it only through its
 * queues: the raft agent through {@link #proxy()} (commands in, events out, both bounded), anyone through
 * {@link #deleteLater} (the apply agent, for an installed snapshot's directory).
 */
public final class SnapshotAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAgent.class);
    private static final int FRAGMENT_LIMIT = 16;
    /** Fragmented frames assembled at once (one per sending store). */
    private static final int MAX_PARTIALS = 16;
    private static final int COMMAND_LIMIT = 32;
    private static final long HOUSEKEEPING_INTERVAL_MS = 100;
    private static final int ROUTING_END = MessageHeaderDecoder.ENCODED_LENGTH + 3 * Long.BYTES;

    /** Raft agent to snapshot agent: fetch a received SNAPSHOT's files. */
    record Fetch(long fromStoreId, RaftMessage message, SnapshotData data) {
    }

    /** Raft agent to snapshot agent: a SNAPSHOT left for a store. */
    record Sent(long toStoreId, RaftMessage message, SnapshotData data) {
    }

    /** Raft agent or apply agent to snapshot agent: delete a directory (a snapshot no longer needed). */
    record Delete(Path dir) {
    }

    /** Any thread to snapshot agent: a store learned while running (from PD), reachable from now on. */
    record AddStore(long storeId, String endpoint) {
    }

    /** Raft agent to snapshot agent: a fetched snapshot the core did not install. */
    record Discard(long regionId, SnapshotData data) {
    }

    /** Raft side to snapshot agent: an export was superseded. */
    record Retire(long snapshotId) {
    }

    /** Snapshot agent to raft agent: every file of a SNAPSHOT is here. */
    record Fetched(long fromStoreId, RaftMessage message) {
    }

    /** Snapshot agent to raft agent: a SNAPSHOT this store sent ended. */
    record Report(long regionId, long peerId, boolean delivered) {
    }

    private final SnapshotConfig config;
    private final Subscription subscription;
    private final NanoClock clock;
    private final SnapshotLinks links;
    private final ChunkServer server;
    private final ManyToOneConcurrentArrayQueue<Object> commands;
    private final OneToOneConcurrentArrayQueue<Object> events;
    private final SnapshotProxy proxy;
    private final List<ChunkFetch> fetches = new ArrayList<>();
    private final List<Fetched> undelivered = new ArrayList<>();
    private final FrameValidator validator = Protocol.snapshotValidator();
    private final PeerFrameVerifier verifier;
    private final TransportCounters counters;
    private final SnapshotChunkRequestDecoder requestDecoder = new SnapshotChunkRequestDecoder();
    private final SnapshotChunkDecoder chunkDecoder = new SnapshotChunkDecoder();
    private final SnapshotDoneDecoder doneDecoder = new SnapshotDoneDecoder();
    private final BoundedFragmentAssembler assembler;
    private final ChunkFetch.Requester requester = this::request;
    private final ChunkServer.Reports reports = this::report;
    private long nowMs;
    private long nextHousekeepingMs;
    private long framesDropped;
    private long transfersFailed;
    private long transfersCompleted;

    /**
     * @param config       concluded settings.
     * @param aeron        the store's Aeron client (publications to peers are made on it).
     * @param subscription this store's snapshot stream.
     * @param clock        the agent's clock (timeouts).
     * @param counters     where refused frames are counted (shared with the Raft stream's adapter).
     */
    public SnapshotAgent(
        final SnapshotConfig config, final Aeron aeron, final Subscription subscription, final NanoClock clock,
        final TransportCounters counters) {
        this.config = config.conclude();
        this.counters = counters;
        this.assembler = new BoundedFragmentAssembler(this::onFragment,
            (prefix, offset, length, header) -> drop(counters.malformed()), this.config.maxFrameBytes(), MAX_PARTIALS);
        this.verifier = new PeerFrameVerifier(
            config.clusterKey().isSet() ? config.clusterKey().streamKey(ClusterKey.Stream.SNAPSHOT) : null);
        this.subscription = subscription;
        this.clock = clock;
        this.links = new SnapshotLinks(aeron, config);
        this.server = new ChunkServer(config.rootDir(), config.chunkBytes(), config.transferTimeoutMs());
        this.commands = new ManyToOneConcurrentArrayQueue<>(config.queueCapacity());
        this.events = new OneToOneConcurrentArrayQueue<>(config.queueCapacity());
        this.proxy = new SnapshotProxy(commands, events);
    }

    /** Makes a peer store reachable; call before the agent runs (static membership). */
    public void addStore(final long storeId, final String endpoint) {
        links.addStore(storeId, endpoint);
    }

    /**
     * Any thread: makes a peer store reachable (and its frames accepted) on the agent's thread, for a store learned
     * while running (from PD). Same endpoint as before: nothing changes.
     *
     * @return false if the queue is full (ask again).
     */
    public boolean addStoreLater(final long storeId, final String endpoint) {
        return commands.offer(new AddStore(storeId, endpoint));
    }

    /** @return the raft agent's side of the hand-over: the driver's {@code SnapshotTransfers}. */
    public SnapshotProxy proxy() {
        return proxy;
    }

    /**
     * Any thread: deletes a snapshot directory on the agent's thread.
     *
     * @return false if the queue is full (the directory stays until the next start-up's clean-up).
     */
    public boolean deleteLater(final Path dir) {
        return commands.offer(new Delete(dir));
    }

    @Override
    public int doWork() {
        nowMs = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime());
        int work = commands.drain(this::onCommand, COMMAND_LIMIT);
        work += subscription.poll(assembler, FRAGMENT_LIMIT);
        work += links.connect();
        work += driveFetches();
        if (nowMs >= nextHousekeepingMs) {
            nextHousekeepingMs = nowMs + HOUSEKEEPING_INTERVAL_MS;
            work += server.housekeep(nowMs, reports);
        }
        return work;
    }

    @Override
    public void onClose() {
        for (final ChunkFetch fetch : fetches) {
            fetch.close();
        }
        fetches.clear();
        CloseHelper.closeAll(server, links);
    }

    @Override
    public String roleName() {
        return "tkv-snapshot";
    }

    /**
     * @return frames dropped (another cluster or store, not a member, unauthenticated, replayed, malformed); read on
     *     the agent's thread or after it.
     */
    public long framesDropped() {
        return framesDropped;
    }

    /** @return fetches that ended with every file intact. */
    public long transfersCompleted() {
        return transfersCompleted;
    }

    /** @return fetches given up (corrupt file, timeout, sender without the snapshot). */
    public long transfersFailed() {
        return transfersFailed;
    }

    /** @return chunks this store served. */
    public long chunksServed() {
        return server.chunksServed();
    }

    private void onCommand(final Object command) {
        if (command instanceof Fetch fetch) {
            startFetch(fetch);
        } else if (command instanceof Sent sent) {
            server.onSent(sent.data().snapshotId(), sent.toStoreId(), sent.message().regionId(), sent.message().to(),
                nowMs);
        } else if (command instanceof Retire retire) {
            server.retire(retire.snapshotId());
        } else if (command instanceof Delete delete) {
            delete(delete.dir());
        } else if (command instanceof Discard discard) {
            delete(SnapshotDirs.receiveDir(config.rootDir(), discard.regionId(), discard.data()));
        } else if (command instanceof AddStore add) {
            links.addStore(add.storeId(), add.endpoint());
        }
    }

    private void startFetch(final Fetch command) {
        final Path dir = SnapshotDirs.receiveDir(config.rootDir(), command.message().regionId(), command.data());
        for (final ChunkFetch running : fetches) {
            if (running.dir().equals(dir)) {
                return;
            }
        }
        if (Files.exists(dir.resolve(SnapshotDirs.META_FILE))) {
            // Fetched before (the leader sent it again): the files are here and may be waiting to be installed.
            handOver(new Fetched(command.fromStoreId(), command.message()));
            links.done(command.fromStoreId(), command.data().snapshotId(), command.message().regionId(),
                command.message().to(), true);
            return;
        }
        if (fetches.size() >= config.maxTransfers()) {
            // Tell the leader at once, so it retries later instead of waiting out its transfer timeout.
            links.done(command.fromStoreId(), command.data().snapshotId(), command.message().regionId(),
                command.message().to(), false);
            return;
        }
        try {
            fetches.add(new ChunkFetch(command.fromStoreId(), command.message(), command.data(), dir,
                config.chunkBytes(), config.windowChunks(), config.requestTimeoutMs(), config.transferTimeoutMs(),
                nowMs));
            LOG.info("fetching snapshot {} of region {} from store {}: {} files, {} bytes",
                Long.toHexString(command.data().snapshotId()), command.message().regionId(), command.fromStoreId(),
                command.data().files().size(), command.data().totalBytes());
        } catch (final IOException ex) {
            LOG.warn("cannot start fetching snapshot into {}: {}", dir, ex.toString());
            links.done(command.fromStoreId(), command.data().snapshotId(), command.message().regionId(),
                command.message().to(), false);
        }
    }

    private int driveFetches() {
        int work = 0;
        for (int i = undelivered.size() - 1; i >= 0; i--) {
            if (events.offer(undelivered.get(i))) {
                undelivered.remove(i);
                work++;
            }
        }
        for (int i = fetches.size() - 1; i >= 0; i--) {
            final ChunkFetch fetch = fetches.get(i);
            work += fetch.poll(nowMs, requester);
            if (fetch.state() == ChunkFetch.State.RUNNING) {
                continue;
            }
            fetches.remove(i);
            final boolean ok = fetch.state() == ChunkFetch.State.COMPLETE;
            final RaftMessage message = fetch.message();
            if (ok) {
                transfersCompleted++;
                LOG.info("fetched snapshot {} of region {}: {} chunks, {} asked again",
                    Long.toHexString(fetch.data().snapshotId()), message.regionId(), fetch.chunks(),
                    fetch.rerequests());
                handOver(new Fetched(fetch.fromStoreId(), message));
            } else {
                transfersFailed++;
                LOG.warn("snapshot {} of region {} from store {} failed: {}",
                    Long.toHexString(fetch.data().snapshotId()), message.regionId(), fetch.fromStoreId(),
                    fetch.failure());
                delete(fetch.dir());
            }
            links.done(fetch.fromStoreId(), fetch.data().snapshotId(), message.regionId(), message.to(), ok);
        }
        return work;
    }

    private void handOver(final Fetched fetched) {
        if (!events.offer(fetched)) {
            undelivered.add(fetched);
        }
    }

    private void report(final long regionId, final long peerId, final boolean delivered) {
        final Report report = new Report(regionId, peerId, delivered);
        if (!events.offer(report)) {
            // The raft agent is far behind; the core retries a snapshot it never hears about after its own probe.
            LOG.warn("dropped a snapshot report for region {} peer {}: the raft agent's queue is full", regionId,
                peerId);
        }
    }

    private boolean request(final ChunkFetch fetch, final String fileName, final long offset, final int length) {
        return links.request(fetch.fromStoreId(), fetch.data().snapshotId(), fetch.message().regionId(), fileName,
            offset, length);
    }

    private void delete(final Path dir) {
        try {
            SnapshotDirs.deleteTree(dir);
        } catch (final IOException ex) {
            LOG.warn("cannot delete snapshot directory {}: {}", dir, ex.toString());
        }
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        onFrame(buffer, offset, length);
    }

    /**
     * Checks and handles one frame; package-private so tests can feed frames without a network.
     *
     * @return whether the frame was accepted.
     */
    boolean onFrame(final DirectBuffer buffer, final int offset, final int length) {
        if (length < ROUTING_END) {
            return drop(counters.malformed());
        }
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final long clusterId = buffer.getLong(body, ByteOrder.LITTLE_ENDIAN);
        final long fromStoreId = buffer.getLong(body + Long.BYTES, ByteOrder.LITTLE_ENDIAN);
        final long toStoreId = buffer.getLong(body + 2 * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
        if (clusterId != config.clusterId() || toStoreId != config.storeId()) {
            return drop(counters.wrongCluster());
        }
        if (!links.knows(fromStoreId)) {
            return drop(counters.notMember());
        }
        final int verified = verifier.verify(buffer, offset, length, fromStoreId);
        if (verified != PeerFrameVerifier.OK) {
            return drop(verified == PeerFrameVerifier.REPLAYED ? counters.replayed() : counters.unauthenticated());
        }
        if (validator.validate(buffer, offset, PeerFrameVerifier.payloadLength(length)) != FrameValidator.VALID) {
            return drop(counters.malformed());
        }
        final int templateId = validator.templateId();
        if (templateId == SnapshotChunkRequestDecoder.TEMPLATE_ID) {
            requestDecoder.wrap(buffer, body, validator.blockLength(), validator.version());
            final long snapshotId = requestDecoder.snapshotId();
            final long regionId = requestDecoder.regionId();
            final long fileOffset = requestDecoder.fileOffset();
            final int chunkLength = requestDecoder.length();
            server.onRequest(fromStoreId, snapshotId, regionId, requestDecoder.fileName(), fileOffset, chunkLength,
                nowMs, links);
        } else if (templateId == SnapshotChunkDecoder.TEMPLATE_ID) {
            onChunk(buffer, body, fromStoreId);
        } else {
            doneDecoder.wrap(buffer, body, validator.blockLength(), validator.version());
            server.onDone(fromStoreId, doneDecoder.snapshotId(), doneDecoder.okRaw() == BooleanType.TRUE.value(),
                reports);
        }
        return true;
    }

    private boolean drop(final AtomicCounter counter) {
        framesDropped++;
        counter.increment();
        return false;
    }

    private void onChunk(final DirectBuffer buffer, final int body, final long fromStoreId) {
        chunkDecoder.wrap(buffer, body, validator.blockLength(), validator.version());
        final long snapshotId = chunkDecoder.snapshotId();
        final long regionId = chunkDecoder.regionId();
        final long fileOffset = chunkDecoder.fileOffset();
        final boolean found = chunkDecoder.statusRaw() == SnapshotChunkStatus.OK.value();
        final String fileName = chunkDecoder.fileName();
        final int bytesLength = chunkDecoder.bytesLength();
        final int bytesOffset = chunkDecoder.limit() + SnapshotChunkDecoder.bytesHeaderLength();
        for (final ChunkFetch fetch : fetches) {
            if (fetch.fromStoreId() == fromStoreId && fetch.data().snapshotId() == snapshotId
                && fetch.message().regionId() == regionId) {
                if (found) {
                    fetch.onChunk(fileName, fileOffset, buffer, bytesOffset, bytesLength, nowMs);
                } else {
                    fetch.onNotFound();
                }
                return;
            }
        }
    }
}
