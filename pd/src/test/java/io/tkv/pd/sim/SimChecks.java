package io.tkv.pd.sim;

import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Properties checked on the simulated cluster's true state (not on PD's view of it). */
final class SimChecks {
    /** A sanity cap on the leader spread even when no transfer can narrow it. */
    private static final int MAX_STUCK_LEADER_SPREAD = 2;

    private SimChecks() {
    }

    /** Per live store: peers, leaders, bytes weighed. */
    record Load(Map<Long, Integer> peers, Map<Long, Integer> leaders, Map<Long, Long> bytes) {
        int peerSpread() {
            return spread(peers);
        }

        int leaderSpread() {
            return spread(leaders);
        }

        long byteSpread() {
            return bytes.values().stream().mapToLong(Long::longValue).max().orElse(0)
                - bytes.values().stream().mapToLong(Long::longValue).min().orElse(0);
        }

        private static int spread(final Map<Long, Integer> m) {
            return m.values().stream().mapToInt(Integer::intValue).max().orElse(0)
                - m.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        }
    }

    static Load load(final SimCluster truth) {
        final Map<Long, Integer> peers = new TreeMap<>();
        final Map<Long, Integer> leaders = new TreeMap<>();
        final Map<Long, Long> bytes = new TreeMap<>();
        for (final SimCluster.SimStore s : truth.stores.values()) {
            if (s.alive) {
                peers.put(s.id, 0);
                leaders.put(s.id, 0);
                bytes.put(s.id, 0L);
            }
        }
        for (final RegionInfo r : truth.regions.values()) {
            for (final Peer p : r.peers()) {
                if (peers.containsKey(p.storeId())) {
                    peers.merge(p.storeId(), 1, Integer::sum);
                    bytes.merge(p.storeId(), r.scoreSizeBytes(), Long::sum);
                }
            }
            if (r.leader() != null && leaders.containsKey(r.leader().storeId())) {
                leaders.merge(r.leader().storeId(), 1, Integer::sum);
            }
        }
        return new Load(peers, leaders, bytes);
    }

    /**
     * Balanced within what the rules promise: leaders within {@code maxLeaderSpread}, or wider only where no leader
     * transfer can narrow it; bytes within the tolerance or
     * {@code stores × largest region / 2}, whichever is larger. (Settled means no store is a giver or none is a
     * taker, i.e. every store is below the average plus half the largest region, or every store is above the
     * average minus that; the sum being fixed, the spread is then at most {@code stores} half-regions.)
     */
    static void balanced(final PdSimulation sim, final int maxLeaderSpread) {
        final Load load = load(sim.truth);
        long largest = 0;
        long total = 0;
        for (final RegionInfo r : sim.truth.regions.values()) {
            largest = Math.max(largest, r.scoreSizeBytes());
        }
        for (final long b : load.bytes().values()) {
            total += b;
        }
        final double average = (double) total / load.bytes().size();
        final double allowed = Math.max(load.bytes().size() * largest / 2.0,
            sim.config.balanceToleranceRatio() * average);
        if (load.byteSpread() > allowed) {
            throw new SimulationFailure("balance: regions spread " + load.byteSpread() + " B > " + allowed + " B: "
                + load);
        }
        if (load.leaderSpread() > maxLeaderSpread) {
            leadersStuck(sim, load);
        }
    }

    /**
     * Leaders spread wider than the rules aim for are only acceptable when no transfer can help: no store well above
     * the average leads a region that has a voter on a store well below it (a transfer only moves a leader between
     * a region's voters).
     */
    private static void leadersStuck(final PdSimulation sim, final Load load) {
        final double average = load.leaders().values().stream().mapToInt(Integer::intValue).average().orElse(0);
        for (final RegionInfo r : sim.truth.regions.values()) {
            final Integer leaderCount = r.leader() == null ? null : load.leaders().get(r.leader().storeId());
            if (leaderCount == null || leaderCount < average + 0.5) {
                continue;
            }
            for (final Peer p : r.voters()) {
                final Integer count = load.leaders().get(p.storeId());
                if (count != null && count < average - 0.5) {
                    throw new SimulationFailure("balance: leaders spread " + load.leaderSpread() + " though region "
                        + r.id() + " could move its leader from store " + r.leader().storeId() + " to store "
                        + p.storeId() + ": " + load);
                }
            }
        }
        if (load.leaderSpread() > 2 * MAX_STUCK_LEADER_SPREAD) {
            throw new SimulationFailure("balance: leaders spread " + load.leaderSpread() + ": " + load);
        }
    }

    /** Balancing never brought a region's peer back to a store it had taken it from: no back and forth. */
    static void noReturns(final PdSimulation sim) {
        if (!sim.truth.returns().isEmpty()) {
            throw new SimulationFailure("oscillation: " + sim.truth.returns().size() + " peers moved back, first: "
                + sim.truth.returns().get(0));
        }
    }

    /** PD never asked a leader to remove its own peer. */
    static void noLeaderSelfRemoval(final PdSimulation sim) {
        if (sim.truth.leaderSelfRemovals > 0) {
            throw new SimulationFailure("leader-removal: " + sim.truth.leaderSelfRemovals + " times");
        }
    }

    /** Every region has exactly {@code maxReplicas} voters, all on live stores, no learner, a live leader. */
    static void fullyReplicated(final PdSimulation sim) {
        final int want = sim.config.maxReplicas();
        for (final RegionInfo r : sim.truth.regions.values()) {
            boolean ok = r.voters().size() == want && r.learners().isEmpty() && r.leader() != null
                && sim.truth.alive(r.leader().storeId());
            for (final Peer p : r.peers()) {
                ok &= sim.truth.alive(p.storeId());
            }
            if (!ok) {
                throw new SimulationFailure("repair: " + r);
            }
        }
    }

    /** Every region's replicas are in as many distinct zones as the live stores allow. */
    static void distinctZones(final PdSimulation sim) {
        final Set<String> zones = new HashSet<>();
        for (final SimCluster.SimStore s : sim.truth.stores.values()) {
            if (s.alive) {
                zones.add(s.labels.get("zone"));
            }
        }
        final int want = Math.min(zones.size(), sim.config.maxReplicas());
        for (final RegionInfo r : sim.truth.regions.values()) {
            final Set<String> used = new HashSet<>();
            for (final Peer p : r.peers()) {
                used.add(sim.truth.stores.get(p.storeId()).labels.get("zone"));
            }
            if (used.size() < want) {
                throw new SimulationFailure("zones: region " + r.id() + " has replicas in " + used + ": " + r);
            }
        }
    }
}
