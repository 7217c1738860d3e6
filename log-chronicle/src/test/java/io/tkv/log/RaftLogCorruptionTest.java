package io.tkv.log;

import static io.tkv.log.LogTesting.append;
import static io.tkv.log.LogTesting.assertEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages the queue's files between a close (or what a crash leaves) and an open, as a crash, bit rot or a lost
 * write would, and checks recovery's rule ({@link LogRecovery}): a torn tail is cut and every complete record before
 * it kept; damage that a later record proves was synced makes the log refuse to open, saying where and how to
 * recover, and leaves the files as they are.
 */
class RaftLogCorruptionTest {
    /** Chronicle's header bits: the length is in the low 30 bits of a little-endian int before the document. */
    private static final int NOT_COMPLETE_BIT_IN_TOP_BYTE = 0x80;
    private static final int METADATA_BIT_IN_TOP_BYTE = 0x40;
    private static final int PAGE_BYTES = 4096;
    private static final int SECTOR_BYTES = 512;

    @TempDir
    Path dir;

    // Torn tails: recovered, every complete record kept.

    @Test
    void shouldKeepEveryRecordAfterACrashThatToreNothing() throws IOException {
        writeSyncedThenUnsynced(20);

        try (RaftLog log = open()) {
            assertEquals(-1, log.stats().recoveryCutIndex(), "the zeros after the last record are not damage");
            assertEntries(log, 1, 20, 1);
            assertEntries(log, 2, 20, 1);
            assertEquals(new LogHardState(1, 1, 10), log.hardState(1));
        }
    }

    @Test
    void shouldCutATornLastRecordAndKeepEveryCompleteRecord() throws IOException {
        writeSyncedThenUnsynced(20);
        final LogTesting.Hit last = LogTesting.findEntryRecord(dir, 2, 20, 1);
        LogTesting.flipByte(last.file(), last.offset() + 30);

        try (RaftLog log = open()) {
            assertTrue(log.stats().recoveryCutIndex() >= 0, "recovery cut the log");
            assertEntries(log, 1, 20, 1);
            assertEquals(19, log.lastIndex(2), "the torn record is not used");
            assertEntries(log, 2, 19, 1);
            assertEquals(new LogHardState(1, 1, 10), log.hardState(1));
            for (long index = 20; index <= 25; index++) {
                append(log, 2, index, 2);
            }
            log.sync();
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            try (RaftLog log = open()) {
                assertEquals(-1, log.stats().recoveryCutIndex(), "the bad bytes are void now, not a new cut");
                assertEquals(25, log.lastIndex(2), "appends after the cut survive reopen " + reopen);
                assertEntry(log, 2, 19, 1);
                for (long index = 20; index <= 25; index++) {
                    assertEntry(log, 2, index, 2);
                }
                assertEntry(log, 1, 20, 1);
            }
        }
    }

    @Test
    void shouldCutWhereAnOsCrashLostAPageOfTheUnsyncedTailThoughIntactRecordsFollowIt() throws IOException {
        writeSyncedThenUnsynced(60);
        // The page holding entry 30 of region 1 was never written back; the pages after it were.
        final LogTesting.Hit lost = LogTesting.findEntryRecord(dir, 1, 30, 1);
        final long pageStart = lost.offset() / PAGE_BYTES * PAGE_BYTES;
        assertTrue(LogTesting.findEntryRecord(dir, 1, 11, 1).offset() < pageStart
            && pageStart + PAGE_BYTES < LogTesting.findEntryRecord(dir, 2, 60, 1).offset(),
            "the lost page lies inside the unsynced batch, with records after it");
        final List<LogTesting.RawRecord> records = LogTesting.rawRecords(lost.file());
        LogTesting.zero(lost.file(), pageStart, pageStart + PAGE_BYTES);

        try (RaftLog log = open()) {
            for (long region = 1; region <= 2; region++) {
                final long intact = lastEntryEndingBefore(records, region, pageStart);
                assertTrue(intact >= 10 && intact < 30, "region " + region + " keeps up to " + intact);
                assertEntries(log, region, intact, 1);
                assertEquals(intact, log.lastIndex(region), "nothing at or after the lost page is used");
            }
            append(log, 1, log.lastIndex(1) + 1, 2);
            log.sync();
        }
        try (RaftLog log = open()) {
            assertEquals(-1, log.stats().recoveryCutIndex());
            assertEntry(log, 1, log.lastIndex(1), 2);
        }
    }

