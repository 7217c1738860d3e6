package io.tkv.log;

import java.util.Arrays;
import java.util.Comparator;

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
 * in it were cut by an earlier recovery (a torn tail, a corrupt record, and whatever followed it) and are never
 * used, even though their bytes are still in the files.
 * <p>
 * <b>Pass 2</b> reads every record in queue order. Records in a void range are skipped. Every other record must
 * pass its checks (layout, CRC32C) and carry the sequence number after the last record used; the first one that
 * does not is the cut point: it and everything after it are not used. A cycle that ends early while a later cycle
 * exists (a header Chronicle cannot walk past, or just a missing end-of-file marker) is not a cut by itself: the
 * sequence number of the next record tells whether anything was lost there. Used records are applied in order:
 * entries override by (region, index), TRUNCATE/COMPACT/REMOVE_REGION change a region's log, the last HARD_STATE
 * wins, and a CHECKPOINT starts a region whose older records are in deleted cycle files.
 * <p>
 * Because the log then writes only to a fresh cycle, and its OPEN record voids everything from the cut point on,
 * the next recovery makes the same decision about the old bytes and uses the new records.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

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
    private long recordsUsed;
    private long recordsSkipped;

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
        checkNothingMissing();
        final long end = cutIndex >= 0 ? cutIndex : lastUsedIndex + 1;
        if (cutIndex >= 0) {
            LOG.warn("log {}: cut at queue index {} ({}); {} records used, {} skipped in void ranges",
                queue.dir(), Long.toHexString(cutIndex), cutReason, recordsUsed, recordsSkipped);
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
        while (true) {
            long queueIndex;
            int length = -1;
            boolean present;
            try (DocumentContext dc = tailer.readingDocument()) {
                present = dc.isPresent();
                queueIndex = present ? dc.index() : tailer.index();
                if (present) {
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
                }
                tailer.moveToCycle(next);
                cycle = next;
                continue;
            }
            if (isVoid(queueIndex)) {
                recordsSkipped++;
                continue;
            }
            final RecordKind kind = length < 0 ? null : codec.validate(buffer, length);
            if (kind == null) {
                cut(gapAt >= 0 ? gapAt : queueIndex, length < 0 ? "unreadable document" : "torn or corrupt record");
                return;
            }
            final long seq = RecordCodec.seq(buffer);
            if (lastUsedSeq >= 0 && seq != lastUsedSeq + 1) {
                cut(gapAt >= 0 ? gapAt : queueIndex, "record sequence " + seq + " after " + lastUsedSeq);
                return;
            }
            gapAt = -1;
            apply(kind, queueIndex);
            lastUsedSeq = seq;
            lastUsedIndex = queueIndex;
            recordsUsed++;
        }
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

    private void cut(final long queueIndex, final String reason) {
        cutIndex = queueIndex;
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
