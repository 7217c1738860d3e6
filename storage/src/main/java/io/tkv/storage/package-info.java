/**
 * The storage layer of a tkv store: a RocksDB engine with TiKV's column families ({@link
 * io.tkv.storage.StorageEngine}), the RawKV state machine ({@link io.tkv.storage.RawKvStore}) and the store's
 * persisted identity ({@link io.tkv.storage.StoreMeta}). No Raft rules and no networking live here.
 */
package io.tkv.storage;