    @Test
    void shouldCutAStaleHalfPageOfTheUnsyncedTail() throws IOException {
        writeSyncedThenUnsynced(60);
        // A page written back while entry 30 was half written, and not again: the rest of that page reads zero.
        final LogTesting.Hit torn = LogTesting.findEntryRecord(dir, 1, 30, 1);
        final long writtenUpTo = torn.offset() + 20;
        LogTesting.zero(torn.file(), writtenUpTo, (writtenUpTo / PAGE_BYTES + 1) * PAGE_BYTES);

        try (RaftLog log = open()) {
            assertEntries(log, 1, 29, 1);
            assertEquals(29, log.lastIndex(1));
            assertEquals(29, log.lastIndex(2), "nothing written after the torn record is used");
        }
    }

    @Test
    void shouldCutARecordThatLostAPageThoughChronicleReadsTheRecordsAfterIt() throws IOException {
        final byte[] big = new byte[3 * PAGE_BYTES];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        try (RaftLog log = open()) {
            appendBoth(log, 1, 10, 1);
            log.sync();
            log.append(1, 11, 1, 0, new UnsafeBuffer(big), 0, big.length);
            for (long index = 11; index <= 20; index++) {
                append(log, 2, index, 1);
                append(log, 1, index + 1, 1);
            }
        }
        LogTesting.dropCloseRecord(dir);
        // A page inside the big entry's body is lost; its header and the records after it are intact.
        final LogTesting.Hit bigEntry = LogTesting.findEntryRecord(dir, 1, 11, 1);
        final long pageStart = (bigEntry.offset() / PAGE_BYTES + 1) * PAGE_BYTES;
        LogTesting.zero(bigEntry.file(), pageStart, pageStart + PAGE_BYTES);

        try (RaftLog log = open()) {
            assertTrue(log.stats().recoveryCutIndex() >= 0, "Chronicle read the damaged record and cut there");
            assertEquals(10, log.lastIndex(1));
            assertEquals(10, log.lastIndex(2), "the intact records after it were never synced: a torn tail");
            assertEntries(log, 2, 10, 1);
        }
    }

    @Test
    void shouldTakeDamageFollowedOnlyByItsOwnUnsyncedBatchForATornTail() throws IOException {
        writeSyncedThenUnsynced(20);
        // Not what a crash does to bytes, but nothing written after a sync covered it says it was durable: the
        // records after it could be what an OS crash left of the batch, so this is the one case cut like a tail.
        final LogTesting.Hit first = LogTesting.findEntryRecord(dir, 1, 11, 1);
        LogTesting.flipByte(first.file(), first.offset() + 30);

        try (RaftLog log = open()) {
            assertEntries(log, 1, 10, 1);
            assertEquals(10, log.lastIndex(1));
            assertEquals(10, log.lastIndex(2));
            assertEquals(new LogHardState(1, 1, 10), log.hardState(1));
        }
    }

    @Test
    void shouldCutAnyDamageOfALogThatNeverSyncs() throws IOException {
        final RaftLogConfig config = LogTesting.config(dir).syncOnSync(false);
        try (RaftLog log = RaftLog.open(config)) {
            appendBoth(log, 1, 10, 1);
            log.sync();
            appendBoth(log, 11, 20, 1);
            log.sync();
        }
        // Its records never say a sync made anything durable: it promised nothing to lose.
        final LogTesting.RawRecord bad = rawEntry(1, 5);
        LogTesting.flipByte(bad.file(), bad.position() + 4 + 30);

        try (RaftLog log = RaftLog.open(config)) {
            assertTrue(log.stats().recoveryCutIndex() >= 0);
            assertEquals(4, log.lastIndex(1));
            assertEquals(4, log.lastIndex(2));
        }
    }

