package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZipfianGeneratorTest {
    private static final int ITEMS = 1_000;
    private static final int SAMPLES = 200_000;

    @Test
    void shouldStayInRangeForEveryDraw() {
        final ZipfianGenerator scrambled = new ZipfianGenerator(ITEMS, 0.99, true, 1);
        final ZipfianGenerator plain = new ZipfianGenerator(ITEMS, 0.99, false, 1);
        for (int i = 0; i < SAMPLES; i++) {
            final long a = scrambled.nextIndex();
            final long b = plain.nextIndex();
            assertTrue(a >= 0 && a < ITEMS, "scrambled out of range: " + a);
            assertTrue(b >= 0 && b < ITEMS, "plain out of range: " + b);
        }
    }

    @Test
    void shouldMapTheEdgesOfTheUniformDrawIntoRange() {
        final ZipfianGenerator zipf = new ZipfianGenerator(ITEMS, 0.99, false, 1);
        assertEquals(0, zipf.nextRank(0.0));
        assertEquals(ITEMS - 1, zipf.nextRank(Math.nextDown(1.0)));
    }

    @Test
    void shouldFavourLowRanksAsZipfSays() {
        final ZipfianGenerator zipf = new ZipfianGenerator(ITEMS, 0.99, false, 42);
        final long[] counts = new long[ITEMS];
        for (int i = 0; i < SAMPLES; i++) {
            counts[(int)zipf.nextIndex()]++;
        }
        // Expected share of rank r is 1 / ((r + 1)^theta * zeta(n)): ~13.4% for rank 0, ~6.7% for rank 1.
        final double zetaN = ZipfianGenerator.zeta(ITEMS, 0.99);
        final double expected0 = 1.0 / zetaN;
        final double expected1 = 1.0 / (Math.pow(2, 0.99) * zetaN);
        assertEquals(expected0, counts[0] / (double)SAMPLES, 0.01);
        assertEquals(expected1, counts[1] / (double)SAMPLES, 0.01);
        assertTrue(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[500],
            "popularity must fall with rank");

        // The top 1% of ranks takes far more than 1% of the draws (about half for theta 0.99).
        long top = 0;
        for (int r = 0; r < ITEMS / 100; r++) {
            top += counts[r];
        }
        final double topShare = top / (double)SAMPLES;
        assertTrue(topShare > 0.35 && topShare < 0.6, "top 1% share was " + topShare);
    }

    @Test
    void shouldKeepTheSkewWhenScrambled() {
        final ZipfianGenerator zipf = new ZipfianGenerator(ITEMS, 0.99, true, 7);
        final long[] counts = new long[ITEMS];
        for (int i = 0; i < SAMPLES; i++) {
            counts[(int)zipf.nextIndex()]++;
        }
        final long hottest = counts[(int)Math.floorMod(ZipfianGenerator.fnv1a64(0), (long)ITEMS)];
        assertTrue(hottest > SAMPLES / 10, "rank 0's item should get ~13% of draws, got " + hottest);
        int touched = 0;
        for (final long count : counts) {
            if (count > 0) {
                touched++;
            }
        }
        assertTrue(touched > ITEMS / 2, "a long tail must still be visited, touched " + touched);
    }

    @Test
    void shouldReplayTheSameSequenceFromTheSameSeed() {
        final ZipfianGenerator a = new ZipfianGenerator(ITEMS, 0.99, true, 99);
        final ZipfianGenerator b = new ZipfianGenerator(ITEMS, 0.99, true, 99);
        for (int i = 0; i < 1_000; i++) {
            assertEquals(a.nextIndex(), b.nextIndex());
        }
    }

    @Test
    void shouldHandleTinyItemSpaces() {
        final ZipfianGenerator one = new ZipfianGenerator(1, 0.99, false, 1);
        final ZipfianGenerator two = new ZipfianGenerator(2, 0.99, false, 1);
        int ones = 0;
        for (int i = 0; i < 10_000; i++) {
            assertEquals(0, one.nextIndex());
            final long v = two.nextIndex();
            assertTrue(v == 0 || v == 1);
            ones += (int)v;
        }
        assertTrue(ones > 2_000 && ones < 5_000, "rank 1 of 2 should get ~1/3, got " + ones);
    }

    @Test
    void shouldRejectBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new ZipfianGenerator(0, 0.99, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new ZipfianGenerator(10, 1.0, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new ZipfianGenerator(10, 0.0, false, 1));
    }
}
