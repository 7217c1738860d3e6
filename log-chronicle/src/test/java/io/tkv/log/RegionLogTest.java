package io.tkv.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegionLogTest {
    private final RegionLog region = new RegionLog(3);

    @Test
    void shouldStartEmptyAtIndexZero() {
        assertEquals(1, region.firstIndex());
        assertEquals(0, region.lastIndex());
        assertEquals(0, region.term(0));
        assertEquals(-1, region.term(1));
        assertEquals(-1, region.firstQueueIndex());
    }

    @Test
    void shouldAppendOverwriteAndTruncate() {
        for (long i = 1; i <= 10; i++) {
            region.append(i, 1, 100 + i);
        }
        region.append(6, 2, 500);

        assertEquals(6, region.lastIndex());
        assertEquals(2, region.term(6));
        assertEquals(500, region.queueIndex(6));
        assertEquals(1, region.term(5));
        assertEquals(-1, region.term(7));

        region.truncateFrom(4);
        assertEquals(3, region.lastIndex());
        assertEquals(103, region.queueIndex(3));
        region.truncateFrom(1);
        assertEquals(0, region.lastIndex());
        assertEquals(0, region.entryCount());
    }

    @Test
    void shouldGrowAcrossTheRingsWrapPoint() {
        for (long i = 1; i <= 12; i++) {
            region.append(i, i, 1000 + i);
        }
        // The head moves to slot 10 of 16, so the next appends wrap before the ring grows.
        region.compact(10, 10, region.keepsSuffix(10, 10));
        for (long i = 13; i <= 100; i++) {
            region.append(i, i, 1000 + i);
        }

        assertEquals(11, region.firstIndex());
        assertEquals(100, region.lastIndex());
        for (long i = 11; i <= 100; i++) {
            assertEquals(i, region.term(i));
            assertEquals(1000 + i, region.queueIndex(i));
        }
        assertEquals(10, region.term(10));
        assertEquals(-1, region.term(9));
        assertEquals(1011, region.firstQueueIndex());
    }

    @Test
    void shouldKeepTheSuffixOnlyWhenTheSnapshotMatchesTheLog() {
        for (long i = 1; i <= 10; i++) {
            region.append(i, i <= 5 ? 1 : 2, i);
        }
        assertTrue(region.keepsSuffix(5, 1));
        assertFalse(region.keepsSuffix(5, 2), "a term mismatch means the log disagrees with the snapshot");
        assertFalse(region.keepsSuffix(10, 2), "nothing after the last index to keep");
        assertFalse(region.keepsSuffix(20, 2));

        region.compact(7, 3, region.keepsSuffix(7, 3));

        assertEquals(8, region.firstIndex());
        assertEquals(7, region.lastIndex());
        assertEquals(3, region.term(7));
        assertEquals(-1, region.firstQueueIndex());
    }

    @Test
    void shouldCompactPastTheLastIndex() {
        region.append(1, 1, 1);
        region.compact(50, 4, region.keepsSuffix(50, 4));

        assertEquals(51, region.firstIndex());
        assertEquals(50, region.lastIndex());
        assertEquals(4, region.term(50));
        region.append(51, 4, 77);
        assertEquals(77, region.firstQueueIndex());
    }

    @Test
    void shouldReportEntriesKnownOnlyFromACheckpointAsMissing() {
        region.restore(5, 2, 9);
        assertEquals(6, region.firstIndex());
        assertEquals(9, region.lastIndex());
        assertEquals(6, region.firstMissingIndex());

        region.append(8, 3, 40);
        assertEquals(6, region.firstMissingIndex());
        region.compact(7, 2, true);
        assertEquals(-1, region.firstMissingIndex());
        assertEquals(8, region.lastIndex());
        assertEquals(40, region.queueIndex(8));
    }
}
