package io.tkv.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The region cache: lookups by key, splits learnt from refusals, overlapping and stale views, leader moves. */
class RegionCacheTest {
    private static final byte[] NONE = new byte[0];

    @Test
    void shouldFindTheRegionOfARawKeyAcrossSplits() {
        final RegionCache cache = new RegionCache();
        cache.put(region(1, "", "rg", 2));
        cache.put(region(2, "rg", "rp", 2));
        cache.put(region(3, "rp", "", 2));
        assertEquals(1, cache.findRaw(raw("a")).regionId());
        assertEquals(1, cache.findRaw(NONE).regionId(), "the empty user key is the first raw key");
        assertEquals(2, cache.findRaw(raw("g")).regionId(), "a region's start key is its own");
        assertEquals(2, cache.findRaw(raw("o\u00ff")).regionId());
        assertEquals(3, cache.findRaw(raw("p")).regionId());
        assertEquals(3, cache.findRaw(raw("zzz")).regionId());
        assertEquals(3, cache.findStored(stored("s")).regionId(), "stored keys past the raw space");
        assertEquals(1, cache.findStored(stored("a")).regionId());
    }

    @Test
    void shouldMissWhereNoRegionIsKnown() {
        final RegionCache cache = new RegionCache();
        assertNull(cache.findRaw(raw("a")));
        cache.put(region(2, "rg", "rp", 2));
        assertNull(cache.findRaw(raw("a")));
        assertNull(cache.findRaw(raw("p")));
        assertEquals(2, cache.findRaw(raw("h")).regionId());
    }

    @Test
    void shouldReplaceTheParentWithTheRegionsOfASplit() {
        final RegionCache cache = new RegionCache();
        final CachedRegion parent = cache.put(region(1, "", "", 1));
        // EPOCH_NOT_MATCH after a split at "m" carries both halves.
        cache.putAll(List.of(region(1, "", "rm", 2), region(7, "rm", "", 2)));
        assertTrue(parent.isStale(), "requests holding the old entry see it is stale");
        assertEquals(2, cache.size());
        assertEquals(1, cache.findRaw(raw("a")).regionId());
        assertEquals(2, cache.findRaw(raw("a")).version());
        assertEquals(7, cache.findRaw(raw("m")).regionId());
    }

    @Test
    void shouldTellAViewOlderThanWhatARefusalTaught() {
        final RegionCache cache = new RegionCache();
        cache.putAll(List.of(region(1, "", "rm", 2), region(7, "rm", "", 2)));
        cache.invalidate(cache.findRaw(raw("m")));
        assertTrue(cache.isOlderThanCached(region(1, "", "", 1)), "the parent as PD still has it");
        assertNull(cache.put(region(1, "", "", 1)), "and the cache would not take it");
        assertFalse(cache.isOlderThanCached(region(7, "rm", "", 2)), "the split's new region");
        assertFalse(cache.isOlderThanCached(region(1, "", "rm", 2)), "the same view");
        assertFalse(new RegionCache().isOlderThanCached(region(1, "", "", 1)), "nothing known");
    }

    @Test
    void shouldDropEveryStaleEntryANewerRegionOverlaps() {
        final RegionCache cache = new RegionCache();
        cache.put(region(1, "", "rc", 3));
        final CachedRegion middle = cache.put(region(2, "rc", "rk", 3));
        final CachedRegion right = cache.put(region(3, "rk", "", 3));
        // A merge-like view (or a view from a store ahead of us) spanning two entries replaces both.
        cache.put(region(2, "rc", "", 5));
        assertTrue(middle.isStale());
        assertTrue(right.isStale());
        assertEquals(2, cache.size());
        assertEquals(2, cache.findRaw(raw("z")).regionId());
        assertEquals(1, cache.findRaw(raw("a")).regionId(), "entries it does not overlap stay");
    }

    @Test
    void shouldIgnoreAViewOlderThanWhatItHolds() {
        final RegionCache cache = new RegionCache();
        cache.putAll(List.of(region(1, "", "rm", 2), region(7, "rm", "", 2)));
        // A store lagging behind the split describes the parent as it was.
        assertNull(cache.put(region(1, "", "", 1)));
        assertEquals(2, cache.size());
        assertEquals(7, cache.findRaw(raw("x")).regionId());
    }