    // Damage in the middle: refused, files left alone.

    @Test
    void shouldRefuseToOpenWhenSyncedEntriesAndAVoteFollowACorruptRecord() throws IOException {
        try (RaftLog log = open()) {
            appendBoth(log, 1, 10, 1);
            log.saveHardState(1, 1, 1, 10);
            log.sync();
            appendBoth(log, 11, 20, 1);
            log.saveHardState(1, 2, 2, 20);
            log.sync();
        }
        // A crash after the last sync: no CLOSE record vouches for anything, the synced records after the damage do.
        LogTesting.dropCloseRecord(dir);
        final LogTesting.RawRecord bad = rawEntry(1, 5);
        LogTesting.flipByte(bad.file(), bad.position() + 4 + 30);

        final String message = assertRefused();
        assertTrue(message.contains("at byte " + bad.position() + " of cycle file " + bad.file().getFileName()),
            message);
        assertTrue(message.contains("queue index " + Long.toHexString(queueIndex(bad))), message);
        assertTrue(message.contains("was written after a sync had made every record up to number"), message);
    }

    @Test
    void shouldRefuseACorruptRecordOfACleanlyClosedLogEvenItsLast() throws IOException {
        writeTwoRegions(20);
        // The last record before the CLOSE: the hard state, written in the same batch as everything else.
        final List<LogTesting.RawRecord> records = LogTesting.rawRecords(LogTesting.cycleFiles(dir).get(0));
        final LogTesting.RawRecord hardState = records.get(records.size() - 2);
        assertEquals(RecordKind.HARD_STATE, hardState.kind());
        LogTesting.flipByte(hardState.file(), hardState.position() + 4 + RecordCodec.B_OFFSET);

        final String message = assertRefused();
        assertTrue(message.contains("the CLOSE record at byte"), "the clean close vouches for its batch: " + message);
    }

    @Test
    void shouldRefuseWhenAChronicleHeaderInTheMiddleLooksUnfinished() throws IOException {
        writeTwoRegions(20);
        final LogTesting.RawRecord middle = rawEntry(1, 10);
        // Chronicle stops reading at such a header; the records after it are invisible to it, not to recovery.
        LogTesting.flipBits(middle.file(), middle.position() + 3, NOT_COMPLETE_BIT_IN_TOP_BYTE);

        final String message = assertRefused();
        assertTrue(message.contains("at or after byte " + middle.position()), message);
    }

    @Test
    void shouldRefuseWhenARecordTurnedIntoChronicleMetadata() throws IOException {
        writeTwoRegions(20);
        final LogTesting.RawRecord middle = rawEntry(1, 10);
        // Chronicle skips metadata documents silently: the record sequence shows one went missing.
        LogTesting.flipBits(middle.file(), middle.position() + 3, METADATA_BIT_IN_TOP_BYTE);

        final String message = assertRefused();
        assertTrue(message.contains("missing records"), message);
    }

    @Test
    void shouldRefuseZerosOverSyncedRecords() throws IOException {
        writeSyncedThenUnsynced(20);
        // A sector that reads zero, as a lost write leaves it: not a torn tail, since a sync had covered it.
        final LogTesting.RawRecord entry = rawEntry(1, 5);
        final long sector = entry.position() / SECTOR_BYTES * SECTOR_BYTES;
        assertTrue(sector > rawEntry(1, 1).position() && sector + SECTOR_BYTES < rawEntry(2, 10).position(),
            "the sector lies inside the synced batch");
        LogTesting.zero(entry.file(), sector, sector + SECTOR_BYTES);

        assertRefused();
    }

