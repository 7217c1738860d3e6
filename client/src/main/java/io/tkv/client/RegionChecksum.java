package io.tkv.client;

/**
 * A store's hash over one region's applied state ({@link RawKvClient#regionChecksum}): replicas that report the same
 * applied index must report the same checksum.
 *
 * @param regionId     the region.
 * @param appliedIndex the index the store had applied when it hashed.
 * @param checksum     the hash (the first 8 bytes of SHA-256 over every key and value the region owns).
 * @param keys         how many keys it covered.
 */
public record RegionChecksum(long regionId, long appliedIndex, long checksum, long keys) {
}
