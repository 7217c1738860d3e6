package io.tkv.raft.store;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.tkv.log.RaftLog;
import io.tkv.log.RaftLogConfig;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.transport.RaftAdapter;
import io.tkv.raft.transport.RaftTransport;
import io.tkv.raft.transport.RaftTransportConfig;
import io.tkv.raft.transport.TransportCounters;
import io.tkv.raft.transport.TransportFaults;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.Map;

/** One store's Raft side in a test: its log, transport, adapter and driver, over a shared Aeron client. */
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

    /** Opens (or reopens) the log and starts the driver; a new log is bootstrapped as a founding peer. */
    StoreUnderTest start(final long appliedIndex) {
        log = RaftLog.open(new RaftLogConfig().dir(logDir).blockSizeBytes(1 << 20).maxCycleFileBytes(1 << 20));
        final RaftTransportConfig transportConfig = new RaftTransportConfig().clusterId(CLUSTER).storeId(storeId)
            .termLengthBytes(1 << 20).maxFrameBytes(64 * 1024);
        subscription = aeron.addSubscription("aeron:udp?endpoint=" + endpoint, transportConfig.streamId());
        adapter = new RaftAdapter(subscription, transportConfig, faults, counters);
        transport = new RaftTransport(aeron, transportConfig, faults, counters, (to, m) -> raft.onDropped(to, m));
        cluster.forEach((id, peerEndpoint) -> {
            if (id != storeId) {
                transport.addStore(id, peerEndpoint);
            }
        });
        raft = new MultiRaft(new MultiRaftConfig().tickIntervalMs(10).electionTimeoutTicks(10)
            .heartbeatIntervalTicks(1).maxAppendBytes(32 * 1024).randomSeed(storeId * 7919), log, transport, sink,
            SnapshotSource.NONE);
        final boolean founding = log.lastIndex(REGION) == 0;
        if (founding) {
            raft.bootstrapRegion(REGION);
        }
        final long[] voters = cluster.keySet().stream().mapToLong(Long::longValue).toArray();
        raft.addRegion(REGION, storeId, ConfState.ofVoters(voters),
            founding ? MultiRaft.BOOTSTRAP_INDEX : appliedIndex, PeerDirectory.IDENTITY);
        return this;
    }

    /** One duty cycle: what arrived, then the driver. */
    int pump(final long nowMs) {
        return adapter.poll(raft::onMessage, 64) + raft.doWork(nowMs);
    }

    boolean isLeader() {
        final var status = raft.status(REGION);
        return status != null && status.role() == io.tkv.raft.core.Role.LEADER;
    }

    /** Stops as a crash would (nothing more is written or sent; what was synced stays). */
    @Override
    public void close() {
        CloseHelper.closeAll(raft, transport, subscription, log);
        raft = null;
    }
}
