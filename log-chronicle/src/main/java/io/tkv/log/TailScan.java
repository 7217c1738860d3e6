package io.tkv.log;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.IoUtil;

/**
 * Reads the raw bytes of the cycle files after the last record recovery used, looking for a record that proves
 * the records recovery could not use had been synced: a <i>witness</i> (see {@link LogRecovery} for the rule).
 * <p>
 * It reads the files itself rather than through Chronicle because Chronicle stops at the first header it cannot
 * walk past (one that reads zero, or is marked unfinished), and everything after such a header in that file is
 * invisible to a tailer. So it walks Chronicle's framing (a 4-byte little-endian header before every document,
 * headers 4-byte aligned, bit 31 unfinished, bit 30 metadata, the length in the low 30 bits) and, where the
 * framing breaks or a record is damaged, tries every 4-byte aligned position after it until a whole, valid record
 * brings it back in step. The zeros Chronicle pre-allocates after the real end of a file are passed over eight
 * bytes at a time and never taken for a record.
 * <p>
 * A record only counts as a witness if its sequence number could follow the lost record in the bytes scanned (at
 * most one more per {@link #MIN_FOOTPRINT_BYTES}): once the framing is lost, the scan also looks inside entry
 * payloads, and a client's value shaped like a record must not pass for one unless it also guesses where the log's
 * sequence stands. Even then the worst it can do is make a damaged log refuse to open, never lose records.
 * <p>
 * Not thread safe; used once per recovery.
 */
final class TailScan {
    /** Chronicle's header bit for a document still being written (or the end-of-file marker). */
    static final int NOT_COMPLETE = 0x8000_0000;
    /** Chronicle's header bit for its own metadata (the store header, index pages). */
    static final int META_DATA = 0x4000_0000;
    static final int LENGTH_MASK = 0x3FFF_FFFF;
    static final int HEADER_BYTES = 4;
    /** The fewest bytes a record takes in a cycle file: its header and the shortest record, 4-byte aligned. */
    static final int MIN_FOOTPRINT_BYTES = align(HEADER_BYTES + RecordCodec.MIN_RECORD_BYTES);
    private static final long MIN_WINDOW_BYTES = 64L * 1024 * 1024;

    private final RecordCodec codec;
    private final ExpandableArrayBuffer buffer;
    private final int maxRecordBytes;
    private final long windowBytes;
    /** The sequence number of the first record recovery did not use, -1 until known. */
    private long lostSeq;
    private long validRecords;
    private long scannedBytes;

    /**
     * Where a witness lies and what it says.
     *
     * @param file      the cycle file.
     * @param position  the byte offset of its Chronicle header in the file.
     * @param kind      its kind.
     * @param seq       its sequence number.
     * @param syncedSeq the last record it says was durable when it was written.
     */
    record Witness(Path file, long position, RecordKind kind, long seq, long syncedSeq) {
    }

    /**
     * @param maxRecordBytes the longest record the log writes; longer documents are not taken for records.
     */
    TailScan(final RecordCodec codec, final ExpandableArrayBuffer buffer, final int maxRecordBytes) {
        this.codec = codec;
        this.buffer = buffer;
        this.maxRecordBytes = maxRecordBytes;
        this.windowBytes = Math.max(MIN_WINDOW_BYTES, 2L * (HEADER_BYTES + maxRecordBytes));
    }

    /**
     * @param files        cycle files, oldest first: the first is scanned from {@code from}, the others whole.
     * @param from         where the scan starts in the first file: just after the last record used, or 0.
     * @param firstLostSeq the sequence number of the first record recovery did not use, or -1 if it used none
     *                     (then the first valid record found stands in: the lost ones came before it).
     * @return the first record after {@code from} written once a sync had made record {@code firstLostSeq}
     *         durable, or null if there is none.
     * @throws IOException if a file cannot be read.
     */
    Witness find(final List<Path> files, final long from, final long firstLostSeq) throws IOException {
        lostSeq = firstLostSeq;
        validRecords = 0;
        scannedBytes = 0;
        for (int i = 0; i < files.size(); i++) {
            try (Reader reader = new Reader(files.get(i), windowBytes)) {
                final Witness witness = scanFile(reader, i == 0 ? align(from) : 0);
                if (witness != null) {
                    return witness;
                }
            }
        }
        return null;
    }

