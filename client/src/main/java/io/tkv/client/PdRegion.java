package io.tkv.client;

/**
 * A region as PD knows it from its leader's heartbeats (ScanRegions).
 *
 * @param region          range, epoch, peers and leader.
 * @param approximateSize bytes, approximately (RocksDB's estimate).
 * @param approximateKeys keys, approximately.
 * @param writtenBytes    bytes written to the region in the interval before its leader's last heartbeat; -1 when PD
 *                        did not say (a PD before schema version 5).
 * @param writtenKeys     keys written in that interval; -1 when PD did not say.
 */
public record PdRegion(RegionInfo region, long approximateSize, long approximateKeys, long writtenBytes,
    long writtenKeys) {
    /** @return whether PD said what was written to the region. */
    public boolean writtenKnown() {
        return writtenBytes >= 0 && writtenKeys >= 0;
    }
}
