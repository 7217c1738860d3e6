package io.tkv.raft.snapshot;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a store's {@link io.tkv.raft.core.Snapshot#data()} holds: which store has the snapshot's files and under
 * which id, every file with its size and CRC32C (so the receiver can fetch and check them without knowing what
 * they are), and an opaque payload for the state machine (in a store: the storage's encoded snapshot descriptor).
 *
 * <pre>
 *   magic:4 ("TKSN") version:2 snapshotId:8 senderStoreId:8 fileCount:2
 *   fileCount x { nameLength:2 name:ASCII size:8 crc32c:4 }   payloadLength:4 payload
 * </pre>
 * Little-endian. Decoding checks every length against the bytes, and every file name with
 * {@link SnapshotDirs#isSafeFileName}, since the bytes come from another store.
 *
 * @param snapshotId    the sender's id of the snapshot (names its directory there).
 * @param senderStoreId the store serving the files.
 * @param files         the files to fetch.
 * @param payload       opaque to the transfer.
 */
public record SnapshotData(long snapshotId, long senderStoreId, List<FileInfo> files, byte[] payload) {
    /** The encoding's version. */
    public static final short VERSION = 1;
    /** Most files in one snapshot. */
    public static final int MAX_FILES = 64;
    private static final int MAGIC = 0x4E534B54;

    /**
     * One file of a snapshot.
     *
     * @param name      a plain file name (no directory part).
     * @param sizeBytes its length.
     * @param crc32c    CRC32C of its bytes.
     */
    public record FileInfo(String name, long sizeBytes, int crc32c) {
        public FileInfo {
            if (!SnapshotDirs.isSafeFileName(name) || sizeBytes < 0) {
                throw new IllegalArgumentException("bad snapshot file " + name + " of " + sizeBytes + " bytes");
            }
        }
    }

    public SnapshotData {
        files = List.copyOf(files);
        if (files.size() > MAX_FILES) {
            throw new IllegalArgumentException(files.size() + " snapshot files, at most " + MAX_FILES);
        }
        if (payload == null) {
            payload = new byte[0];
        }
    }

    /** @return the sum of every file's size. */
    public long totalBytes() {
        long total = 0;
        for (final FileInfo file : files) {
            total += file.sizeBytes();
        }
        return total;
    }

    /** @return the encoded form. */
    public byte[] encode() {
        int length = 4 + 2 + 8 + 8 + 2 + 4 + payload.length;
        final List<byte[]> names = new ArrayList<>(files.size());
        for (final FileInfo file : files) {
            final byte[] name = file.name().getBytes(StandardCharsets.US_ASCII);
            names.add(name);
            length += 2 + name.length + 8 + 4;
        }
        final ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putShort(VERSION).putLong(snapshotId).putLong(senderStoreId).putShort((short)files.size());
        for (int i = 0; i < files.size(); i++) {
            out.putShort((short)names.get(i).length).put(names.get(i)).putLong(files.get(i).sizeBytes())
                .putInt(files.get(i).crc32c());
        }
        out.putInt(payload.length).put(payload);
        return out.array();
    }

    /**
     * @param bytes an encoded form, from another store.
     * @return the decoded data.
     * @throws IllegalArgumentException if the bytes are not a well-formed encoding.
     */
    public static SnapshotData decode(final byte[] bytes) {
        try {
            final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (in.getInt() != MAGIC || in.getShort() != VERSION) {
                throw new IllegalArgumentException("not a snapshot data encoding of version " + VERSION);
            }
            final long snapshotId = in.getLong();
            final long sender = in.getLong();
            final int count = in.getShort() & 0xFFFF;
            if (count > MAX_FILES) {
                throw new IllegalArgumentException(count + " snapshot files, at most " + MAX_FILES);
            }
            final List<FileInfo> files = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                final byte[] name = new byte[in.getShort() & 0xFFFF];
                in.get(name);
                files.add(new FileInfo(new String(name, StandardCharsets.US_ASCII), in.getLong(), in.getInt()));
            }
            final int payloadLength = in.getInt();
            if (payloadLength < 0 || payloadLength != in.remaining()) {
                throw new IllegalArgumentException("snapshot payload of " + payloadLength + " bytes, "
                    + in.remaining() + " left");
            }
            final byte[] payload = new byte[payloadLength];
            in.get(payload);
            return new SnapshotData(snapshotId, sender, files, payload);
        } catch (final BufferUnderflowException ex) {
            throw new IllegalArgumentException("truncated snapshot data", ex);
        }
    }
}
