package io.tkv.perf;

import java.util.SplittableRandom;

/**
 * Picks the index of the next key to touch, in {@code [0, keys)}. Not thread safe: one per issuing thread.
 */
@FunctionalInterface
public interface KeyChooser {
    /**
     * @return the next key index.
     */
    long nextIndex();

    /**
     * @param distribution how popular each key is.
     * @param keys         size of the key space.
     * @param seed         seed, so a run can be replayed.
     * @return a chooser for the distribution.
     */
    static KeyChooser of(final KeyDistribution distribution, final long keys, final long seed) {
        switch (distribution) {
            case UNIFORM:
                final SplittableRandom random = new SplittableRandom(seed);
                return () -> random.nextLong(keys);
            case ZIPFIAN:
                return new ZipfianGenerator(keys, ZipfianGenerator.DEFAULT_THETA, true, seed);
            default:
                throw new IllegalArgumentException("unknown distribution " + distribution);
        }
    }
}
