package io.tkv.pd.gc;

import io.tkv.codec.keys.Timestamps;

/**
 * The PD leader's auto-advance of the GC safe point (PD's {@code gc-life-time}): keep versions for
 * {@code lifeTimeMs}, so the safe point trails the clock at {@code TSO(now - lifeTimeMs)}. Called on the leader's
 * schedule tick, it answers the safe point to propose now, or {@link GcSafePoint#NONE}. It proposes only when the
 * target is at least {@link #stepMs} ahead of the current safe point (a tenth of the lifetime, in [1 s, 60 s]): PD's
 * log is never compacted, so a 10-minute lifetime costs one entry a minute rather than one per tick. A lifetime of 0
 * means manual only ({@code tkv-ctl gc --safe-point}). Pure: the caller passes the clock and the state in.
 */
public final class GcLifetimePolicy {
    /** The default lifetime: 10 minutes, as TiKV's {@code tikv_gc_life_time}. */
    public static final long DEFAULT_LIFE_TIME_MS = 10 * 60_000L;
    /** Fewest ms between two proposals. */
    public static final long MIN_STEP_MS = 1_000;
    /** Most ms the safe point lags its target because of the step. */
    public static final long MAX_STEP_MS = 60_000;

    private final long lifeTimeMs;
    private final long stepMs;

    /**
     * @param lifeTimeMs how long versions are kept; 0: no auto-advance.
     */
    public GcLifetimePolicy(final long lifeTimeMs) {
        if (lifeTimeMs < 0) {
            throw new IllegalArgumentException("gc-life-time-ms " + lifeTimeMs + " is negative");
        }
        this.lifeTimeMs = lifeTimeMs;
        this.stepMs = Math.min(MAX_STEP_MS, Math.max(MIN_STEP_MS, lifeTimeMs / 10));
    }

    /** @return how long versions are kept, ms (0: manual only). */
    public long lifeTimeMs() {
        return lifeTimeMs;
    }

    /** @return how far the target must be ahead of the safe point before a proposal, ms. */
    public long stepMs() {
        return stepMs;
    }

    /**
     * @param nowMs   the PD leader's wall clock.
     * @param current the applied safe point.
     * @param tsoNow  the TSO's newest timestamp (a target above it is capped to it).
     * @return the safe point to propose, or {@link GcSafePoint#NONE} for nothing now.
     */
    public long target(final long nowMs, final long current, final long tsoNow) {
        if (lifeTimeMs == 0 || nowMs - lifeTimeMs <= 0) {
            return GcSafePoint.NONE;
        }
        final long target = Math.min(Timestamps.compose(nowMs - lifeTimeMs, 0), tsoNow);
        if (target <= current || Timestamps.physicalMs(target) - Timestamps.physicalMs(current) < stepMs) {
            return GcSafePoint.NONE;
        }
        return target;
    }
}
