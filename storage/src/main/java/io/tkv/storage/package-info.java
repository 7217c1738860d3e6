/**
 * The storage layer of a tkv store: a RocksDB engine with TiKV's column families ({@link
 * io.tkv.storage.StorageEngine}), the RawKV state machine ({@link io.tkv.storage.RawKvStore} for client reads,
 * {@link io.tkv.storage.ApplyBatch} for applying committed Raft entries atomically with the region's
 * {@link io.tkv.storage.RegionApplyState}), deduplication of retried writes ({@link io.tkv.storage.DedupTable}),
 * region snapshots as SST files ({@link io.tkv.storage.RegionSnapshot}) and the store's persisted identity
 * ({@link io.tkv.storage.StoreMeta}). Key layout of the {@code raft} column family: {@code RegionKeys}. No Raft
 * rules and no networking live here.
 */
package io.tkv.storage;
