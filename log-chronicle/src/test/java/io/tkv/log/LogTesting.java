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
import java.util.List;
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
