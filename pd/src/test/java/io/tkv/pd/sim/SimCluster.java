package io.tkv.pd.sim;

import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.schedule.OperatorStep;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The simulated stores and the true state of their regions: what the leaders would report. Steps are carried out
 * as TiKV would: a conf change needs a live majority of voters, a leader never removes itself, a transfer needs a
 * live voter. Records what the property checks need (balance moves that brought a peer back to a store a balance
 * move had taken it from).
 */
final class SimCluster {
    /** A simulated store. */
    static final class SimStore {
        final long id;
        final Map<String, String> labels;
        boolean alive = true;

        SimStore(final long id, final Map<String, String> labels) {
            this.id = id;
            this.labels = Map.copyOf(labels);
        }
    }

    final Map<Long, SimStore> stores = new TreeMap<>();
    final Map<Long, RegionInfo> regions = new TreeMap<>();
    /** region → stores a balance move took a peer of it from. */
    private final Map<Long, Set<Long>> leftStores = new TreeMap<>();
    private final List<String> returns = new ArrayList<>();
    int leaderSelfRemovals;
    int applied;

    void addStore(final long id, final Map<String, String> labels) {
        stores.put(id, new SimStore(id, labels));
    }

    boolean alive(final long storeId) {
        final SimStore s = stores.get(storeId);
        return s != null && s.alive;
    }

    /** @return the region as its leader reports it: peers on dead stores are down. */
    RegionInfo report(final long regionId) {
        final RegionInfo r = regions.get(regionId);
        final List<Peer> down = new ArrayList<>();
        for (final Peer p : r.peers()) {
            if (!alive(p.storeId())) {
                down.add(p);
            }
        }
        return r.toBuilder().downPeers(down).build();
    }

    private boolean liveMajority(final RegionInfo r) {
        int live = 0;
        final List<Peer> voters = r.voters();
        for (final Peer p : voters) {
            if (alive(p.storeId())) {
                live++;
            }
        }
        return live * 2 > voters.size();
    }

    /**
     * Carries out a step if the region's state still allows it.
     *
     * @param balanceMove whether the step belongs to a balance-region operator: the back-and-forth check is about
     *                    those (a repair or isolation move may well be followed by a balance move to the store the
     *                    repair left; the repair is judged by its own properties).
     * @return whether the region changed.
     */
    boolean apply(final long regionId, final OperatorStep step, final boolean balanceMove) {
        final RegionInfo r = regions.get(regionId);
        if (r.leader() == null || !alive(r.leader().storeId()) || !liveMajority(r)) {
            return false;
        }
        final RegionInfo next;
        if (step instanceof OperatorStep.TransferLeader t) {
            final Peer target = r.peerOnStore(t.toStore());
            if (target == null || !target.isVoter() || !alive(t.toStore()) || r.leaderOn(t.toStore())) {
                return false;
            }
            next = r.toBuilder().leader(target).leaderTerm(r.leaderTerm() + 1).build();
        } else if (step instanceof OperatorStep.AddLearner a) {
            if (r.peerOnStore(a.storeId()) != null || !stores.containsKey(a.storeId())) {
                return false;
            }
            final List<Peer> peers = new ArrayList<>(r.peers());
            final Peer learner = Peer.learner(a.peerId(), a.storeId());
            peers.add(learner);
            final List<Peer> pending = new ArrayList<>(r.pendingPeers());
            pending.add(learner);
            next = r.toBuilder().epoch(r.epoch().nextConfVer()).peers(peers).pendingPeers(pending).build();
            final Set<Long> left = leftStores.get(regionId);
            if (balanceMove && left != null && left.contains(a.storeId())) {
                returns.add("region " + regionId + " came back to store " + a.storeId());
            }
        } else if (step instanceof OperatorStep.PromoteLearner p) {
            final Peer learner = r.peerOnStore(p.storeId());
            if (learner == null || learner.peerId() != p.peerId() || learner.isVoter()
                || r.pendingPeers().contains(learner)) {
                return false;
            }
            final List<Peer> peers = new ArrayList<>(r.peers());
            peers.set(peers.indexOf(learner), Peer.voter(learner.peerId(), learner.storeId()));
            next = r.toBuilder().epoch(r.epoch().nextConfVer()).peers(peers).build();
        } else if (step instanceof OperatorStep.RemovePeer rm) {
            final Peer victim = r.peerOnStore(rm.storeId());
            if (victim == null) {
                return false;
            }
            if (r.leaderOn(rm.storeId())) {
                leaderSelfRemovals++;
                return false;
            }
            final List<Peer> peers = new ArrayList<>(r.peers());
            peers.remove(victim);
            final List<Peer> pending = new ArrayList<>(r.pendingPeers());
            pending.remove(victim);
            next = r.toBuilder().epoch(r.epoch().nextConfVer()).peers(peers).pendingPeers(pending).build();
            if (balanceMove) {
                leftStores.computeIfAbsent(regionId, k -> new HashSet<>()).add(rm.storeId());
            }
        } else {
            throw new IllegalStateException("unknown step " + step);
        }
        regions.put(regionId, next);
        applied++;
        return true;
    }

    /** The learner finished its snapshot: no longer pending. @return whether the region changed. */
    boolean caughtUp(final long regionId, final long peerId) {
        final RegionInfo r = regions.get(regionId);
        final List<Peer> pending = new ArrayList<>(r.pendingPeers());
        if (!pending.removeIf(p -> p.peerId() == peerId) || !alive(storeOf(r, peerId))) {
            return false;
        }
        regions.put(regionId, r.toBuilder().pendingPeers(pending).build());
        return true;
    }

    private static long storeOf(final RegionInfo r, final long peerId) {
        for (final Peer p : r.peers()) {
            if (p.peerId() == peerId) {
                return p.storeId();
            }
        }
        return 0;
    }

    /** The leader's store died: a live voter wins the next election, if a majority lives. */
    boolean elect(final long regionId) {
        final RegionInfo r = regions.get(regionId);
        if (r.leader() != null && alive(r.leader().storeId()) || !liveMajority(r)) {
            return false;
        }
        for (final Peer p : r.voters()) {
            if (alive(p.storeId())) {
                regions.put(regionId, r.toBuilder().leader(p).leaderTerm(r.leaderTerm() + 1).build());
                return true;
            }
        }
        return false;
    }

    /** Forgets the moves so far: the back-and-forth check starts over from a settled cluster. */
    void forgetMoves() {
        leftStores.clear();
        returns.clear();
    }

    /** @return peers a balance move brought back to a store a balance move had taken them from. */
    List<String> returns() {
        return returns;
    }
}
