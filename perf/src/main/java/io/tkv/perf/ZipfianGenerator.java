package io.tkv.perf;

import java.util.SplittableRandom;

/**
 * Draws item ranks in {@code [0, items)} with a Zipf distribution: rank {@code r} has a probability proportional to
 * {@code 1 / (r + 1)^theta}, so rank 0 is the most popular.
 * <p>
 * The algorithm is the one YCSB uses, from Gray et al., "Quickly Generating Billion-Record Synthetic Databases"
 * (SIGMOD 1994): one uniform draw per sample and a closed-form inversion, after computing the normalising constant
 * {@code zeta(items, theta)} once (O(items) at construction). With {@code scrambled}, each rank is hashed onto the
 * item space (FNV-1a 64) so the popular items are spread over the key range instead of clustering at its start,
 * as YCSB's "scrambled zipfian" does; the popularity histogram is unchanged up to hash collisions.
 * <p>
 * Not thread safe: one generator per thread.
 */
public final class ZipfianGenerator implements KeyChooser {
    /** YCSB's default skew. */
    public static final double DEFAULT_THETA = 0.99;

    private static final long FNV_OFFSET_BASIS_64 = 0xCBF29CE484222325L;
    private static final long FNV_PRIME_64 = 0x100000001B3L;

    private final long items;
    private final double theta;
    private final boolean scrambled;
    private final SplittableRandom random;
    private final double zetaN;
    private final double alpha;
    private final double eta;
    private final double secondThreshold;

    /**
     * @param items     size of the item space, at least 1.
     * @param theta     skew in (0, 1); larger is more skewed.
     * @param scrambled spread popular ranks over the item space by hashing.
     * @param seed      seed of the uniform source, so a run can be replayed.
     */
    public ZipfianGenerator(final long items, final double theta, final boolean scrambled, final long seed) {
        if (items < 1) {
            throw new IllegalArgumentException("items must be >= 1, was " + items);
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("theta must be in (0, 1), was " + theta);
        }
        this.items = items;
        this.theta = theta;
        this.scrambled = scrambled;
        this.random = new SplittableRandom(seed);
        this.zetaN = zeta(items, theta);
        final double zeta2 = zeta(Math.min(2, items), theta);
        this.alpha = 1.0 / (1.0 - theta);
        this.eta = items <= 2 ? 0 : (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetaN);
        this.secondThreshold = 1 + Math.pow(0.5, theta);
    }

    /**
     * @param n     number of terms.
     * @param theta exponent.
     * @return {@code sum_{i=1..n} 1 / i^theta}.
     */
    static double zeta(final long n, final double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1.0 / Math.pow(i, theta);
        }
        return sum;
    }

    /**
     * @return the next rank (or, if scrambled, the item the rank hashes to), in {@code [0, items)}.
     */
    @Override
    public long nextIndex() {
        final long rank = nextRank(random.nextDouble());
        return scrambled ? Math.floorMod(fnv1a64(rank), items) : rank;
    }

    /**
     * The inversion itself, exposed for tests.
     *
     * @param u a uniform draw in {@code [0, 1)}.
     * @return the rank it maps to, in {@code [0, items)}.
     */
    long nextRank(final double u) {
        final double uz = u * zetaN;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < secondThreshold && items > 1) {
            return 1;
        }
        final long rank = (long)(items * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(Math.max(rank, 0), items - 1);
    }

    /**
     * @return the size of the item space.
     */
    public long items() {
        return items;
    }

    /**
     * @return the skew.
     */
    public double theta() {
        return theta;
    }

    static long fnv1a64(final long value) {
        long hash = FNV_OFFSET_BASIS_64;
        long rest = value;
        for (int i = 0; i < Long.BYTES; i++) {
            hash ^= rest & 0xFF;
            hash *= FNV_PRIME_64;
            rest >>>= 8;
        }
        return hash;
    }
}
