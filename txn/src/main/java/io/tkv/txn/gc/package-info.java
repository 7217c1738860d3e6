/**
 * The GC worker's logic for a store, as TiKV's {@code server/gc_worker}: for a region's range under PD's safe point,
 * {@link io.tkv.txn.gc.GcWorker} resolves the locks at or below it (through the store's transaction path) and then
 * collects old versions batch by batch ({@link io.tkv.txn.Gc}), each batch proposed through Raft as a
 * {@link io.tkv.txn.WriteBatchCodec} write batch. No threads, no server: the store drives it from an agent of its own
 * (never the Raft thread) and supplies snapshots, the lock resolver and the proposer.
 */
package io.tkv.txn.gc;
