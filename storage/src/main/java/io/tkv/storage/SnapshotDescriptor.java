package io.tkv.storage;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * What a region snapshot holds: the region, the apply state it was taken at, the data range it covers, and its SST
 * files with their sizes and CRC32Cs. Small, so the transport sends it ahead of the files and the receiver checks
 * every file against it before ingesting anything. Immutable.
 * <p>
 * Encoding, version 1, all numbers big-endian:
 * <pre>
 * magic "TKVS":4  version:2  regionId:8  appliedIndex:8  appliedTerm:8
 * startLength:4 start  endLength:4 end          the data range; empty end = no end
 * fileCount:1  fileCount x { cfNameLength:1 cfName sizeBytes:8 crc32c:4 }
 * crc32c:4                                      of every byte before it
 * </pre>
 * {@link #decode} refuses anything else (truncation, trailing bytes, a bad checksum, an unknown version or column
 * family, a column family twice, negative numbers) with a {@link SnapshotException}.
 */
public final class SnapshotDescriptor {
    /** The encoding version written by {@link #encode()}. */
    public static final int FORMAT_VERSION = 1;

    private static final int MAGIC = 0x544B5653;
    private static final int FIXED_LENGTH = Integer.BYTES + Short.BYTES + 3 * Long.BYTES;
    private static final int MIN_LENGTH = FIXED_LENGTH + 2 * Integer.BYTES + 1 + Integer.BYTES;

    private final long regionId;
    private final long appliedIndex;
    private final long appliedTerm;
    private final KeyRange dataRange;
    private final List<SnapshotFile> files;

    /**
     * @param regionId     the region.
     * @param appliedIndex index of the last entry the snapshot's state includes.
     * @param appliedTerm  term of that entry.
     * @param dataRange    the data range exported, replaced wholesale on ingest.
     * @param files        at most one file per column family; column families without keys have none.
     * @throws IllegalArgumentException on a negative index, term or size, or a column family twice.
     */
    public SnapshotDescriptor(
        final long regionId, final long appliedIndex, final long appliedTerm, final KeyRange dataRange,
        final List<SnapshotFile> files) {
        if (appliedIndex < 0 || appliedTerm < 0) {
            throw new IllegalArgumentException("negative applied index or term: " + appliedIndex + ", " + appliedTerm);
        }
        final Set<ColumnFamily> seen = EnumSet.noneOf(ColumnFamily.class);
        for (final SnapshotFile file : files) {
            if (!seen.add(file.columnFamily())) {
                throw new IllegalArgumentException("two files for column family " + file.columnFamily().cfName());
            }
            if (file.sizeBytes() < 0) {
                throw new IllegalArgumentException("negative size of " + file.fileName());
            }
        }
        this.regionId = regionId;
        this.appliedIndex = appliedIndex;
        this.appliedTerm = appliedTerm;
        this.dataRange = dataRange;
        this.files = List.copyOf(files);
    }

    /**
     * @return the region.
     */
    public long regionId() {
        return regionId;
    }

    /**
     * @return index of the last entry the snapshot's state includes.
     */
    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * @return term of that entry.
     */
    public long appliedTerm() {
        return appliedTerm;
    }

    /**
     * @return the data range the snapshot covers.
     */
    public KeyRange dataRange() {
        return dataRange;
    }

    /**
     * @return the files, at most one per column family.
     */
    public List<SnapshotFile> files() {
        return files;
    }

    /**
     * @return the file of a column family, or null if the snapshot has no keys there.
     */
    public SnapshotFile file(final ColumnFamily columnFamily) {
        for (final SnapshotFile file : files) {
            if (file.columnFamily() == columnFamily) {
                return file;
            }
        }
        return null;
    }

    /**
     * @return the total size of the files.
     */
    public long totalBytes() {
        long total = 0;
        for (final SnapshotFile file : files) {
            total += file.sizeBytes();
        }
        return total;
    }

    /**
     * @return the descriptor in the versioned binary layout of the class comment.
     */
    public byte[] encode() {
        final byte[] start = dataRange.startRef();
        final byte[] end = dataRange.endRef();
        int length = FIXED_LENGTH + Integer.BYTES + start.length + Integer.BYTES + end.length + 1 + Integer.BYTES;
        for (final SnapshotFile file : files) {
            length += 1 + file.columnFamily().nameBytes().length + Long.BYTES + Integer.BYTES;
        }
        final ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
        out.putInt(MAGIC).putShort((short)FORMAT_VERSION)
            .putLong(regionId).putLong(appliedIndex).putLong(appliedTerm)
            .putInt(start.length).put(start)
            .putInt(end.length).put(end)
            .put((byte)files.size());
        for (final SnapshotFile file : files) {
            final byte[] name = file.columnFamily().nameBytes();
            out.put((byte)name.length).put(name).putLong(file.sizeBytes()).putInt(file.crc32c());
        }
        out.putInt(crc(out.array(), out.position()));
        return out.array();
    }

