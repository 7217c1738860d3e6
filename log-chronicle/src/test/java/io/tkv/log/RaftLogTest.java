package io.tkv.log;

import static io.tkv.log.LogTesting.append;
import static io.tkv.log.LogTesting.assertEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftLogTest {
    @TempDir
    Path dir;

    @Test
    void shouldAppendAndReadInterleavedRegions() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long index = 1; index <= 50; index++) {
                for (long region = 1; region <= 3; region++) {
                    append(log, region, index, 1 + index / 20);
                }
            }
            log.sync();

            for (long region = 1; region <= 3; region++) {
                assertEquals(1, log.firstIndex(region));
                assertEquals(50, log.lastIndex(region));
                for (long index = 1; index <= 50; index++) {
                    assertEntry(log, region, index, 1 + index / 20);
                }
                assertFalse(log.read(region, 51, LogTesting.collector(new ArrayList<>())));
                assertEquals(-1, log.term(region, 51));
                assertEquals(0, log.term(region, 0));
            }
            assertArrayEquals(new long[] {1, 2, 3}, log.regions());
            assertEquals(150, log.stats().entries());
        }
    }

    @Test
    void shouldAnswerForUnknownRegions() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(1, log.firstIndex(9));
            assertEquals(0, log.lastIndex(9));
            assertEquals(0, log.term(9, 0));
            assertEquals(-1, log.term(9, 1));
            assertEquals(LogHardState.EMPTY, log.hardState(9));
            assertFalse(log.read(9, 1, LogTesting.collector(new ArrayList<>())));
            assertEquals(0, log.readRange(9, 1, 10, 1000, LogTesting.collector(new ArrayList<>())));
            assertEquals(0, log.regions().length);
        }
    }

    @Test
    void shouldReadRangesUpToMaxBytesButAtLeastOneEntry() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long index = 1; index <= 30; index++) {
                append(log, 1, index, 2);
                append(log, 2, index, 2);
            }
            final List<LogTesting.Entry> all = new ArrayList<>();
            assertEquals(20, log.readRange(1, 5, 25, Integer.MAX_VALUE, LogTesting.collector(all)));
            for (int i = 0; i < 20; i++) {
                assertEquals(5 + i, all.get(i).index());
                assertArrayEquals(LogTesting.payload(1, 5 + i, 2), all.get(i).payload());
            }

            final int firstThree = LogTesting.payloadLength(1, 5, 2) + LogTesting.payloadLength(1, 6, 2)
                + LogTesting.payloadLength(1, 7, 2);
            final List<LogTesting.Entry> limited = new ArrayList<>();
            assertEquals(3, log.readRange(1, 5, 25, firstThree, LogTesting.collector(limited)));
            assertEquals(7, limited.get(2).index());
            final List<LogTesting.Entry> tooSmall = new ArrayList<>();
            assertEquals(1, log.readRange(1, 5, 25, 0, LogTesting.collector(tooSmall)), "at least one entry");

            final List<LogTesting.Entry> clipped = new ArrayList<>();
            assertEquals(3, log.readRange(2, 28, 100, Integer.MAX_VALUE, LogTesting.collector(clipped)));
            assertEquals(30, clipped.get(2).index());
            assertEquals(0, log.readRange(2, 31, 100, Integer.MAX_VALUE, LogTesting.collector(clipped)));
        }
    }

    @Test
    void shouldRejectGapsAndCompactedIndexesWithoutWriting() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            assertThrows(IllegalArgumentException.class, () -> log.append(1, 2, 1, 0, payload, 0, 8), "gap");
            append(log, 1, 1, 1);
            append(log, 1, 2, 1);
            log.compact(1, 1, 1);
            final long written = log.stats().recordsWritten();

            assertThrows(IllegalArgumentException.class, () -> log.append(1, 1, 1, 0, payload, 0, 8), "compacted");
            assertThrows(IllegalArgumentException.class, () -> log.append(1, 4, 1, 0, payload, 0, 8), "gap");
            assertThrows(IllegalArgumentException.class, () -> log.append(1, 3, -1, 0, payload, 0, 8), "term");
            final int tooLarge = log.config().maxPayloadBytes() + 1;
            final UnsafeBuffer large = new UnsafeBuffer(new byte[tooLarge]);
            assertThrows(IllegalArgumentException.class, () -> log.append(1, 3, 1, 0, large, 0, tooLarge));
            assertThrows(IllegalArgumentException.class, () -> log.truncateSuffix(1, 1), "compacted");

            assertEquals(written, log.stats().recordsWritten());
            assertEquals(2, log.lastIndex(1));
            final UnsafeBuffer largest = new UnsafeBuffer(new byte[tooLarge - 1]);
            log.append(1, 3, 1, 0, largest, 0, tooLarge - 1);
            assertEquals(3, log.lastIndex(1));
        }
    }

    @Test
    void shouldOverwriteASuffixAndKeepTheOverrideAfterReopen() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long index = 1; index <= 10; index++) {
                append(log, 1, index, 1);
                append(log, 2, index, 1);
            }
            // A new leader's entries replace 6..10 with 6..8 of term 2.
            append(log, 1, 6, 2);
            append(log, 1, 7, 2);
            append(log, 1, 8, 2);
            assertEquals(8, log.lastIndex(1));
            assertEquals(-1, log.term(1, 9));
            log.sync();
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(8, log.lastIndex(1));
            for (long index = 1; index <= 8; index++) {
                assertEntry(log, 1, index, index <= 5 ? 1 : 2);
            }
            assertFalse(log.read(1, 9, LogTesting.collector(new ArrayList<>())));
            assertEquals(10, log.lastIndex(2));
            assertEntry(log, 2, 10, 1);
        }
    }

    @Test
    void shouldTruncateASuffixAndKeepItTruncatedAfterReopen() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long index = 1; index <= 10; index++) {
                append(log, 1, index, 1);
            }
            log.truncateSuffix(1, 4);
            log.truncateSuffix(1, 20);
            assertEquals(3, log.lastIndex(1));
            append(log, 1, 4, 3);
            log.sync();
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(4, log.lastIndex(1));
            assertEntry(log, 1, 3, 1);
            assertEntry(log, 1, 4, 3);
            log.truncateSuffix(1, 1);
            assertEquals(0, log.lastIndex(1));
            log.sync();
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(0, log.lastIndex(1));
            assertEquals(1, log.firstIndex(1));
            append(log, 1, 1, 5);
            assertEntry(log, 1, 1, 5);
        }
    }

    @Test
    void shouldKeepTheLatestHardStatePerRegionAcrossReopen() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            log.saveHardState(1, 1, 0, 0);
            log.saveHardState(2, 5, 3, 9);
            log.saveHardState(1, 2, 7, 4);
            final long written = log.stats().recordsWritten();
            log.saveHardState(1, 2, 7, 4);
            assertEquals(written, log.stats().recordsWritten(), "an unchanged hard state writes nothing");
            assertEquals(new LogHardState(2, 7, 4), log.hardState(1));
            log.sync();
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(new LogHardState(2, 7, 4), log.hardState(1));
            assertEquals(new LogHardState(5, 3, 9), log.hardState(2));
            assertArrayEquals(new long[] {1, 2}, log.regions());
            log.saveHardState(2, 6, 0, 9);
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(new LogHardState(6, 0, 9), log.hardState(2), "close syncs what was written");
        }
    }

    @Test
    void shouldCompactAndAnswerTheSnapshotTerm() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long index = 1; index <= 20; index++) {
                append(log, 1, index, 1 + index / 10);
            }
            log.compact(1, 12, 2);
            assertEquals(13, log.firstIndex(1));
            assertEquals(20, log.lastIndex(1));
            assertEquals(2, log.term(1, 12));
            assertEquals(-1, log.term(1, 11));
            assertFalse(log.read(1, 12, LogTesting.collector(new ArrayList<>())));
            assertEquals(0, log.readRange(1, 5, 15, 1000, LogTesting.collector(new ArrayList<>())));
            log.compact(1, 5, 1);
            assertEquals(13, log.firstIndex(1), "an older snapshot changes nothing");

            // A snapshot from the leader beyond the log empties it.
            log.compact(2, 100, 7);
            assertEquals(101, log.firstIndex(2));
            assertEquals(100, log.lastIndex(2));
            assertEquals(7, log.term(2, 100));
            append(log, 2, 101, 7);
            log.sync();
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(13, log.firstIndex(1));
            assertEquals(2, log.term(1, 12));
            for (long index = 13; index <= 20; index++) {
                assertEntry(log, 1, index, 1 + index / 10);
            }
            assertEquals(101, log.lastIndex(2));
            assertEquals(7, log.term(2, 100));
            assertEntry(log, 2, 101, 7);
        }
    }

    @Test
    void shouldDropTheLogWhenASnapshotDisagreesWithIt() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            for (long index = 1; index <= 10; index++) {
                append(log, 1, index, 1);
            }
            log.compact(1, 6, 3);
            assertEquals(6, log.lastIndex(1));
            assertEquals(3, log.term(1, 6));
            assertEquals(-1, log.term(1, 7));
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertEquals(7, log.firstIndex(1));
            assertEquals(6, log.lastIndex(1));
            assertEquals(3, log.term(1, 6));
        }
    }

    @Test
    void shouldForgetARemovedRegion() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            append(log, 1, 1, 1);
            append(log, 2, 1, 1);
            log.saveHardState(2, 1, 1, 1);
            log.removeRegion(2);
            log.removeRegion(3);
            assertEquals(0, log.lastIndex(2));
            assertEquals(LogHardState.EMPTY, log.hardState(2));
            assertArrayEquals(new long[] {1}, log.regions());
        }
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            assertArrayEquals(new long[] {1}, log.regions());
            assertEquals(0, log.lastIndex(2));
            append(log, 2, 1, 4);
            assertEntry(log, 2, 1, 4);
        }
    }

    @Test
    void shouldSyncOnlyWhenSomethingWasWritten() {
        try (RaftLog log = RaftLog.open(LogTesting.config(dir))) {
            final long syncs = log.stats().syncs();
            log.sync();
            assertEquals(syncs, log.stats().syncs(), "nothing written: no sync");
            append(log, 1, 1, 1);
            append(log, 2, 1, 1);
            log.saveHardState(1, 1, 1, 1);
            log.sync();
            assertEquals(syncs + 1, log.stats().syncs(), "one sync for all regions");
            assertTrue(log.stats().lastSyncNs() > 0);
            log.sync();
            assertEquals(syncs + 1, log.stats().syncs());
        }
    }

    @Test
    void shouldRefuseUseAfterClose() {
        final RaftLog log = RaftLog.open(LogTesting.config(dir));
        log.close();
        log.close();
        assertThrows(IllegalStateException.class, () -> append(log, 1, 1, 1));
        assertThrows(IllegalStateException.class, log::sync);
    }

    @Test
    void shouldValidateTheConfig() {
        assertThrows(IllegalArgumentException.class, () -> new RaftLogConfig().conclude());
        assertThrows(IllegalArgumentException.class, () -> LogTesting.config(dir).blockSizeBytes(1000).conclude());
        assertThrows(IllegalArgumentException.class, () -> LogTesting.config(dir).maxCycleFileBytes(10).conclude());
        assertThrows(IllegalArgumentException.class, () -> LogTesting.config(dir).hooks(null).conclude());
        final RaftLogConfig config = LogTesting.config(dir).conclude();
        assertEquals(LogTesting.TEST_BLOCK_BYTES / 4 - RecordCodec.ENTRY_OVERHEAD_BYTES, config.maxPayloadBytes());
    }
}
