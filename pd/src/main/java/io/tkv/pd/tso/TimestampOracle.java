package io.tkv.pd.tso;

import io.tkv.codec.keys.Timestamps;

/**
 * PD's timestamp oracle (TSO): hands out strictly increasing timestamps ({@link Timestamps}) while its PD member
 * leads, across leader changes, restarts and a wall clock that jumps back or forward. Deterministic: the clock is
 * passed in ({@code nowMs}), the limit is persisted through a {@link TsoStore}. Not thread safe: one owner.
 *
 * <p>The one invariant everything rests on: every timestamp handed out has a physical part at most the durable
 * limit. A new leader therefore starts above the limit it loads ({@code max(now, limit + 1)}), and a leader whose
 * physical time has caught up with the limit refuses (the caller retries) until a save further ahead is confirmed.
 * Saves go ahead by {@code saveWindowMs}, renewed by {@link #update(long)} once less than a third of the window is
 * left, so in steady state a confirmed save is always ahead of the clock and nobody waits.
 *
 * <p>Lifecycle: {@link #becomeLeader(long)} → {@link #onLimitSaved(long)} (serving) → {@link #update(long)} every
 * few tens of ms and {@link #allocate(int)} per batch → {@link #resign()}.
 */
public final class TimestampOracle {
    /** Default window saved ahead of the physical time (PD's {@code tso-save-interval}). */
    public static final long DEFAULT_SAVE_WINDOW_MS = 3000;
    /** Returned by {@link #allocate(int)} when it cannot hand out now: retry later, or ask the leader. */
    public static final long REFUSED = 0;

    private final TsoStore store;
    private final long saveWindowMs;
    private final long renewBeforeMs;
    private boolean leader;
    private long physicalMs;
    /** The next logical value to hand out at {@link #physicalMs}. */
    private long nextLogical;
    private long durableLimitMs;
    /** The highest limit asked of the store and not yet confirmed, 0 if none. */
    private long pendingLimitMs;
    private long refusedCount;

    /**
     * @param store        where the limit is persisted.
     * @param saveWindowMs how far ahead of the physical time a save reaches; at least 3 ms.
     */
    public TimestampOracle(final TsoStore store, final long saveWindowMs) {
        if (saveWindowMs < 3) {
            throw new IllegalArgumentException("saveWindowMs " + saveWindowMs + " < 3");
        }
        this.store = store;
        this.saveWindowMs = saveWindowMs;
        // A third of the window left when renewing: a save has two thirds of the window to become durable
        // before anyone is refused.
        this.renewBeforeMs = saveWindowMs / 3;
    }

    /** @param store where the limit is persisted; the window is {@link #DEFAULT_SAVE_WINDOW_MS}. */
    public TimestampOracle(final TsoStore store) {
        this(store, DEFAULT_SAVE_WINDOW_MS);
    }

    /**
     * Starts serving as leader: loads the durable limit, starts strictly above it (even if the clock went back
     * below it) and asks for a window ahead. Nothing is handed out until that save is confirmed, because the
     * loaded limit is below the new physical time.
     *
     * @param nowMs the wall clock.
     */
    public void becomeLeader(final long nowMs) {
        final long saved = store.loadLimit();
        leader = true;
        durableLimitMs = saved;
        pendingLimitMs = 0;
        physicalMs = Math.max(nowMs, saved + 1);
        nextLogical = 0;
        requestSave(physicalMs + saveWindowMs);
    }

    /** Stops serving (leadership lost). Confirmations that arrive later are harmless: see {@link #onLimitSaved}. */
    public void resign() {
        leader = false;
        physicalMs = 0;
        nextLogical = 0;
        pendingLimitMs = 0;
    }

    /**
     * The store confirms a limit durable. A late confirmation of a save from an earlier leadership is still a
     * durable fact, so it only ever raises the limit.
     *
     * @param limitMs the limit that is now durable.
     */
    public void onLimitSaved(final long limitMs) {
        if (limitMs > durableLimitMs) {
            durableLimitMs = limitMs;
        }
        if (limitMs >= pendingLimitMs) {
            pendingLimitMs = 0;
        }
    }

    /**
     * The periodic update (PD: every 50 ms): follows the clock forward (never back), moves to the next millisecond
     * early when more than half the logical space is used, and renews the window when it runs low.
     *
     * @param nowMs the wall clock.
     */
    public void update(final long nowMs) {
        if (!leader) {
            return;
        }
        if (nowMs > physicalMs) {
            physicalMs = nowMs;
            nextLogical = 0;
        } else if (nextLogical > Timestamps.MAX_LOGICAL / 2 && physicalMs + 1 <= durableLimitMs) {
            physicalMs++;
            nextLogical = 0;
        }
        final long reach = Math.max(durableLimitMs, pendingLimitMs);
        if (reach - physicalMs < renewBeforeMs) {
            requestSave(physicalMs + saveWindowMs);
        }
    }

    /**
     * Hands out {@code count} consecutive timestamps (one client's concurrent requests, one round trip): all share
     * one physical part and their logical parts are consecutive.
     *
     * @param count how many, in {@code [1, MAX_LOGICAL]}.
     * @return the last (highest) of them, the first being {@code last - count + 1}; or {@link #REFUSED} when not
     *     leader, when the durable window is used up, or when the logical space overflows at the window's edge.
     */
    public long allocate(final int count) {
        if (count < 1 || count > Timestamps.MAX_LOGICAL) {
            throw new IllegalArgumentException("count " + count + " outside [1, " + Timestamps.MAX_LOGICAL + "]");
        }
        if (!leader || physicalMs > durableLimitMs) {
            refusedCount++;
            return REFUSED;
        }
        if (nextLogical + count > Timestamps.MAX_LOGICAL) {
            // Borrow the next millisecond, but only inside the durable window.
            if (physicalMs + 1 > durableLimitMs) {
                refusedCount++;
                return REFUSED;
            }
            physicalMs++;
            nextLogical = 0;
        }
        final long last = Timestamps.compose(physicalMs, nextLogical + count - 1);
        nextLogical += count;
        return last;
    }

    private void requestSave(final long limitMs) {
        pendingLimitMs = Math.max(pendingLimitMs, limitMs);
        store.saveLimit(limitMs);
    }

    /** @return whether this oracle believes it leads (it may still refuse until its window is durable). */
    public boolean isLeader() {
        return leader;
    }

    /** @return whether {@link #allocate(int)} can hand out now. */
    public boolean isServing() {
        return leader && physicalMs <= durableLimitMs;
    }

    /** @return the durable limit this oracle knows of (ms). */
    public long durableLimitMs() {
        return durableLimitMs;
    }

    /** @return the current physical time (ms), 0 when not leader. */
    public long physicalMs() {
        return physicalMs;
    }

    /** @return how many allocations were refused since creation. */
    public long refusedCount() {
        return refusedCount;
    }
}