    /**
     * @param bytes an encoded descriptor, exactly.
     * @return the descriptor.
     * @throws SnapshotException if the bytes are not a valid descriptor of a known version.
     */
    public static SnapshotDescriptor decode(final byte[] bytes) {
        if (bytes == null || bytes.length < MIN_LENGTH) {
            throw new SnapshotException("not a snapshot descriptor: " +
                (bytes == null ? "null" : bytes.length + " bytes, at least " + MIN_LENGTH + " expected"));
        }
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        if (in.getInt() != MAGIC) {
            throw new SnapshotException("not a snapshot descriptor: bad magic");
        }
        final int version = in.getShort() & 0xFFFF;
        if (version != FORMAT_VERSION) {
            throw new SnapshotException("snapshot descriptor version " + version + " is not supported (only " +
                FORMAT_VERSION + ")");
        }
        final int crcOffset = bytes.length - Integer.BYTES;
        final int storedCrc = ByteBuffer.wrap(bytes, crcOffset, Integer.BYTES).order(ByteOrder.BIG_ENDIAN).getInt();
        if (storedCrc != crc(bytes, crcOffset)) {
            throw new SnapshotException("corrupt snapshot descriptor: checksum mismatch");
        }
        try {
            final SnapshotDescriptor descriptor = decodeBody(in.limit(crcOffset));
            if (in.hasRemaining()) {
                throw new SnapshotException("corrupt snapshot descriptor: " + in.remaining() + " trailing bytes");
            }
            return descriptor;
        } catch (final BufferUnderflowException ex) {
            throw new SnapshotException("corrupt snapshot descriptor: truncated", ex);
        } catch (final IllegalArgumentException ex) {
            throw new SnapshotException("corrupt snapshot descriptor: " + ex.getMessage(), ex);
        }
    }

    private static SnapshotDescriptor decodeBody(final ByteBuffer in) {
        final long regionId = in.getLong();
        final long appliedIndex = in.getLong();
        final long appliedTerm = in.getLong();
        final byte[] start = lengthPrefixed(in);
        final byte[] end = lengthPrefixed(in);
        final int fileCount = in.get() & 0xFF;
        if (fileCount > ColumnFamily.values().length) {
            throw new IllegalArgumentException(fileCount + " files, more than there are column families");
        }
        final List<SnapshotFile> files = new ArrayList<>(fileCount);
        for (int i = 0; i < fileCount; i++) {
            final byte[] name = new byte[in.get() & 0xFF];
            in.get(name);
            final ColumnFamily family = columnFamily(new String(name, StandardCharsets.UTF_8));
            files.add(new SnapshotFile(family, in.getLong(), in.getInt()));
        }
        return new SnapshotDescriptor(regionId, appliedIndex, appliedTerm, KeyRange.of(start, end), files);
    }

    private static byte[] lengthPrefixed(final ByteBuffer in) {
        final int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("key length " + length + " exceeds the descriptor");
        }
        final byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static ColumnFamily columnFamily(final String name) {
        for (final ColumnFamily family : ColumnFamily.values()) {
            if (family.cfName().equals(name)) {
                return family;
            }
        }
        throw new IllegalArgumentException("unknown column family '" + name + "'");
    }

    private static int crc(final byte[] bytes, final int length) {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int)crc.getValue();
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof SnapshotDescriptor that && regionId == that.regionId &&
            appliedIndex == that.appliedIndex && appliedTerm == that.appliedTerm &&
            dataRange.equals(that.dataRange) && files.equals(that.files);
    }

    @Override
    public int hashCode() {
        return ((Long.hashCode(regionId) * 31 + Long.hashCode(appliedIndex)) * 31 + dataRange.hashCode()) * 31 +
            files.hashCode();
    }

    @Override
    public String toString() {
        return "SnapshotDescriptor{regionId=" + regionId + ", appliedIndex=" + appliedIndex +
            ", appliedTerm=" + appliedTerm + ", dataRange=" + dataRange + ", files=" + files + '}';
    }
}