    /**
     * @return how many valid records the last {@link #find} passed over that proved nothing: records written
     *         after the lost ones but before any sync covered them (a torn tail's leftovers).
     */
    long validRecordsSeen() {
        return validRecords;
    }

    private Witness scanFile(final Reader reader, final long start) throws IOException {
        final long size = reader.size();
        boolean inStep = true;
        long position = start;
        while (position + HEADER_BYTES <= size) {
            final int header = reader.getInt(position);
            if (header == 0) {
                // The end of what was written, or a page a crash lost: skip the zeros quickly.
                inStep = false;
                long next = position + HEADER_BYTES;
                while (next + Long.BYTES <= size && reader.getLong(next) == 0) {
                    next += Long.BYTES;
                }
                scannedBytes += next - position;
                position = next;
                continue;
            }
            final int length = header & LENGTH_MASK;
            final boolean complete = (header & NOT_COMPLETE) == 0;
            final boolean fits = length > 0 && position + HEADER_BYTES + length <= size;
            if (complete && fits && (header & META_DATA) != 0 && inStep) {
                // Chronicle's own metadata, trusted only while the framing holds.
                position = skip(position, length);
                continue;
            }
            if (complete && fits && (header & META_DATA) == 0 && length >= RecordCodec.MIN_RECORD_BYTES
                && length <= maxRecordBytes) {
                reader.copy(position + HEADER_BYTES, length, buffer);
                final RecordKind kind = codec.validate(buffer, length);
                if (kind != null && plausible()) {
                    final long seq = RecordCodec.seq(buffer);
                    if (lostSeq < 0) {
                        lostSeq = seq - 1;
                    }
                    final long syncedSeq = RecordCodec.syncedSeq(buffer);
                    if (lostSeq >= 1 && syncedSeq >= lostSeq) {
                        return new Witness(reader.file(), position, kind, seq, syncedSeq);
                    }
                    validRecords++;
                    inStep = true;
                    position = skip(position, length);
                    continue;
                }
            }
            // Not a document to trust (unfinished, damaged, not a record): look for the next record 4 bytes on.
            inStep = false;
            scannedBytes += HEADER_BYTES;
            position += HEADER_BYTES;
        }
        return null;
    }

    /** Whether the record in the buffer could follow the lost one in the bytes scanned since. */
    private boolean plausible() {
        if (lostSeq < 0) {
            return true;
        }
        final long seq = RecordCodec.seq(buffer);
        return seq >= lostSeq && seq - lostSeq <= scannedBytes / MIN_FOOTPRINT_BYTES + 1;
    }

    private long skip(final long position, final int length) {
        final long next = align(position + HEADER_BYTES + length);
        scannedBytes += next - position;
        return next;
    }

    private static long align(final long position) {
        return (position + 3) & ~3L;
    }

    private static int align(final int position) {
        return (position + 3) & ~3;
    }

    /** Read-only windows over one file, mapped as the scan moves forward. */
    private static final class Reader implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final long size;
        private final long windowBytes;
        private MappedByteBuffer window;
        private long windowStart;
        private long windowEnd;

        Reader(final Path file, final long windowBytes) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
            this.size = channel.size();
            this.windowBytes = windowBytes;
        }

        Path file() {
            return file;
        }

        long size() {
            return size;
        }

        int getInt(final long position) throws IOException {
            ensure(position, Integer.BYTES);
            return window.getInt((int) (position - windowStart));
        }

        long getLong(final long position) throws IOException {
            ensure(position, Long.BYTES);
            return window.getLong((int) (position - windowStart));
        }

        void copy(final long position, final int length, final ExpandableArrayBuffer into) throws IOException {
            ensure(position, length);
            into.checkLimit(length);
            window.get((int) (position - windowStart), into.byteArray(), 0, length);
        }

        private void ensure(final long position, final int length) throws IOException {
            if (window != null && position >= windowStart && position + length <= windowEnd) {
                return;
            }
            unmap();
            windowStart = position;
            windowEnd = Math.min(size, position + windowBytes);
            window = channel.map(FileChannel.MapMode.READ_ONLY, windowStart, windowEnd - windowStart);
            window.order(ByteOrder.LITTLE_ENDIAN);
        }

        private void unmap() {
            if (window != null) {
                IoUtil.unmap(window);
                window = null;
            }
        }

        @Override
        public void close() throws IOException {
            unmap();
            channel.close();
        }
    }
}
