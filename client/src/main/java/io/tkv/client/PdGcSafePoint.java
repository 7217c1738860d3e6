package io.tkv.client;

/**
 * PD's GC safe point as its leader answered it.
 *
 * @param safePoint    the timestamp below which stores may collect versions no reader at or after it sees (0: none).
 * @param gcLifeTimeMs the leader's {@code gc-life-time-ms}: it advances the safe point to {@code TSO(now - it)}
 *                     (0: only by hand).
 */
public record PdGcSafePoint(long safePoint, long gcLifeTimeMs) {
}
