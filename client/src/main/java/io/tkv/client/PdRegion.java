package io.tkv.client;

/**
 * A region as PD knows it from its leader's heartbeats (ScanRegions).
 *
 * @param region          range, epoch, peers and leader.
 * @param approximateSize bytes, approximately (RocksDB's estimate).
 * @param approximateKeys keys, approximately.
 */
public record PdRegion(RegionInfo region, long approximateSize, long approximateKeys) {
}
