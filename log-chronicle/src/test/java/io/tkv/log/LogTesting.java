package io.tkv.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/** Helpers shared by the log's tests: configs, deterministic payloads, an entry collector, file lookups. */
final class LogTesting {
    /** Small chunks so tests map little memory; a record may be up to 64 KiB. */
    static final long TEST_BLOCK_BYTES = 256 * 1024;

    private LogTesting() {
    }

    static RaftLogConfig config(final Path dir) {
        return new RaftLogConfig().dir(dir).blockSizeBytes(TEST_BLOCK_BYTES);
    }

    /** The payload length of an entry, a function of its coordinates so a reader can check it. */
    static int payloadLength(final long regionId, final long index, final long term) {
        return (int) ((index * 7 + regionId * 3 + term) % 97) + 1;
    }

    /** Writes the deterministic payload of (region, index, term) at offset 0; returns its length. */
    static int fillPayload(final MutableDirectBuffer buffer, final long regionId, final long index, final long term) {
        final int length = payloadLength(regionId, index, term);
        long x = regionId * 0x9E3779B97F4A7C15L ^ index * 0xC2B2AE3D27D4EB4FL ^ term * 0x165667B19E3779F9L;
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            buffer.putByte(i, (byte) x);
        }
        return length;
    }

    static byte[] payload(final long regionId, final long index, final long term) {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
        final int length = fillPayload(buffer, regionId, index, term);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /** Appends the deterministic entry (region, index, term) with entry type {@code index % 5}. */
    static void append(final RaftLog log, final long regionId, final long index, final long term) {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
        final int length = fillPayload(buffer, regionId, index, term);
        log.append(regionId, index, term, (int) (index % 5), buffer, 0, length);
    }

    /** Checks that the log holds exactly the deterministic entry (region, index, term). */
    static void assertEntry(final RaftLog log, final long regionId, final long index, final long term) {
        final List<Entry> read = new ArrayList<>();
        assertTrue(log.read(regionId, index, collector(read)), "region " + regionId + " index " + index);
        assertEquals(1, read.size());
        final Entry entry = read.get(0);
        assertEquals(regionId, entry.regionId());
        assertEquals(index, entry.index());
        assertEquals(term, entry.term(), "term of region " + regionId + " index " + index);
        assertEquals(term, log.term(regionId, index));
        assertEquals((int) (index % 5), entry.type());
        assertArrayEquals(payload(regionId, index, term), entry.payload(),
            "payload of region " + regionId + " index " + index);
    }

    static EntryReader collector(final List<Entry> into) {
        return (regionId, index, term, type, buffer, offset, length) ->
            into.add(new Entry(regionId, index, term, type, copy(buffer, offset, length)));
    }

    private static byte[] copy(final DirectBuffer buffer, final int offset, final int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /** An entry as read back. */
    record Entry(long regionId, long index, long term, int type, byte[] payload) {
    }

    static List<Path> cycleFiles(final Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /**
     * @return where {@code needle} first occurs in the cycle files of {@code dir}, searched newest file first.
     */
    static Hit find(final Path dir, final byte[] needle) throws IOException {
        final List<Path> files = new ArrayList<>(cycleFiles(dir));
        Collections.reverse(files);
        for (final Path file : files) {
            final int offset = findIn(file, needle);
            if (offset >= 0) {
                return new Hit(file, offset);
            }
        }
        throw new AssertionError("bytes not found in " + dir);
    }

    /**
     * @return where {@code needle} first occurs in {@code file}, or -1.
     */
    static int findIn(final Path file, final byte[] needle) throws IOException {
        final byte[] bytes = Files.readAllBytes(file);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The bytes at offset 16 of the record of entry (region, index, term): region id, index and term. */
    static byte[] entryKey(final long regionId, final long index, final long term) {
        final ByteBuffer key = ByteBuffer.allocate(3 * Long.BYTES).order(RecordCodec.ORDER);
        key.putLong(regionId).putLong(index).putLong(term);
        return key.array();
    }

    static int readInt(final Path file, final long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final ByteBuffer four = ByteBuffer.allocate(4).order(RecordCodec.ORDER);
            channel.read(four, offset);
            return four.getInt(0);
        }
    }

    static void writeInt(final Path file, final long offset, final int value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final ByteBuffer four = ByteBuffer.allocate(4).order(RecordCodec.ORDER);
            four.putInt(0, value);
            channel.write(four, offset);
        }
    }

    /** A position in a file. */
    record Hit(Path file, int offset) {
    }

    /**
     * @return where the record of entry (region, index, term) starts in the cycle files of {@code dir}.
     */
    static Hit findEntryRecord(final Path dir, final long regionId, final long index, final long term)
        throws IOException {
        final Hit hit = find(dir, entryKey(regionId, index, term));
        return new Hit(hit.file(), hit.offset() - RecordCodec.REGION_OFFSET);
    }

    /**
     * A record as it lies in a cycle file.
     *
     * @param position the offset of its Chronicle header; the record starts 4 bytes later.
     * @param length   the record's length (the header's length field).
     * @param ordinal  its place among the records of its file: the sequence part of its queue index.
     * @param a        its field a: an entry's index.
     */
    record RawRecord(Path file, long position, int length, int ordinal, RecordKind kind, long seq, long regionId,
        long a) {
        /** @return the offset of the first byte after it. */
        long end() {
            return position + TailScan.HEADER_BYTES + length;
        }
    }

    /**
     * @return the records of a cycle file, in order, as far as Chronicle's framing holds (as a tailer reads them).
     */
    static List<RawRecord> rawRecords(final Path file) throws IOException {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(RecordCodec.ORDER);
        final List<RawRecord> records = new ArrayList<>();
        int position = 0;
        while (position + TailScan.HEADER_BYTES <= bytes.limit()) {
            final int header = bytes.getInt(position);
            final int length = header & TailScan.LENGTH_MASK;
            if (header == 0 || (header & TailScan.NOT_COMPLETE) != 0) {
                break;
            }
            if ((header & TailScan.META_DATA) == 0) {
                final int start = position + TailScan.HEADER_BYTES;
                records.add(new RawRecord(file, position, length, records.size(), RecordKind.of(bytes.get(start)),
                    bytes.getLong(start + RecordCodec.SEQ_OFFSET), bytes.getLong(start + RecordCodec.REGION_OFFSET),
                    bytes.getLong(start + RecordCodec.A_OFFSET)));
            }
            position = (position + TailScan.HEADER_BYTES + length + 3) & ~3;
        }
        return records;
    }

    /**
     * Erases the CLOSE record a clean close wrote last: the files are then what a process killed just before
     * {@link RaftLog#close} leaves (the sync inside close changes no byte of the records before it).
     */
    static void dropCloseRecord(final Path dir) throws IOException {
        final List<Path> files = cycleFiles(dir);
        final List<RawRecord> records = rawRecords(files.get(files.size() - 1));
        final RawRecord last = records.get(records.size() - 1);
        assertEquals(RecordKind.CLOSE, last.kind(), "a clean close ends the log with a CLOSE record");
        zero(last.file(), last.position(), last.end());
    }

    /** Zeroes {@code [from, to)} of a file, as a page an OS crash never wrote back reads. */
    static void zero(final Path file, final long from, final long to) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate((int) (to - from)), from);
        }
    }

    /**
     * @return every cycle file's name and bytes, to show that something left them alone.
     */
    static Map<String, byte[]> cycleFileBytes(final Path dir) throws IOException {
        final Map<String, byte[]> files = new LinkedHashMap<>();
        for (final Path file : cycleFiles(dir)) {
            files.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
        return files;
    }

    static void flipByte(final Path file, final long offset) throws IOException {
        flipBits(file, offset, 0x5A);
    }

    static void flipBits(final Path file, final long offset, final int mask) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ mask));
            one.position(0);
            channel.write(one, offset);
        }
    }
}
