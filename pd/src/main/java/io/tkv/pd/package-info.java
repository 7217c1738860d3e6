/**
 * The Placement Driver's deterministic core: everything PD decides, with no wire, no threads and no clock of its
 * own. A later PD server drives it from one thread: it passes {@code nowMs} in, feeds it heartbeats and requests,
 * and implements the small store interfaces ({@link io.tkv.pd.tso.TsoStore}, {@link io.tkv.pd.id.IdStore}) with
 * PD's Raft-replicated state machine, whose state lives in RocksDB.
 *
 * <ul>
 * <li>{@link io.tkv.pd.tso}: the timestamp oracle, {@code physical_ms << 18 | logical}, strictly increasing across
 *     leader changes because nothing is handed out beyond a durable limit.</li>
 * <li>{@link io.tkv.pd.id}: ids for stores, regions and peers, reserved ahead in durable steps.</li>
 * <li>{@link io.tkv.pd.cluster}: the registry of stores and regions fed by heartbeats, with PD's staleness rules,
 *     and routing queries (region by key, by id, scan).</li>
 * <li>{@link io.tkv.pd.gc}: the GC safe point (never backwards, never above the TSO), its record, and the leader's
 *     lifetime-based auto-advance.</li>
 * <li>{@link io.tkv.pd.schedule}: operators, the operator controller, balance-leader, balance-region, the replica
 *     checker and placement by location labels, tied together by the coordinator.</li>
 * </ul>
 *
 * <p>Who calls what, once the server exists: on becoming PD leader, {@code TimestampOracle.becomeLeader} and
 * {@code IdAllocator.becomeLeader} (after the state machine applied its whole log); every 50 ms
 * {@code TimestampOracle.update}; per store heartbeat {@code Cluster.storeHeartbeat}; per region heartbeat
 * {@code Coordinator.onRegionHeartbeat}, whose answer is the heartbeat response; every second or so
 * {@code Coordinator.schedule}; while serving, every duty cycle {@code GcLifetimePolicy.target} (a proposal only a
 * step at a time), and on each applied GC entry {@code GcSafePoint.advance}. Not here yet: persisting store and
 * region metadata (PD keeps both, so that a new leader routes before every region has reported again), bootstrap, and
 * splits.
 */
package io.tkv.pd;
