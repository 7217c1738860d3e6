package io.tkv.raft.store;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.tkv.log.RaftLog;
import io.tkv.log.RaftLogConfig;
import io.tkv.log.RaftLogHooks;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.snapshot.SnapshotAgent;
import io.tkv.raft.snapshot.SnapshotConfig;
import io.tkv.raft.snapshot.SnapshotData;
import io.tkv.raft.snapshot.SnapshotDirs;
import io.tkv.raft.transport.RaftAdapter;
import io.tkv.raft.transport.RaftTransport;
import io.tkv.raft.transport.RaftTransportConfig;
import io.tkv.raft.transport.TestKeys;
import io.tkv.raft.transport.TransportCounters;
import io.tkv.raft.transport.TransportFaults;
import org.agrona.CloseHelper;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One store's Raft side in a test: its log, transport, adapter and driver, over a shared Aeron client. With
 * {@link #withSnapshots} it also compacts its log and streams snapshots of its {@link RecordingSink} through a real
 * {@link SnapshotAgent} (the sink's state as one file; the sink is its own durable state machine). Its Raft clock is
 * the system's monotonic one unless {@link #withClock} gives one the test moves itself.
 */
final class StoreUnderTest implements AutoCloseable {
    static final long CLUSTER = 77;
    static final long REGION = 1;

    final long storeId;
    final String endpoint;
    final RecordingSink sink = new RecordingSink();
    private final Aeron aeron;
    private final Path logDir;
    private final Map<Long, String> cluster;
    private final TransportFaults faults;
    private final TransportCounters counters;
    RaftLog log;
    Subscription subscription;
    RaftAdapter adapter;
    RaftTransport transport;
    MultiRaft raft;
    SnapshotAgent snapshotAgent;
    Subscription snapshotSubscription;
    private long compactThreshold;
    private long compactKeep;
    private int chunkBytes;
    private long nextSnapshotId = 1;
    /** Raised at every start, as a store persists it: peers refuse a restarted store's frames otherwise. */
    private long incarnation;
    private Snapshot latest;
    private NanoClock clock = SystemNanoClock.INSTANCE;
    private int maxEntryBytes = Integer.MAX_VALUE;
    private int hibernateAfterTicks;
    private RaftLogHooks logHooks = RaftLogHooks.NONE;

    StoreUnderTest(
        final Aeron aeron, final long storeId, final Map<Long, String> cluster, final Path logDir,
        final TransportFaults faults, final TransportCounters counters) {
        this.aeron = aeron;
        this.storeId = storeId;
        this.endpoint = cluster.get(storeId);
        this.cluster = cluster;
        this.logDir = logDir;
        this.faults = faults;
        this.counters = counters;
    }

    /** Compacts past {@code threshold} entries, keeping {@code keep}, and streams snapshots in small chunks. */
    StoreUnderTest withSnapshots(final long threshold, final long keep, final int chunk) {
        this.compactThreshold = threshold;
        this.compactKeep = keep;
        this.chunkBytes = chunk;
        return this;
    }

    /** Refuses proposals larger than this (from the next {@link #start}). */
    /** Opens the log with these fault hooks (from the next {@link #start}). */
    StoreUnderTest withLogHooks(final RaftLogHooks hooks) {
        this.logHooks = hooks;
        return this;
    }

    StoreUnderTest withMaxEntryBytes(final int bytes) {
        this.maxEntryBytes = bytes;
        return this;
    }

    /** Hibernates settled regions after this many quiet ticks (from the next {@link #start}). */
    StoreUnderTest withHibernation(final int afterTicks) {
        this.hibernateAfterTicks = afterTicks;
        return this;
    }

    TransportCounters counters() {
        return counters;
    }

    /** Runs the driver on this clock (from the next {@link #start}). */
    StoreUnderTest withClock(final NanoClock raftClock) {
        this.clock = raftClock;
        return this;
    }

    Path snapshotRoot() {
        return logDir.resolveSibling(logDir.getFileName() + "-snap");
    }

    /** Opens (or reopens) the log and starts the driver; a new log is bootstrapped as a founding peer. */
    StoreUnderTest start(final long appliedIndex) {
        log = RaftLog.open(new RaftLogConfig().dir(logDir).blockSizeBytes(1 << 20)
            .maxCycleFileBytes(compactThreshold > 0 ? 16 * 1024 : 1 << 20).hooks(logHooks));
        if (pipelined()) {
            log.startSyncThread(() -> { });
        }
        incarnation++;
        final RaftTransportConfig transportConfig = new RaftTransportConfig().clusterId(CLUSTER).storeId(storeId)
            .termLengthBytes(1 << 20).maxFrameBytes(64 * 1024).clusterKey(TestKeys.key(CLUSTER))
            .incarnation(incarnation);
        subscription = aeron.addSubscription("aeron:udp?endpoint=" + endpoint, transportConfig.streamId());
        adapter = new RaftAdapter(subscription, transportConfig, cluster::containsKey, faults, counters);
        transport = new RaftTransport(aeron, transportConfig, faults, counters, (to, m) -> raft.onDropped(to, m));
        cluster.forEach((id, peerEndpoint) -> {
            if (id != storeId) {
                transport.addStore(id, peerEndpoint);
            }
        });
        final MultiRaftConfig raftConfig = new MultiRaftConfig().tickIntervalMs(10).electionTimeoutTicks(10)
            .heartbeatIntervalTicks(1).maxAppendBytes(32 * 1024).randomSeed(storeId * 7919).clock(clock)
            .maxEntryBytes(maxEntryBytes).hibernateAfterTicks(hibernateAfterTicks)
            .pipelinedSync(pipelined());
        if (compactThreshold > 0) {
            startSnapshotAgent(transportConfig);
            raft = new MultiRaft(raftConfig.compactThresholdEntries(compactThreshold).compactKeepEntries(compactKeep),
                log, transport, sink, this::latestSnapshot, snapshotAgent.proxy(), region -> sink.lastIndex());
        } else {
            raft = new MultiRaft(raftConfig, log, transport, sink, SnapshotSource.NONE);
        }
        final boolean founding = log.lastIndex(REGION) == 0;
        if (founding) {
            raft.bootstrapRegion(REGION);
        }
        final long[] voters = cluster.keySet().stream().mapToLong(Long::longValue).toArray();
        raft.addRegion(REGION, storeId, ConfState.ofVoters(voters),
            founding ? MultiRaft.BOOTSTRAP_INDEX : appliedIndex, PeerDirectory.IDENTITY);
        return this;
    }

    private void startSnapshotAgent(final RaftTransportConfig transportConfig) {
        final SnapshotConfig config = new SnapshotConfig().rootDir(snapshotRoot()).clusterId(CLUSTER).storeId(storeId)
            .termLengthBytes(1 << 20).chunkBytes(chunkBytes).windowChunks(3).requestTimeoutMs(200)
            .transferTimeoutMs(5_000).clusterKey(TestKeys.key(CLUSTER)).incarnation(incarnation);
        sink.snapshotRoot = snapshotRoot();
        snapshotSubscription = aeron.addSubscription("aeron:udp?endpoint=" + endpoint, config.streamId());
        snapshotAgent = new SnapshotAgent(config, aeron, snapshotSubscription, SystemNanoClock.INSTANCE, counters);
        sink.installed = snapshotAgent::deleteLater;
        cluster.forEach((id, peerEndpoint) -> {
            if (id != storeId) {
                snapshotAgent.addStore(id, peerEndpoint);
            }
        });
    }

    /** The test's SnapshotSource: the sink's state written as a file at once (a store exports off-thread). */
    private Snapshot latestSnapshot(final long regionId, final ConfState conf, final long minIndex) {
        if (latest != null && latest.index() >= minIndex) {
            return latest;
        }
        final long id = storeId << 32 | nextSnapshotId++;
        final Path dir = SnapshotDirs.sendDir(snapshotRoot(), id);
        try {
            sink.writeState(dir);
            final Path file = dir.resolve(RecordingSink.STATE_FILE);
            final SnapshotData data = new SnapshotData(id, storeId, List.of(new SnapshotData.FileInfo(
                RecordingSink.STATE_FILE, java.nio.file.Files.size(file), crc32c(file))), new byte[0]);
            final RecordingSink.Committed last = sink.committed.get(sink.committed.size() - 1);
            latest = new Snapshot(last.index(), last.term(), conf, data.encode());
            return latest;
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static int crc32c(final Path file) throws IOException {
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(java.nio.file.Files.readAllBytes(file));
        return (int)crc.getValue();
    }

    /**
     * Odd stores go on while their log syncs on its own thread, even ones wait for each sync: every cluster runs both
     * drivers.
     */
    private boolean pipelined() {
        return storeId % 2 == 1;
    }

    /** One duty cycle: what arrived, then the driver, then the snapshot agent. */
    int pump() {
        int work = adapter.poll(raft, 64) + raft.doWork();
        if (snapshotAgent != null) {
            work += snapshotAgent.doWork();
        }
        return work;
    }

    boolean isLeader() {
        final var status = raft.status(REGION);
        return status != null && status.role() == io.tkv.raft.core.Role.LEADER;
    }

    /** Stops as a crash would (nothing more is written or sent; what was synced stays). */
    @Override
    public void close() {
        if (snapshotAgent != null) {
            snapshotAgent.onClose();
            snapshotAgent = null;
        }
        CloseHelper.closeAll(raft, transport, subscription, snapshotSubscription, log);
        raft = null;
        latest = null;
    }
}
