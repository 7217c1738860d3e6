package io.tkv.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the log's state from its queue at open.
 * <p>
 * <b>Pass 1</b> reads the first record of every cycle file. Each open of the log writes an {@link RecordKind#OPEN}
 * record first in a fresh cycle, holding the queue index where the recovery before it stopped using records; so
 * every valid OPEN at queue index {@code o} with end {@code e} makes {@code [e, o)} a <i>void range</i>: records
 * in it were cut by an earlier recovery (a torn tail and whatever followed it; before version 2 records, also
 * corrupt records in the middle) and are never used, even though their bytes are still in the files.
 * <p>
 * <b>Pass 2</b> reads every record in queue order. Records in a void range are skipped. Every other record must
 * pass its checks (layout, CRC32C) and carry the sequence number after the last record used; the first one that
 * does not is the cut point: it and everything after it are not used. A cycle that ends early while a later cycle
 * exists (a header Chronicle cannot walk past, or just a missing end-of-file marker) is not a cut by itself: the
 * sequence number of the next record tells whether anything was lost there. Used records are applied in order:
 * entries override by (region, index), TRUNCATE/COMPACT/REMOVE_REGION change a region's log, the last HARD_STATE
 * wins, and a CHECKPOINT starts a region whose older records are in deleted cycle files.
 * <p>
 * <b>Torn tail or damage in the middle.</b> Cutting is only right for a <i>torn tail</i>: records no sync had
 * made durable, which a crash may leave half written ({@code kill -9}: Chronicle's header of the record being
 * written stays marked unfinished, and complete records before it survive in the page cache) or in any pattern of
 * lost pages (an OS crash: pages written since the last sync may be zeros, or older versions of themselves, in any
 * order — so intact records can follow a lost page). Damage to records a sync had covered (bit rot, a lost or
 * misdirected write, a bad sector) must not be cut: the records after it may be entries this store acknowledged
 * and votes it cast, and a store that forgets them can lose committed writes or vote twice in one term. Every
 * record says which records were durable when it was written (its sync lag, see {@link RecordCodec}), so after
 * pass 2 a third look, at the raw bytes after the last record used ({@link TailScan}, which also sees records
 * behind a header Chronicle stops at), decides:
 * <ul>
 *   <li>Some valid, in-sequence record there says the first record not used was durable when it was written: the
 *       damage is in the middle. The log refuses to open with a {@link RaftLogException} naming the cycle file,
 *       the byte position and queue index of the damage and the record that proves it; the store must be wiped and
 *       rejoin by snapshot, as nothing here can tell which records after the damage are still right.</li>
 *   <li>Otherwise the damage is a torn tail: only zeros, unfinished or damaged bytes follow, or intact records
 *       written before the sync that would have covered the damaged one (an OS crash's leftovers). The log is cut
 *       at it as described above.</li>
 * </ul>
 * The witness can be any later record: an intact record of a later cycle file always is one (a cycle file is only
 * started after a sync that covers the one before it: a roll follows a sync, and an open syncs the newest cycle
 * file before it writes to a new one), and a clean {@link RaftLog#close} writes a {@link RecordKind#CLOSE} record
 * after its last sync. So damage is taken for a torn tail only if no record written after its sync survives: in
 * the last batch a crashed process wrote, where the two cannot be told apart. The pre-allocated zeros after the
 * real end of a cycle file are never taken for damage: they hold no record. Records of layout version 1, written
 * before records said what was durable, prove nothing; such a log is cut as before.
 * <p>
 * Because the log then writes only to a fresh cycle, and its OPEN record voids everything from the cut point on,
 * the next recovery makes the same decision about the old bytes and uses the new records.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);
    /** The longest record any configuration writes: a quarter of the largest mapping chunk. */
    private static final int MAX_RECORD_BYTES = (int) (RaftLogConfig.MAX_BLOCK_SIZE_BYTES / 4);

    private final LogQueue queue;
    private final RecordCodec codec;
    private final ExpandableArrayBuffer buffer;
    private final Long2ObjectHashMap<RegionLog> regions = new Long2ObjectHashMap<>();
    /** Void ranges as pairs: from (inclusive), to (exclusive); sorted and merged after pass 1. */
    private final LongArrayList voidRanges = new LongArrayList();
    /** The first void range not wholly below the record being looked at: pass 2 reads in queue index order. */
    private int voidCursor;
    private long lastVoidQuery = Long.MIN_VALUE;
    private long lastUsedSeq = -1;
    private long lastUsedIndex = -1;
    private long cutIndex = -1;
    private String cutReason;
    private Damage cutDamage;
    private long recordsUsed;
    private long recordsSkipped;
    /** The cycle and end (byte offset past its last byte) of the last record used, -1 before the first. */
    private int lastUsedCycle = -1;
    private long lastUsedEnd = -1;
    /** The cycle and end of the last document pass 2 read, used or not: where a later stop starts. */
    private int lastDocCycle = -1;
    private long lastDocEnd = -1;

    LogRecovery(final LogQueue queue, final RecordCodec codec, final ExpandableArrayBuffer buffer) {
        this.queue = queue;
        this.codec = codec;
        this.buffer = buffer;
    }

    /**
     * What recovery found.
     *
     * @param regions       every region with anything in the log.
     * @param nextSeq       the sequence number of the next record.
     * @param endQueueIndex the first queue index not used: the cut point, or one past the last record used.
     * @param cutIndex      the cut point, or -1 if nothing was cut.
     */
    record Result(Long2ObjectHashMap<RegionLog> regions, long nextSeq, long endQueueIndex, long cutIndex) {
    }

    /**
     * Where damage lies: a cycle, a byte offset in its file, and whether the bad document starts exactly there
     * (else it lies at or after it: Chronicle stopped somewhere past the last document it read).
     */
    private record Damage(int cycle, long position, boolean exact) {
    }

    /**
     * @throws RaftLogException if the log is damaged in the middle (see the class comment) or inconsistent.
     */
    Result run() {
        if (queue.cycles().isEmpty()) {
            return new Result(regions, 1, 0, -1);
        }
        final ExcerptTailer tailer = queue.newTailer();
        try {
            findVoidRanges(tailer);
            mergeVoidRanges();
            scan(tailer);
        } finally {
            tailer.close();
        }
        final long droppedIntact = checkTheTailIsTorn();
        checkNothingMissing();
        final long end = cutIndex >= 0 ? cutIndex : lastUsedIndex + 1;
        if (cutIndex >= 0) {
            LOG.warn("log {}: cut a torn tail at queue index {} ({}, {}); {} records used, {} skipped in void "
                + "ranges, {} intact records after the cut dropped (written before any sync covered the cut)",
                queue.dir(), Long.toHexString(cutIndex), cutReason, where(cutDamage), recordsUsed, recordsSkipped,
                droppedIntact);
        } else if (droppedIntact > 0) {
            LOG.warn("log {}: recovered {} records of {} regions; {} intact records after the end Chronicle reads "
                + "dropped as a torn tail (written before any sync covered the end)", queue.dir(), recordsUsed,
                regions.size(), droppedIntact);
        } else {
            LOG.info("log {}: recovered {} records of {} regions, {} skipped in void ranges",
                queue.dir(), recordsUsed, regions.size(), recordsSkipped);
        }
        return new Result(regions, lastUsedSeq + 1, end, cutIndex);
    }

    private void findVoidRanges(final ExcerptTailer tailer) {
        for (final Long cycleNumber : queue.cycles()) {
            final int cycle = cycleNumber.intValue();
            try {
                if (!tailer.moveToCycle(cycle)) {
                    continue;
                }
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (dc.isPresent() && LogQueue.cycleOf(dc.index()) == cycle) {
                        final int length = LogQueue.copy(dc, buffer);
                        if (codec.validate(buffer, length) == RecordKind.OPEN) {
                            final long from = RecordCodec.a(buffer);
                            if (from <= dc.index()) {
                                voidRanges.addLong(from);
                                voidRanges.addLong(dc.index());
                            }
                        }
                    }
                }
            } catch (final RuntimeException ex) {
                // A cycle whose first document cannot be read has no OPEN record: pass 2 decides about it.
                LOG.debug("cannot read the first record of cycle {}", cycle, ex);
            }
        }
    }

    private void scan(final ExcerptTailer tailer) {
        int cycle = queue.firstCycle();
        tailer.moveToCycle(cycle);
        // Where a cycle ended early; whether anything was lost there is decided by the next record's sequence.
        long gapAt = -1;
        Damage gap = null;
        while (true) {
            long queueIndex;
            int length = -1;
            long contentStart = -1;
            boolean present;
            try (DocumentContext dc = tailer.readingDocument()) {
                present = dc.isPresent();
                queueIndex = present ? dc.index() : tailer.index();
                if (present) {
                    // An offset in the cycle file: Chronicle's bytes of a cycle address the file itself.
                    contentStart = dc.wire().bytes().readPosition();
                    length = LogQueue.copy(dc, buffer);
                }
            } catch (final RuntimeException ex) {
                LOG.debug("cannot read the document after queue index {}", Long.toHexString(lastUsedIndex), ex);
                present = true;
                queueIndex = tailer.index();
            }
            if (present && LogQueue.cycleOf(queueIndex) > cycle) {
                cycle = LogQueue.cycleOf(queueIndex);
            }
            if (!present || length < 0 && isVoid(queueIndex)) {
                final int next = queue.nextCycle(cycle);
                if (next < 0) {
                    return;
                }
                if (!present && gapAt < 0 && !isVoid(queueIndex)) {
                    gapAt = queueIndex;
                    gap = after(cycle);
                }
                tailer.moveToCycle(next);
                cycle = next;
                continue;
            }
            final Damage here = length < 0
                ? after(cycle) : new Damage(cycle, contentStart - TailScan.HEADER_BYTES, true);
            final Damage before = after(cycle);
            if (length >= 0) {
                lastDocCycle = cycle;
                lastDocEnd = contentStart + length;
            }
            if (isVoid(queueIndex)) {
                recordsSkipped++;
                continue;
            }
            final RecordKind kind = length < 0 ? null : codec.validate(buffer, length);
            if (kind == null) {
                cut(gapAt >= 0 ? gapAt : queueIndex, gapAt >= 0 ? gap : here,
                    length < 0 ? "a document Chronicle cannot read" : "a record that fails its layout or CRC32C check");
                return;
            }
            final long seq = RecordCodec.seq(buffer);
            if (lastUsedSeq >= 0 && seq != lastUsedSeq + 1) {
                cut(gapAt >= 0 ? gapAt : queueIndex, gapAt >= 0 ? gap : before,
                    "missing records: record " + seq + " follows record " + lastUsedSeq);
                return;
            }
            gapAt = -1;
            apply(kind, queueIndex);
            lastUsedSeq = seq;
            lastUsedIndex = queueIndex;
            lastUsedCycle = cycle;
            lastUsedEnd = contentStart + length;
            recordsUsed++;
        }
    }

    /** Damage somewhere after the last document read in {@code cycle} (where the next header would be), or 0. */
    private Damage after(final int cycle) {
        return new Damage(cycle, lastDocCycle == cycle ? (lastDocEnd + 3) & ~3L : 0, false);
    }

    /**
     * Looks at the bytes after the last record used for a record that proves those lost there had been synced
     * (see the class comment).
     *
     * @return how many intact records lie after the last record used that prove nothing (a torn tail's leftovers).
     * @throws RaftLogException if the damage is in the middle of the log.
     */
    private long checkTheTailIsTorn() {
        final int fromCycle = lastUsedCycle >= 0 ? lastUsedCycle : queue.firstCycle();
        final List<Path> files = new ArrayList<>();
        for (final Long cycle : queue.cycles().tailSet((long) fromCycle, true)) {
            files.add(queue.cycleFilePath(cycle.intValue()));
        }
        final TailScan scan = new TailScan(codec, buffer, MAX_RECORD_BYTES);
        final TailScan.Witness witness;
        try {
            witness = scan.find(files, lastUsedCycle >= 0 ? lastUsedEnd : 0, lastUsedSeq >= 0 ? lastUsedSeq + 1 : -1);
        } catch (final IOException ex) {
            throw new RaftLogException("log " + queue.dir() + ": cannot read its cycle files to tell whether the end"
                + " of what recovery can use is a torn tail: " + ex, ex);
        }
        if (witness != null) {
            throw damagedInTheMiddle(witness);
        }
        return scan.validRecordsSeen();
    }

    private RaftLogException damagedInTheMiddle(final TailScan.Witness witness) {
        final String damage = cutIndex >= 0
            ? cutReason + " " + where(cutDamage) + " (queue index " + Long.toHexString(cutIndex) + ")"
            : "the records Chronicle can read end " + where(after(lastUsedCycle >= 0 ? lastUsedCycle
                : queue.firstCycle()));
        return new RaftLogException("Raft log " + queue.dir() + " is damaged in the middle, not torn at its tail: "
            + damage + "; yet the " + witness.kind() + " record at byte " + witness.position() + " of cycle file "
            + witness.file().getFileName() + " (record number " + witness.seq() + ") was written after a sync had"
            + " made every record up to number " + witness.syncedSeq() + " durable, while "
            + (lastUsedSeq >= 0 ? "only those up to number " + lastUsedSeq + " are intact" : "none of them is intact")
            + ". Cutting the log there would drop synced entries this store may have acknowledged and votes it may"
            + " have cast. To recover: stop the store, delete its data (this Raft log and the state applied from it),"
            + " and start it again so that it rejoins its regions by snapshot from their other replicas.");
    }

    private String where(final Damage damage) {
        if (damage == null) {
            return "at an unknown position";
        }
        final String file = queue.cycleFilePath(damage.cycle()).getFileName().toString();
        return (damage.exact() ? "at byte " : "at or after byte ") + damage.position() + " of cycle file " + file;
    }

    /** Sorts the void ranges by start and merges overlapping ones, so {@link #isVoid} can walk them once. */
    private void mergeVoidRanges() {
        final int count = voidRanges.size() / 2;
        final long[][] ranges = new long[count][];
        for (int i = 0; i < count; i++) {
            ranges[i] = new long[] {voidRanges.getLong(2 * i), voidRanges.getLong(2 * i + 1)};
        }
        Arrays.sort(ranges, Comparator.comparingLong((long[] range) -> range[0]));
        voidRanges.clear();
        for (final long[] range : ranges) {
            final int last = voidRanges.size() - 1;
            if (last > 0 && range[0] <= voidRanges.getLong(last)) {
                voidRanges.setLong(last, Math.max(voidRanges.getLong(last), range[1]));
            } else {
                voidRanges.addLong(range[0]);
                voidRanges.addLong(range[1]);
            }
        }
    }

    /** Pass 2 asks with queue indexes that do not decrease; should one ever do, the walk starts over. */
    private boolean isVoid(final long queueIndex) {
        if (queueIndex < lastVoidQuery) {
            voidCursor = 0;
        }
        lastVoidQuery = queueIndex;
        while (voidCursor < voidRanges.size() && voidRanges.getLong(voidCursor + 1) <= queueIndex) {
            voidCursor += 2;
        }
        return voidCursor < voidRanges.size() && voidRanges.getLong(voidCursor) <= queueIndex;
    }

    private void cut(final long queueIndex, final Damage damage, final String reason) {
        cutIndex = queueIndex;
        cutDamage = damage;
        cutReason = reason;
    }

    private void apply(final RecordKind kind, final long queueIndex) {
        final long regionId = RecordCodec.regionId(buffer);
        switch (kind) {
            case ENTRY:
                applyEntry(region(regionId), RecordCodec.a(buffer), RecordCodec.b(buffer), queueIndex);
                break;
            case TRUNCATE:
                applyTruncate(regions.get(regionId), regionId, RecordCodec.a(buffer), queueIndex);
                break;
            case HARD_STATE:
                region(regionId).hardState(RecordCodec.a(buffer), RecordCodec.b(buffer), RecordCodec.c(buffer));
                break;
            case COMPACT:
                applyCompact(region(regionId), queueIndex);
                break;
            case REMOVE_REGION:
                regions.remove(regionId);
                break;
            case CHECKPOINT:
                applyCheckpoint(regionId);
                break;
            case OPEN:
                // Its void range was taken in pass 1.
                break;
            case CLOSE:
                // Only a witness for the records before it.
                break;
            default:
                throw new IllegalStateException("unknown record kind " + kind);
        }
    }

    private void applyEntry(final RegionLog region, final long index, final long term, final long queueIndex) {
        if (index < region.firstIndex() || index > region.lastIndex() + 1) {
            throw corrupt(queueIndex, "entry " + index + " of region " + region.regionId()
                + " does not fit its log [" + region.firstIndex() + ", " + region.lastIndex() + "]");
        }
        region.append(index, term, queueIndex);
    }

    private void applyTruncate(
        final RegionLog region, final long regionId, final long fromIndex, final long queueIndex) {
        if (region == null || fromIndex < region.firstIndex() || fromIndex > region.lastIndex() + 1) {
            throw corrupt(queueIndex, "truncation from " + fromIndex + " of region " + regionId
                + " does not fit its log");
        }
        region.truncateFrom(fromIndex);
    }

    private void applyCompact(final RegionLog region, final long queueIndex) {
        final long index = RecordCodec.a(buffer);
        if (index <= region.compactedIndex()) {
            throw corrupt(queueIndex, "compaction to " + index + " of region " + region.regionId()
                + " is not past its compacted index " + region.compactedIndex());
        }
        region.compact(index, RecordCodec.b(buffer), RecordCodec.entryType(buffer) == 1);
    }

    private void applyCheckpoint(final long regionId) {
        final RegionLog known = regions.get(regionId);
        if (known == null) {
            final RegionLog region = new RegionLog(regionId);
            region.restore(RecordCodec.a(buffer), RecordCodec.b(buffer), RecordCodec.c(buffer));
            region.hardState(RecordCodec.d(buffer), RecordCodec.e(buffer), RecordCodec.f(buffer));
            regions.put(regionId, region);
        } else if (known.compactedIndex() != RecordCodec.a(buffer) || known.lastIndex() != RecordCodec.c(buffer)
            || !known.hardStateEquals(RecordCodec.d(buffer), RecordCodec.e(buffer), RecordCodec.f(buffer))) {
            // The records before it already gave the region's state; a checkpoint only restates it.
            LOG.warn("checkpoint of region {} disagrees with the records before it; keeping the records' state",
                regionId);
        }
    }

    private RegionLog region(final long regionId) {
        RegionLog region = regions.get(regionId);
        if (region == null) {
            region = new RegionLog(regionId);
            regions.put(regionId, region);
        }
        return region;
    }

    private void checkNothingMissing() {
        for (final RegionLog region : regions.values()) {
            final long missing = region.firstMissingIndex();
            if (missing >= 0) {
                throw new RaftLogException("region " + region.regionId() + " needs entry " + missing
                    + " but the cycle file that held it is gone (log " + queue.dir() + ")");
            }
        }
    }

    private RaftLogException corrupt(final long queueIndex, final String what) {
        return new RaftLogException("log " + queue.dir() + " is inconsistent at queue index "
            + Long.toHexString(queueIndex) + ": " + what);
    }
}