    @Test
    void shouldRefuseDamageInAnOlderCycleFileThoughItIsThatFilesLastRecord() throws IOException {
        final RaftLogConfig config = LogTesting.config(dir).maxCycleFileBytes(8 * 1024);
        try (RaftLog log = RaftLog.open(config)) {
            for (long index = 1; index <= 200; index++) {
                append(log, 1, index, 1);
                if (index % 10 == 0) {
                    log.sync();
                }
            }
        }
        LogTesting.dropCloseRecord(dir);
        final List<Path> files = LogTesting.cycleFiles(dir);
        assertTrue(files.size() >= 3, "the log rolled: " + files);
        final List<LogTesting.RawRecord> first = LogTesting.rawRecords(files.get(0));
        final LogTesting.RawRecord last = first.get(first.size() - 1);
        assertEquals(RecordKind.ENTRY, last.kind());
        LogTesting.flipByte(last.file(), last.position() + 4 + 30);

        final RaftLogException refused = assertThrows(RaftLogException.class, () -> RaftLog.open(config).close());
        final String message = refused.getMessage();
        assertTrue(message.contains("of cycle file " + files.get(0).getFileName()), message);
        assertTrue(message.contains("the CHECKPOINT record at byte")
            && message.contains(" of cycle file " + files.get(1).getFileName() + " (record number"),
            "the next cycle file started after a sync of this one: " + message);
    }

    @Test
    void shouldRefuseDamageToRecordsARecoveryUsedAndSynced() throws IOException {
        // The first process never synced entries 11..20; the open after its crash used them, synced them, and its
        // OPEN record says so.
        writeSyncedThenUnsynced(20);
        try (RaftLog log = open()) {
            assertEquals(20, log.lastIndex(2));
        }
        LogTesting.dropCloseRecord(dir);
        final LogTesting.RawRecord entry = rawEntry(2, 15);
        LogTesting.flipByte(entry.file(), entry.position() + 4 + 30);

        final String message = assertRefused();
        assertTrue(message.contains("the OPEN record at byte"), message);
    }

    @Test
    void shouldHonourAnOlderCutAndRefuseLaterDamageBeforeIt() throws IOException {
        writeSyncedThenUnsynced(20);
        final LogTesting.Hit torn = LogTesting.findEntryRecord(dir, 1, 15, 1);
        LogTesting.flipByte(torn.file(), torn.offset() + 20);
        try (RaftLog log = open()) {
            assertEquals(14, log.lastIndex(1));
            assertEquals(14, log.lastIndex(2));
            append(log, 1, 15, 4);
            log.sync();
        }
        try (RaftLog log = open()) {
            assertEquals(-1, log.stats().recoveryCutIndex(), "the torn bytes are void, and so is what followed them");
            assertEntry(log, 1, 15, 4);
            assertEquals(14, log.lastIndex(2));
        }
        // Damage before the old cut, to records the entries after the cut were written on.
        final LogTesting.RawRecord early = rawEntry(2, 5);
        LogTesting.flipByte(early.file(), early.position() + 4 + 20);

        assertRefused();
    }

    @Test
    void shouldRefuseWhenTheFirstRecordOfTheLogIsDamaged() throws IOException {
        writeTwoRegions(5);
        final LogTesting.RawRecord open = LogTesting.rawRecords(LogTesting.cycleFiles(dir).get(0)).get(0);
        assertEquals(RecordKind.OPEN, open.kind());
        LogTesting.flipByte(open.file(), open.position() + 4 + RecordCodec.B_OFFSET);

        assertRefused();
    }

    @Test
    void shouldNotCutWhereOnlyTheEndOfCycleMarkerIsMissing() throws IOException {
        final RaftLogConfig config = LogTesting.config(dir).maxCycleFileBytes(8 * 1024);
        try (RaftLog log = RaftLog.open(config)) {
            for (long index = 1; index <= 200; index++) {
                append(log, 1, index, 1);
                if (index % 10 == 0) {
                    log.sync();
                }
            }
        }
        // The last entry of the first cycle file, then Chronicle's end-of-file header right after it.
        final Path first = LogTesting.cycleFiles(dir).get(0);
        final List<LogTesting.RawRecord> records = LogTesting.rawRecords(first);
        final LogTesting.RawRecord last = records.get(records.size() - 1);
        assertTrue(last.kind() == RecordKind.ENTRY && last.a() < 200, "the log rolled after entry " + last.a());
        final long endOfCycle = (last.end() + 3) & ~3;
        assertTrue(LogTesting.readInt(first, endOfCycle) != 0, "an end-of-file marker follows the last record");
        // An OS crash can lose that page while the next cycle's records, synced later, survive.
        LogTesting.writeInt(first, endOfCycle, 0);

        try (RaftLog log = RaftLog.open(config)) {
            assertEquals(-1, log.stats().recoveryCutIndex(), "the record sequence shows nothing was lost");
            assertEquals(200, log.lastIndex(1));
            for (long index = 1; index <= 200; index++) {
                assertEntry(log, 1, index, 1);
            }
        }
    }

