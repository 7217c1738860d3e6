/**
 * PD's GC safe point, as PD's {@code gc_safe_point} in TiKV's design: the timestamp below which MVCC versions no reader
 * will ever need may be collected. {@link io.tkv.pd.gc.GcSafePoint} holds its rules (it never moves backwards, it is
 * never set above the current TSO) and its persisted form; {@link io.tkv.pd.gc.GcLifetimePolicy} is the leader's
 * auto-advance to {@code TSO(now - gc-life-time)}. No wire, no threads, no clock of their own: the PD server proposes
 * a new value through PD's Raft log and its state machine applies it with {@link io.tkv.pd.gc.GcSafePoint#advance}.
 */
package io.tkv.pd.gc;
