package io.tkv.pd.sim;

import io.tkv.pd.cluster.Cluster;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;
import io.tkv.pd.cluster.StoreStats;
import io.tkv.pd.id.IdAllocator;
import io.tkv.pd.id.IdStore;
import io.tkv.pd.schedule.Coordinator;
import io.tkv.pd.schedule.Operator;
import io.tkv.pd.schedule.OperatorKind;
import io.tkv.pd.schedule.OperatorStep;
import io.tkv.pd.schedule.ScheduleConfig;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PD's scheduling against a simulated cluster, in simulated time: stores heartbeat every second, each region's
 * leader every second (and at once after a change), PD schedules every second; a step in a heartbeat response may
 * be lost, and is carried out after a random delay (a new learner then catches up by snapshot). Everything is
 * drawn from the seed, so a run replays exactly. The scenario methods ({@link #bootstrap}, {@link #addStore},
 * {@link #kill}, {@link #settle}) are called by the tests, which then check properties.
 */
final class PdSimulation {
    static final long HEARTBEAT_MS = 1_000;
    static final long MAX_STORE_DOWN_TIME_MS = 60_000;
    /** A run counts as settled after this long without any operator. */
    static final long QUIET_MS = 30_000;

    final SimParams params;
    final SimCluster truth = new SimCluster();
    final Cluster pd = new Cluster();
    final ScheduleConfig config;
    final Coordinator coordinator;
    private final EventQueue events = new EventQueue();
    private final SplittableRandom random;
    private final IdAllocator ids;
    private final Map<Long, OperatorStep> inFlight = new HashMap<>();
    private final Map<OperatorKind, Integer> added = new EnumMap<>(OperatorKind.class);
    private final StringBuilder trace = new StringBuilder();
    private long lastActivityMs;
    private int rounds;

    PdSimulation(final SimParams params, final ScheduleConfig.BrokenRule rule, final List<String> locationLabels) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
        this.config = new ScheduleConfig().maxStoreDownTimeMs(MAX_STORE_DOWN_TIME_MS).leaderStepTimeoutMs(10_000)
            .peerStepTimeoutMs(60_000).locationLabels(locationLabels).brokenRuleForTesting(rule).conclude();
        this.ids = new IdAllocator(new IdStore() {
            private long end;

            @Override
            public long loadEnd() {
                return end;
            }

            @Override
            public void saveEnd(final long newEnd) {
                // Durable a few ms later, as a Raft proposal would be.
                events.after(5, () -> {
                    end = Math.max(end, newEnd);
                    ids().onEndSaved(newEnd);
                });
            }
        }, 100);
        this.coordinator = new Coordinator(pd, config, ids::allocate);
        for (final OperatorKind k : OperatorKind.values()) {
            added.put(k, 0);
        }
    }

    private IdAllocator ids() {
        return ids;
    }

    /**
     * Starts the cluster: stores, and regions over consecutive key ranges with replicas on the stores a placement
     * function picks; then PD starts its periodic work.
     */
    void bootstrap(final Map<Long, Map<String, String>> stores, final int replicas, final boolean leadersOnFirstStore) {
        ids.becomeLeader();
        stores.forEach(this::registerStore);
        final List<Long> storeIds = new ArrayList<>(stores.keySet());
        for (long id = 1; id <= params.regions(); id++) {
            final List<Long> chosen = new ArrayList<>(storeIds);
            while (chosen.size() > replicas) {
                chosen.remove(random.nextInt(chosen.size()));
            }
            final List<Peer> peers = new ArrayList<>();
            for (final long s : chosen) {
                peers.add(Peer.voter(1_000_000 + id * 10 + s, s));
            }
            final Peer leader = leadersOnFirstStore ? peers.get(0) : peers.get(random.nextInt(peers.size()));
            final long size = params.randomSizes() ? random.nextLong(1, 17) << 20 : 0;
            final RegionInfo r = RegionInfo.builder(id).range(id == 1 ? new byte[0] : key(id),
                id == params.regions() ? new byte[0] : key(id + 1)).peers(peers).leader(leader).leaderTerm(1)
                .approximate(size, size / 100).build();
            truth.regions.put(id, r);
            final long regionId = id;
            events.after(random.nextLong(HEARTBEAT_MS), () -> regionHeartbeatLoop(regionId));
        }
        events.after(0, this::storeHeartbeatLoop);
        events.after(HEARTBEAT_MS / 2, this::scheduleLoop);
    }

    private static byte[] key(final long k) {
        return ByteBuffer.allocate(8).putLong(k).array();
    }

    private void registerStore(final long id, final Map<String, String> labels) {
        truth.addStore(id, labels);
        pd.putStore(StoreInfo.register(id, "store-" + id, labels, events.now()));
    }

    /** A new store joins (registered with PD by its first heartbeat). */
    void addStore(final long id, final Map<String, String> labels) {
        registerStore(id, labels);
        trace.append(events.now()).append(" join ").append(id).append('\n');
    }

    /** A store dies for good: no heartbeats; its leaders are re-elected elsewhere after an election timeout. */
    void kill(final long storeId) {
        truth.stores.get(storeId).alive = false;
        trace.append(events.now()).append(" kill ").append(storeId).append('\n');
        for (final RegionInfo r : truth.regions.values()) {
            if (r.leaderOn(storeId)) {
                events.after(random.nextLong(1_000, 3_000), () -> {
                    if (truth.elect(r.id())) {
                        regionHeartbeat(r.id());
                    }
                });
            }
        }
    }

    private void storeHeartbeatLoop() {
        for (final SimCluster.SimStore s : truth.stores.values()) {
            if (s.alive) {
                pd.storeHeartbeat(s.id, new StoreStats(1L << 40, 1L << 39, pd.regionCount(s.id),
                    pd.leaderCount(s.id), 0, 0), events.now());
            }
        }
        events.after(HEARTBEAT_MS, this::storeHeartbeatLoop);
    }

    private void regionHeartbeatLoop(final long regionId) {
        regionHeartbeat(regionId);
        events.after(HEARTBEAT_MS, () -> regionHeartbeatLoop(regionId));
    }

    private void regionHeartbeat(final long regionId) {
        final RegionInfo r = truth.regions.get(regionId);
        if (r.leader() == null || !truth.alive(r.leader().storeId())) {
            return;
        }
        final OperatorStep step = coordinator.onRegionHeartbeat(truth.report(regionId), events.now());
        if (step == null || inFlight.containsKey(regionId) || random.nextDouble() < params.loss()) {
            return;
        }
        inFlight.put(regionId, step);
        final boolean balanceMove = coordinator.operators().get(regionId).kind() == OperatorKind.REGION;
        events.after(random.nextLong(params.minStepMs(), params.maxStepMs() + 1),
            () -> carryOut(regionId, step, balanceMove));
    }

    private void carryOut(final long regionId, final OperatorStep step, final boolean balanceMove) {
        inFlight.remove(regionId);
        if (!truth.apply(regionId, step, balanceMove)) {
            return;
        }
        lastActivityMs = events.now();
        trace.append(events.now()).append(" region ").append(regionId).append(' ').append(step).append('\n');
        if (step instanceof OperatorStep.AddLearner a) {
            events.after(random.nextLong(100, params.maxSnapshotMs() + 1), () -> {
                if (truth.caughtUp(regionId, a.peerId())) {
                    regionHeartbeat(regionId);
                }
            });
        }
        // A leader reports at once after a change, as TiKV does.
        regionHeartbeat(regionId);
    }

    private void scheduleLoop() {
        rounds++;
        final List<Operator> ops = coordinator.schedule(events.now());
        for (final Operator op : ops) {
            added.merge(op.kind(), 1, Integer::sum);
            trace.append(events.now()).append(" add ").append(op).append('\n');
        }
        if (!ops.isEmpty() || !coordinator.operators().running().isEmpty() || !inFlight.isEmpty()) {
            lastActivityMs = events.now();
        }
        events.after(HEARTBEAT_MS, this::scheduleLoop);
    }

    /** Runs for {@code durationMs} of simulated time. */
    void run(final long durationMs) {
        events.runUntil(events.now() + durationMs);
    }

    /**
     * Runs until no operator has been running or added for {@link #QUIET_MS}.
     *
     * @param deadlineMs give up (a failure: the schedulers never settle) after this much simulated time.
     * @return when the last operator activity happened, ms after the start of this call.
     */
    long settle(final long deadlineMs) {
        final long start = events.now();
        lastActivityMs = start;
        while (events.now() - lastActivityMs < QUIET_MS) {
            if (events.now() - start > deadlineMs) {
                throw new SimulationFailure("settle: operators still running after " + deadlineMs / 1000
                    + " s (oscillation?): " + coordinator.operators().running().size() + " running, added "
                    + added + "\n" + traceTail(20));
            }
            run(HEARTBEAT_MS);
        }
        return lastActivityMs - start;
    }

    long nowMs() {
        return events.now();
    }

    int rounds() {
        return rounds;
    }

    /** @return operators added so far, by kind. */
    Map<OperatorKind, Integer> added() {
        return added;
    }

    String trace() {
        return trace.toString();
    }

    String traceTail(final int lines) {
        final String[] all = trace.toString().split("\n");
        final StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            sb.append("    ").append(all[i]).append('\n');
        }
        return sb.toString();
    }
}
