package io.tkv.raft.store;

import java.util.Arrays;

/**
 * The regions the driver visits: every region that is not hibernating, and one that hibernates while it still has
 * something to hand over (a Ready, committed entries or reads the apply side has not taken). A hibernating region is
 * not in it, so an idle store's duty cycle and tick cost O(awake regions), not O(regions). Any input for a region
 * (a message, a proposal, a read, a request) puts it back first ({@link #add}); {@link #sweep} takes out the ones
 * that fell asleep. Set membership is a slot index kept in the {@link RegionPeer}, so add and remove are O(1) and
 * allocate nothing once the array has grown. The order of the regions is not kept (a removal moves the last one into
 * the gap): nothing in a duty cycle depends on it.
 *
 * <p>Owned by the raft agent; not thread safe.
 */
final class AwakeRegions {
    private RegionPeer[] peers = new RegionPeer[64];
    private int size;

    int size() {
        return size;
    }

    RegionPeer get(final int i) {
        return peers[i];
    }

    /** Makes the region visited from now on (no-op if it is). */
    void add(final RegionPeer peer) {
        if (peer.awakeSlot >= 0) {
            return;
        }
        if (size == peers.length) {
            peers = Arrays.copyOf(peers, size * 2);
        }
        peer.awakeSlot = size;
        peers[size++] = peer;
    }

    /** Stops visiting the region (no-op if it is not visited). */
    void remove(final RegionPeer peer) {
        final int slot = peer.awakeSlot;
        if (slot < 0) {
            return;
        }
        final RegionPeer last = peers[--size];
        peers[slot] = last;
        last.awakeSlot = slot;
        peers[size] = null;
        peer.awakeSlot = -1;
    }

    /** @return regions that fell asleep and were taken out (walks the awake regions, last first). */
    int sweep() {
        int removed = 0;
        for (int i = size - 1; i >= 0; i--) {
            final RegionPeer peer = peers[i];
            if (peer.asleep()) {
                remove(peer);
                removed++;
            }
        }
        return removed;
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            peers[i].awakeSlot = -1;
            peers[i] = null;
        }
        size = 0;
    }
}
