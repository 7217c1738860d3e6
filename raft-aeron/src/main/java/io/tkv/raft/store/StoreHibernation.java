package io.tkv.raft.store;

import io.tkv.raft.core.PeerProgress;
import io.tkv.raft.transport.RaftTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * The store's side of hibernating regions (io.tkv.raft.core.Hibernation), for the {@link MultiRaft} driver: which
 * regions it visits ({@link AwakeRegions}), the store-to-store heartbeat ({@link RaftTransport#keepAlive()}, each
 * heartbeat interval) and liveness ({@link StoreLiveness}), and the wake-up of the sleeping followers of a store that
 * went silent for an election timeout. Per tick it costs O(stores); a silent store costs one walk over every region.
 * With hibernation off every region stays awake and none of this runs.
 *
 * <p>Owned by the raft agent; not thread safe.
 */
final class StoreHibernation {
    /** Ticks between walks over every region (sleeping ones too): compaction, and a check of the awake set. */
    private static final int FULL_SWEEP_TICKS = 512;
    private static final Logger LOG = LoggerFactory.getLogger(StoreHibernation.class);

    private final boolean enabled;
    private final int heartbeatTicks;
    private final int silentTicks;
    private final List<RegionPeer> regions;
    private final AwakeRegions awake = new AwakeRegions();
    private final StoreLiveness liveness;
    private final LongConsumer onStoreSilent = this::onStoreSilent;
    private long ticks;

    /** @param regions the driver's list of every region it serves (read, never changed here). */
    StoreHibernation(final MultiRaftConfig config, final List<RegionPeer> regions) {
        this.enabled = config.hibernateAfterTicks() > 0;
        this.heartbeatTicks = config.heartbeatIntervalTicks();
        this.silentTicks = config.electionTimeoutTicks();
        this.regions = regions;
        this.liveness = new StoreLiveness(silentTicks);
    }

    AwakeRegions awake() {
        return awake;
    }

    /** A frame from another store passed the transport's checks. */
    void onFrame(final long storeId) {
        liveness.onFrame(storeId);
    }

    /** Once per tick, after the awake regions ticked. */
    void onTick(final RaftTransport transport) {
        if (!enabled) {
            return;
        }
        ticks++;
        liveness.onTick(onStoreSilent);
        if (ticks % heartbeatTicks == 0) {
            transport.keepAlive();
        }
        if (ticks % FULL_SWEEP_TICKS == 0) {
            // Any input puts its region back, so this finds none, unless an input path forgot to.
            for (int i = 0; i < regions.size(); i++) {
                if (!regions.get(i).node().hibernating()) {
                    awake.add(regions.get(i));
                }
            }
        }
    }

    /**
     * @return whether this tick's compaction check walks every region: always without hibernation, else now and then
     *     (a sleeping region applies nothing new, but its durable applied index may still move).
     */
    boolean fullSweepDue() {
        return !enabled || ticks % FULL_SWEEP_TICKS == 0;
    }

    /** At the end of a duty cycle: the regions that fell asleep (with nothing left to hand over) leave the set. */
    void sweep() {
        if (enabled) {
            awake.sweep();
        }
    }

    private void onStoreSilent(final long storeId) {
        int woken = 0;
        for (int i = 0; i < regions.size(); i++) {
            final RegionPeer peer = regions.get(i);
            if (!peer.node().hibernating()) {
                continue;
            }
            if (!peer.isLeader() && peer.leaderStoreId() == storeId) {
                peer.node().onLeaderStoreSilent();
                awake.add(peer);
                woken++;
            } else if (peer.isLeader() && hasFollowerOn(peer, storeId)) {
                // A sleeping leader wakes too: were it cut off from a quorum, check-quorum steps it down.
                peer.node().onFollowerStoreSilent();
                awake.add(peer);
                woken++;
            }
        }
        LOG.info("store {} silent for {} ticks: {} hibernating regions with a peer there woke", storeId, silentTicks,
            woken);
    }

    private static boolean hasFollowerOn(final RegionPeer peer, final long storeId) {
        for (final PeerProgress progress : peer.node().peerProgress()) {
            if (peer.storeOf(progress.peerId()) == storeId) {
                return true;
            }
        }
        return false;
    }
}