    private RaftLog open() {
        return RaftLog.open(LogTesting.config(dir));
    }

    /**
     * Opens the log twice, expecting a refusal each time that says how to recover and changes no cycle file.
     *
     * @return the refusal's message.
     */
    private String assertRefused() throws IOException {
        final Map<String, byte[]> before = LogTesting.cycleFileBytes(dir);
        String message = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            final RaftLogException refused = assertThrows(RaftLogException.class, () -> open().close());
            message = refused.getMessage();
            assertTrue(message.contains("is damaged in the middle, not torn at its tail"), message);
            assertTrue(message.contains("delete its data") && message.contains("rejoins its regions by snapshot"),
                "the message says how to recover: " + message);
            final Map<String, byte[]> after = LogTesting.cycleFileBytes(dir);
            assertEquals(before.keySet(), after.keySet(), "a refused open creates no cycle file");
            for (final Map.Entry<String, byte[]> file : before.entrySet()) {
                assertArrayEquals(file.getValue(), after.get(file.getKey()), file.getKey() + " is left as it was");
            }
        }
        return message;
    }

    /**
     * Batch 1: regions 1 and 2 interleaved, entries 1..10 of term 1 and region 1's hard state (1, 1, 10), synced.
     * Batch 2: entries 11..{@code to}, written but not synced. Then what a process killed at that point leaves.
     */
    private void writeSyncedThenUnsynced(final long to) throws IOException {
        try (RaftLog log = open()) {
            appendBoth(log, 1, 10, 1);
            log.saveHardState(1, 1, 1, 10);
            log.sync();
            appendBoth(log, 11, to, 1);
        }
        LogTesting.dropCloseRecord(dir);
    }

    /** Region 1 and 2 interleaved, entries 1..n of term 1 and a hard state, in one batch, synced and closed. */
    private void writeTwoRegions(final long n) {
        try (RaftLog log = open()) {
            appendBoth(log, 1, n, 1);
            log.saveHardState(1, 1, 1, n);
            log.sync();
        }
    }

    private static void appendBoth(final RaftLog log, final long from, final long to, final long term) {
        for (long index = from; index <= to; index++) {
            append(log, 1, index, term);
            append(log, 2, index, term);
        }
    }

    private static void assertEntries(final RaftLog log, final long region, final long to, final long term) {
        assertTrue(log.lastIndex(region) >= to, "region " + region + " holds up to " + log.lastIndex(region));
        for (long index = 1; index <= to; index++) {
            assertEntry(log, region, index, term);
        }
    }

    /** The entry record of (region, index) in the oldest cycle file, found by walking its records. */
    private LogTesting.RawRecord rawEntry(final long region, final long index) throws IOException {
        for (final LogTesting.RawRecord record : LogTesting.rawRecords(LogTesting.cycleFiles(dir).get(0))) {
            if (record.kind() == RecordKind.ENTRY && record.regionId() == region && record.a() == index) {
                return record;
            }
        }
        throw new AssertionError("no entry " + index + " of region " + region);
    }

    private static long queueIndex(final LogTesting.RawRecord record) {
        return (long) LogQueue.FIRST_CYCLE << 32 | record.ordinal();
    }

    private static long lastEntryEndingBefore(
        final List<LogTesting.RawRecord> records, final long region, final long position) {
        long last = 0;
        for (final LogTesting.RawRecord record : records) {
            if (record.kind() == RecordKind.ENTRY && record.regionId() == region && record.end() <= position) {
                last = Math.max(last, record.a());
            }
        }
        return last;
    }
}
