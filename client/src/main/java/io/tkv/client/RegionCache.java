package io.tkv.client;

import io.tkv.codec.keys.KeySpace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which region holds a key, as the client last heard (TiKV's region cache): entries sorted by start key, never
 * overlapping. Lookups read one volatile array and binary-search it, allocation-free, from any thread; updates copy
 * the array under a lock (the cold path: a miss, a split, a refusal).
 *
 * <p>What moves it: a region a store or PD describes replaces every entry it overlaps unless one of them is newer
 * (a higher epoch version: the newcomer is the stale one, and is dropped); a region a store no longer knows is
 * dropped, so the next request locates it again; NOT_LEADER moves an entry's leader in place.
 */
final class RegionCache {
    private static final CachedRegion[] NONE = new CachedRegion[0];

    private final Object lock = new Object();
    private volatile CachedRegion[] regions = NONE;

    /** @return the entry holding the RawKV user key, or null on a miss. Allocation-free; any thread. */
    CachedRegion findRaw(final byte[] userKey) {
        final CachedRegion[] sorted = regions;
        int low = 0;
        int high = sorted.length - 1;
        CachedRegion floor = null;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            final CachedRegion region = sorted[mid];
            if (RawKeys.compare(userKey, region.start()) >= 0) {
                floor = region;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return floor != null && floor.containsRaw(userKey) ? floor : null;
    }

    /** @return the entry holding the stored key, or null on a miss. Allocation-free; any thread. */
    CachedRegion findStored(final byte[] storedKey) {
        final CachedRegion[] sorted = regions;
        int low = 0;
        int high = sorted.length - 1;
        CachedRegion floor = null;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            final CachedRegion region = sorted[mid];
            if (Arrays.compareUnsigned(storedKey, region.start()) >= 0) {
                floor = region;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return floor != null && floor.containsStored(storedKey) ? floor : null;
    }

    /**
     * @param userEnd exclusive RawKV end, empty for the end of the raw space.
     * @return the entry holding the keys just below {@code userEnd} (a reverse scan's next region), or null.
     */
    CachedRegion findBeforeRaw(final byte[] userEnd) {
        final CachedRegion[] sorted = regions;
        for (int i = sorted.length - 1; i >= 0; i--) {
            final CachedRegion region = sorted[i];
            if (startsBelow(region, userEnd)) {
                final byte[] end = region.end();
                final boolean holdsRaw = end.length == 0 || RawKeys.compare(RawKeys.EMPTY, end) < 0;
                final byte[] rawEnd = region.userEnd();
                final boolean reaches = rawEnd.length == 0
                    || userEnd.length != 0 && Arrays.compareUnsigned(rawEnd, userEnd) >= 0;
                return holdsRaw && reaches ? region : null;
            }
        }
        return null;
    }

    private static boolean startsBelow(final CachedRegion region, final byte[] userEnd) {
        final byte[] start = region.start();
        if (userEnd.length == 0) {
            // Below the end of the raw space: the start sorts before 's'.
            return start.length == 0 || (start[0] & 0xFF) <= (KeySpace.RAW & 0xFF);
        }
        return RawKeys.compare(userEnd, start) > 0;
    }

    /**
     * @return whether the cache holds a newer view of the region's range than {@code info}: an entry it overlaps has a
     *     higher epoch version (a store's refusal told of a split PD or a lagging store has not seen yet), so
     *     {@link #put} would drop it. Any thread.
     */
    boolean isOlderThanCached(final RegionInfo info) {
        final CachedRegion probe = new CachedRegion(info);
        for (final CachedRegion region : regions) {
            if (region.overlaps(probe) && region.version() > probe.version()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Learns a region: replaces the entries it overlaps, unless one of them is newer.
     *
     * @return the entry now holding the region's range (an equal one kept, with the new leader if any), or null
     *     if the region was older than what the cache holds.
     */
    CachedRegion put(final RegionInfo info) {
        final CachedRegion incoming = new CachedRegion(info);
        synchronized (lock) {
            final CachedRegion[] sorted = regions;
            final List<CachedRegion> kept = new ArrayList<>(sorted.length + 1);
            for (final CachedRegion region : sorted) {
                if (!region.overlaps(incoming)) {
                    kept.add(region);
                } else if (region.sameAs(incoming)) {
                    if (info.leaderStoreId() > 0 && info.leaderStoreId() != region.leaderStoreId()) {
                        region.leader(info.leaderStoreId(), null);
                    }
                    return region;
                } else if (region.version() > incoming.version()) {
                    return null;
                }
            }
            for (final CachedRegion region : sorted) {
                if (region.overlaps(incoming)) {
                    region.markStale();
                }
            }
            kept.add(incoming);
            kept.sort((a, b) -> Arrays.compareUnsigned(a.start(), b.start()));
            regions = kept.toArray(NONE);
            return incoming;
        }
    }

    /** Learns every region of a list (a refusal's, a locate's). */
    void putAll(final List<RegionInfo> infos) {
        for (final RegionInfo info : infos) {
            put(info);
        }
    }

    /** Drops an entry (its region is gone from where it was, or changed in a way the cache did not hear). */
    void invalidate(final CachedRegion stale) {
        synchronized (lock) {
            final CachedRegion[] sorted = regions;
            for (int i = 0; i < sorted.length; i++) {
                if (sorted[i] == stale) {
                    final CachedRegion[] next = new CachedRegion[sorted.length - 1];
                    System.arraycopy(sorted, 0, next, 0, i);
                    System.arraycopy(sorted, i + 1, next, i, sorted.length - i - 1);
                    regions = next;
                    break;
                }
            }
            stale.markStale();
        }
    }

    /** Drops every entry: each range is located again when next used. */
    void clear() {
        synchronized (lock) {
            final CachedRegion[] sorted = regions;
            regions = NONE;
            for (final CachedRegion region : sorted) {
                region.markStale();
            }
        }
    }

    /** @return the entries, by start key (tests, diagnostics). */
    List<CachedRegion> snapshot() {
        return List.of(regions);
    }

    int size() {
        return regions.length;
    }
}
