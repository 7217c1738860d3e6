package io.tkv.raft.snapshot;

import io.tkv.raft.core.RaftMessage;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The receiving side of one snapshot transfer: pulls every file of a {@link SnapshotData} from the sender in
 * chunks, into its receive directory. Flow control is a window: at most {@code window} chunk requests are
 * outstanding, a new one leaves only when a chunk came back, and a request with no answer after
 * {@code requestTimeoutMs} is sent again (a lost request or chunk costs one timeout, never the transfer). No
 * progress for {@code transferTimeoutMs} fails the transfer. Once every chunk is written, each file's size and
 * CRC32C are checked against the snapshot data, the files are forced to disk and {@link SnapshotDirs#META_FILE}
 * is written last: a directory with it is complete and intact.
 *
 * <p>A phase enum ({@link State}) and no threads: the {@link SnapshotAgent} drives it with {@link #poll} and
 * {@link #onChunk}, with its clock. Owned by the snapshot agent (file I/O stays off the raft and apply agents).
 */
final class ChunkFetch implements AutoCloseable {
    /** Where the transfer is. */
    enum State {
        /** Chunks are being fetched. */
        RUNNING,
        /** Every file is here, checked, and the meta file written. */
        COMPLETE,
        /** Given up: {@link #failure()} says why; the directory's contents are not to be used. */
        FAILED
    }

    /** Sends chunk requests for a fetch. */
    @FunctionalInterface
    interface Requester {
        /**
         * @return false if the request could not leave now; it counts as sent and is asked again after the
         *     request timeout.
         */
        boolean request(ChunkFetch fetch, String fileName, long offset, int length);
    }

    private static final int CRC_BUFFER_BYTES = 64 * 1024;

    private final long fromStoreId;
    private final RaftMessage message;
    private final SnapshotData data;
    private final Path dir;
    private final int chunkBytes;
    private final long requestTimeoutMs;
    private final long transferTimeoutMs;
    private final FileChannel[] channels;
    private final int[] slotFile;
    private final long[] slotOffset;
    private final int[] slotLength;
    private final long[] slotSentMs;
    private final boolean[] slotUsed;
    private final ByteBuffer scratch;
    private int nextFile;
    private long nextOffset;
    private int inFlight;
    private long lastProgressMs;
    private State state = State.RUNNING;
    private String failure;
    private long requests;
    private long rerequests;
    private long chunks;

    /**
     * Creates the receive directory and one empty file per snapshot file.
     *
     * @throws IOException if the directory or a file cannot be made (the caller reports the transfer failed).
     */
    ChunkFetch(
        final long fromStoreId, final RaftMessage message, final SnapshotData data, final Path dir,
        final int chunkBytes, final int window, final long requestTimeoutMs, final long transferTimeoutMs,
        final long nowMs) throws IOException {
        this.fromStoreId = fromStoreId;
        this.message = message;
        this.data = data;
        this.dir = dir;
        this.chunkBytes = chunkBytes;
        this.requestTimeoutMs = requestTimeoutMs;
        this.transferTimeoutMs = transferTimeoutMs;
        this.slotFile = new int[window];
        this.slotOffset = new long[window];
        this.slotLength = new int[window];
        this.slotSentMs = new long[window];
        this.slotUsed = new boolean[window];
        this.scratch = ByteBuffer.allocateDirect(chunkBytes);
        this.lastProgressMs = nowMs;
        SnapshotDirs.deleteTree(dir);
        Files.createDirectories(dir);
        channels = new FileChannel[data.files().size()];
        try {
            for (int i = 0; i < channels.length; i++) {
                channels[i] = FileChannel.open(dir.resolve(data.files().get(i).name()), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
        } catch (final IOException ex) {
            close();
            throw ex;
        }
        skipEmptyFiles();
    }

    /**
     * Sends what the window allows: requests timed out again, then new ones; finishes the transfer once every
     * chunk is in.
     *
     * @return work done (requests sent, a state change).
     */
    int poll(final long nowMs, final Requester out) {
        if (state != State.RUNNING) {
            return 0;
        }
        if (nowMs - lastProgressMs > transferTimeoutMs) {
            fail("no chunk from store " + fromStoreId + " for " + (nowMs - lastProgressMs) + " ms");
            return 1;
        }
        int work = 0;
        for (int slot = 0; slot < slotUsed.length; slot++) {
            if (slotUsed[slot] && nowMs - slotSentMs[slot] >= requestTimeoutMs) {
                slotSentMs[slot] = nowMs;
                rerequests++;
                out.request(this, data.files().get(slotFile[slot]).name(), slotOffset[slot], slotLength[slot]);
                work++;
            }
        }
        while (inFlight < slotUsed.length && nextFile < channels.length) {
            final int slot = freeSlot();
            final long size = data.files().get(nextFile).sizeBytes();
            final int length = (int)Math.min(chunkBytes, size - nextOffset);
            slotUsed[slot] = true;
            slotFile[slot] = nextFile;
            slotOffset[slot] = nextOffset;
            slotLength[slot] = length;
            slotSentMs[slot] = nowMs;
            inFlight++;
            requests++;
            nextOffset += length;
            if (nextOffset >= size) {
                nextFile++;
                nextOffset = 0;
                skipEmptyFiles();
            }
            out.request(this, data.files().get(slotFile[slot]).name(), slotOffset[slot], length);
            work++;
        }
        if (inFlight == 0 && nextFile >= channels.length) {
            finish();
            work++;
        }
        return work;
    }

    /**
     * A chunk arrived. One that answers no outstanding request (a duplicate, a late answer to a request asked
     * again, a wrong length) is ignored.
     *
     * @return whether it was written.
     */
    boolean onChunk(
        final String fileName, final long offset, final DirectBuffer buffer, final int index, final int length,
        final long nowMs) {
        if (state != State.RUNNING) {
            return false;
        }
        for (int slot = 0; slot < slotUsed.length; slot++) {
            if (slotUsed[slot] && slotOffset[slot] == offset && slotLength[slot] == length
                && data.files().get(slotFile[slot]).name().equals(fileName)) {
                return write(slot, buffer, index, length, nowMs);
            }
        }
        return false;
    }

    /** The sender does not have the snapshot (any more): the transfer cannot succeed. */
    void onNotFound() {
        if (state == State.RUNNING) {
            fail("store " + fromStoreId + " no longer has snapshot " + Long.toHexString(data.snapshotId()));
        }
    }

    private boolean write(final int slot, final DirectBuffer buffer, final int index, final int length,
        final long nowMs) {
        scratch.clear().limit(length);
        buffer.getBytes(index, scratch, length);
        scratch.flip();
        try {
            long position = slotOffset[slot];
            while (scratch.hasRemaining()) {
                position += channels[slotFile[slot]].write(scratch, position);
            }
        } catch (final IOException ex) {
            fail("cannot write " + dir.resolve(data.files().get(slotFile[slot]).name()) + ": " + ex.getMessage());
            return false;
        }
        slotUsed[slot] = false;
        inFlight--;
        chunks++;
        lastProgressMs = nowMs;
        return true;
    }

    /** Every chunk is written: check each file, make them durable, then mark the directory complete. */
    private void finish() {
        try {
            for (int i = 0; i < channels.length; i++) {
                final SnapshotData.FileInfo file = data.files().get(i);
                if (channels[i].size() != file.sizeBytes()) {
                    fail("snapshot file " + file.name() + " has " + channels[i].size() + " bytes, "
                        + file.sizeBytes() + " expected");
                    return;
                }
                final int crc = crc32c(channels[i]);
                if (crc != file.crc32c()) {
                    fail("snapshot file " + file.name() + " is corrupt: CRC32C " + Integer.toHexString(crc) + ", "
                        + Integer.toHexString(file.crc32c()) + " expected");
                    return;
                }
                channels[i].force(true);
            }
            close();
            final Path meta = dir.resolve(SnapshotDirs.META_FILE);
            try (FileChannel channel = FileChannel.open(meta, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                final ByteBuffer bytes = ByteBuffer.wrap(data.encode());
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
            state = State.COMPLETE;
        } catch (final IOException ex) {
            fail("cannot check or complete " + dir + ": " + ex.getMessage());
        }
    }

    private static int crc32c(final FileChannel channel) throws IOException {
        final CRC32C crc = new CRC32C();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(CRC_BUFFER_BYTES);
        long position = 0;
        int read;
        while ((read = channel.read(buffer, position)) >= 0) {
            position += read;
            buffer.flip();
            crc.update(buffer);
            buffer.clear();
        }
        return (int)crc.getValue();
    }

    private void fail(final String why) {
        state = State.FAILED;
        failure = why;
        close();
    }

    private void skipEmptyFiles() {
        while (nextFile < channels.length && data.files().get(nextFile).sizeBytes() == 0) {
            nextFile++;
        }
    }

    private int freeSlot() {
        for (int slot = 0; slot < slotUsed.length; slot++) {
            if (!slotUsed[slot]) {
                return slot;
            }
        }
        throw new IllegalStateException("no free slot with " + inFlight + " in flight");
    }

    State state() {
        return state;
    }

    String failure() {
        return failure;
    }

    long fromStoreId() {
        return fromStoreId;
    }

    RaftMessage message() {
        return message;
    }

    SnapshotData data() {
        return data;
    }

    Path dir() {
        return dir;
    }

    /** @return chunk requests outstanding: never more than the window. */
    int inFlight() {
        return inFlight;
    }

    long requests() {
        return requests;
    }

    long rerequests() {
        return rerequests;
    }

    long chunks() {
        return chunks;
    }

    @Override
    public void close() {
        for (final FileChannel channel : channels == null ? new FileChannel[0] : channels) {
            CloseHelper.quietClose(channel);
        }
    }
}
