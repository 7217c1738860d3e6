package io.tkv.raft.store;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Which other stores this one still hears, counted in Raft ticks: per store, not per region, so a hibernating
 * follower can learn that its leader's store died without any tick or heartbeat of its own region. Every frame
 * accepted from a store (Raft messages, or the empty keep-alive each store sends the others when it has sent nothing
 * else for a heartbeat interval, {@link io.tkv.raft.transport.RaftTransport#keepAlive()}) marks it heard; a store
 * not heard for {@code silentTicks} ticks is reported silent once, until it is heard again. A store never heard is
 * never reported (no region here can have heard a leader on it either). Cost: O(1) per frame, O(stores) per tick.
 *
 * <p>Owned by the raft agent; not thread safe.
 */
final class StoreLiveness {
    private final int silentTicks;
    private final Long2LongHashMap slots = new Long2LongHashMap(-1);
    private long[] storeIds = new long[8];
    private long[] lastHeard = new long[8];
    private boolean[] reported = new boolean[8];
    private int count;
    private long tick;

    /** @param silentTicks ticks without a frame after which a store is reported silent. */
    StoreLiveness(final int silentTicks) {
        this.silentTicks = silentTicks;
    }

    /** A frame from {@code storeId} was accepted. */
    void onFrame(final long storeId) {
        int slot = (int)slots.get(storeId);
        if (slot < 0) {
            if (count == storeIds.length) {
                storeIds = Arrays.copyOf(storeIds, count * 2);
                lastHeard = Arrays.copyOf(lastHeard, count * 2);
                reported = Arrays.copyOf(reported, count * 2);
            }
            slot = count++;
            slots.put(storeId, slot);
            storeIds[slot] = storeId;
        }
        lastHeard[slot] = tick;
        reported[slot] = false;
    }

    /**
     * One tick.
     *
     * @param onSilent told of each store that has just been silent for {@code silentTicks}.
     * @return stores reported.
     */
    int onTick(final LongConsumer onSilent) {
        tick++;
        int silent = 0;
        for (int i = 0; i < count; i++) {
            if (!reported[i] && tick - lastHeard[i] >= silentTicks) {
                reported[i] = true;
                silent++;
                onSilent.accept(storeIds[i]);
            }
        }
        return silent;
    }

    /** @return whether {@code storeId} was heard within the last {@code silentTicks} ticks. */
    boolean isAlive(final long storeId) {
        final int slot = (int)slots.get(storeId);
        return slot >= 0 && tick - lastHeard[slot] < silentTicks;
    }
}