    @Test
    void shouldKeepTheSameEntryForTheSameRegionAndMoveItsLeader() {
        final RegionCache cache = new RegionCache();
        final CachedRegion first = cache.put(region(1, "", "", 1));
        assertEquals(0, first.leaderStoreId());
        final CachedRegion again = cache.put(new RegionInfo(1, NONE, NONE, 1, 1, 3, List.of()));
        assertSame(first, again);
        assertEquals(3, first.leaderStoreId());
        assertFalse(first.isStale());
    }

    @Test
    void shouldDropAnInvalidatedEntrySoTheKeyMisses() {
        final RegionCache cache = new RegionCache();
        final CachedRegion gone = cache.put(region(4, "rc", "rk", 2));
        cache.put(region(5, "rk", "", 2));
        cache.invalidate(gone);
        assertTrue(gone.isStale());
        assertNull(cache.findRaw(raw("d")));
        assertEquals(5, cache.findRaw(raw("k")).regionId());
    }

    @Test
    void shouldFindTheRegionBeforeAnEndKeyForReverseScans() {
        final RegionCache cache = new RegionCache();
        cache.put(region(1, "", "rg", 2));
        cache.put(region(2, "rg", "rp", 2));
        cache.put(region(3, "rp", "", 2));
        assertEquals(3, cache.findBeforeRaw(NONE).regionId(), "the end of the raw space");
        assertEquals(2, cache.findBeforeRaw(raw("p")).regionId(), "keys just below p are in [g, p)");
        assertEquals(3, cache.findBeforeRaw(raw("p\u0000")).regionId());
        assertEquals(1, cache.findBeforeRaw(raw("g")).regionId());
        assertEquals(1, cache.findBeforeRaw(raw("b")).regionId());
    }

    @Test
    void shouldTellWhetherARangeFitsARegionAsAStoreChecksIt() {
        final CachedRegion middle = new CachedRegion(region(2, "rg", "rp", 2));
        assertTrue(middle.containsRawRange(raw("g"), raw("p")));
        assertTrue(middle.containsRawRange(raw("h"), raw("i")));
        assertFalse(middle.containsRawRange(raw("h"), raw("q")));
        assertFalse(middle.containsRawRange(raw("h"), NONE), "an empty end runs to the end of the raw space");
        assertFalse(middle.containsRawRange(raw("a"), raw("h")));
        final CachedRegion last = new CachedRegion(region(3, "rp", "", 2));
        assertTrue(last.containsRawRange(raw("q"), NONE));
        final CachedRegion toSpaceEnd = new CachedRegion(region(3, "rp", "s", 2));
        assertTrue(toSpaceEnd.containsRawRange(raw("q"), NONE), "a region ending at 's' holds the raw space's end");
        assertEquals(0, toSpaceEnd.userEnd().length);
    }

    @Test
    void shouldLookUpWithoutAllocating() {
        final RegionCache cache = new RegionCache();
        for (int i = 0; i < 64; i++) {
            cache.put(region(i + 1, i == 0 ? "" : "r" + (char)('0' + i), i == 63 ? "" : "r" + (char)('0' + i + 1), 2));
        }
        final byte[] key = raw("A-key");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        long sum = 0;
        for (int i = 0; i < 100_000; i++) {
            sum += cache.findRaw(key).regionId();
        }
        final long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sum += cache.findRaw(key).regionId();
        }
        final long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(sum > 0);
        assertTrue(allocated < 4096, "a lookup allocates nothing, measured " + allocated + " bytes for 100k");
    }

    private static RegionInfo region(final long id, final String start, final String end, final long version) {
        return new RegionInfo(id, stored(start), stored(end), 1, version, 0, List.of());
    }

    private static byte[] stored(final String key) {
        return key.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] raw(final String key) {
        return key.getBytes(StandardCharsets.ISO_8859_1);
    }
}
