package io.tkv.raft.snapshot;

import io.tkv.codec.SnapshotChunkStatus;
import org.agrona.CloseHelper;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The sending side of snapshot transfers: answers chunk requests from the files of {@link SnapshotDirs#sendDir}
 * (a request names the snapshot and the file, so serving needs no state beyond open files), and keeps the
 * transfers the raft agent started so each ends in one report: the follower's SnapshotDone, or a timeout when it
 * asked for nothing for {@code transferTimeoutMs}. A superseded export is deleted once no transfer of it is
 * running.
 *
 * <p>Owned by the snapshot agent; not thread safe.
 */
final class ChunkServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkServer.class);

    /** Told how a transfer ended. */
    @FunctionalInterface
    interface Reports {
        void report(long regionId, long peerId, boolean delivered);
    }

    /** A SNAPSHOT this store sent, until it ends. */
    private static final class Transfer {
        final long snapshotId;
        final long toStoreId;
        final long regionId;
        final long peerId;
        long lastActivityMs;

        Transfer(final long snapshotId, final long toStoreId, final long regionId, final long peerId,
            final long nowMs) {
            this.snapshotId = snapshotId;
            this.toStoreId = toStoreId;
            this.regionId = regionId;
            this.peerId = peerId;
            this.lastActivityMs = nowMs;
        }
    }

    /** An open file being served. */
    private static final class OpenFile {
        final FileChannel channel;
        long lastUseMs;

        OpenFile(final FileChannel channel) {
            this.channel = channel;
        }
    }

    private final Path root;
    private final int chunkBytes;
    private final long transferTimeoutMs;
    private final List<Transfer> transfers = new ArrayList<>();
    private final LongHashSet retired = new LongHashSet();
    private final Map<Path, OpenFile> open = new HashMap<>();
    private final ByteBuffer scratch;
    private final UnsafeBuffer scratchView;
    private long chunksServed;

    ChunkServer(final Path root, final int chunkBytes, final long transferTimeoutMs) {
        this.root = root;
        this.chunkBytes = chunkBytes;
        this.transferTimeoutMs = transferTimeoutMs;
        this.scratch = ByteBuffer.allocateDirect(chunkBytes);
        this.scratchView = new UnsafeBuffer(scratch);
    }

    /** A SNAPSHOT left for {@code toStoreId}: track it (again, if the leader sent the same one once more). */
    void onSent(final long snapshotId, final long toStoreId, final long regionId, final long peerId,
        final long nowMs) {
        final Transfer known = find(snapshotId, toStoreId);
        if (known != null) {
            known.lastActivityMs = nowMs;
            return;
        }
        transfers.add(new Transfer(snapshotId, toStoreId, regionId, peerId, nowMs));
    }

    /** Answers a chunk request with the bytes, or NOT_FOUND (unknown snapshot or file, a bad range). */
    void onRequest(
        final long fromStoreId, final long snapshotId, final long regionId, final String fileName, final long offset,
        final int length, final long nowMs, final SnapshotLinks links) {
        final Transfer transfer = find(snapshotId, fromStoreId);
        if (transfer != null) {
            transfer.lastActivityMs = nowMs;
        }
        final int read = SnapshotDirs.isSafeFileName(fileName) && offset >= 0 && length > 0 && length <= chunkBytes
            ? read(SnapshotDirs.sendDir(root, snapshotId).resolve(fileName), offset, length, nowMs) : -1;
        if (read < 0) {
            // Echo only a name that could be a file of ours: anything else could be as long as the request frame.
            links.chunk(fromStoreId, snapshotId, regionId, SnapshotDirs.isSafeFileName(fileName) ? fileName : "",
                offset, SnapshotChunkStatus.NOT_FOUND, scratchView, 0);
            return;
        }
        if (links.chunk(fromStoreId, snapshotId, regionId, fileName, offset, SnapshotChunkStatus.OK, scratchView,
            read)) {
            chunksServed++;
        }
    }

    /**
     * The follower says the transfer ended: reported for the region and peer this store sent that snapshot to, so a
     * store can only end its own transfers (the frame's own region and peer fields are not trusted).
     *
     * @return whether this store was tracking it.
     */
    boolean onDone(final long fromStoreId, final long snapshotId, final boolean ok, final Reports reports) {
        final Transfer transfer = find(snapshotId, fromStoreId);
        if (transfer == null) {
            return false;
        }
        transfers.remove(transfer);
        reports.report(transfer.regionId, transfer.peerId, ok);
        return true;
    }

    /** A newer export replaced this one: delete it once no transfer of it runs. */
    void retire(final long snapshotId) {
        retired.add(snapshotId);
    }

    /**
     * Ends transfers that went quiet, closes idle files, deletes retired exports no transfer uses.
     *
     * @return work done.
     */
    int housekeep(final long nowMs, final Reports reports) {
        int work = 0;
        for (final Iterator<Transfer> it = transfers.iterator(); it.hasNext();) {
            final Transfer transfer = it.next();
            if (nowMs - transfer.lastActivityMs > transferTimeoutMs) {
                it.remove();
                LOG.warn("snapshot {} to store {} timed out", Long.toHexString(transfer.snapshotId),
                    transfer.toStoreId);
                reports.report(transfer.regionId, transfer.peerId, false);
                work++;
            }
        }
        for (final Iterator<OpenFile> it = open.values().iterator(); it.hasNext();) {
            final OpenFile file = it.next();
            if (nowMs - file.lastUseMs > transferTimeoutMs) {
                CloseHelper.quietClose(file.channel);
                it.remove();
            }
        }
        for (final LongHashSet.LongIterator it = retired.iterator(); it.hasNext();) {
            final long snapshotId = it.nextValue();
            if (!inUse(snapshotId)) {
                it.remove();
                deleteExport(snapshotId);
                work++;
            }
        }
        return work;
    }

    long chunksServed() {
        return chunksServed;
    }

    int transfers() {
        return transfers.size();
    }

    private boolean inUse(final long snapshotId) {
        for (int i = 0; i < transfers.size(); i++) {
            if (transfers.get(i).snapshotId == snapshotId) {
                return true;
            }
        }
        return false;
    }

    private void deleteExport(final long snapshotId) {
        final Path dir = SnapshotDirs.sendDir(root, snapshotId);
        for (final Iterator<Map.Entry<Path, OpenFile>> it = open.entrySet().iterator(); it.hasNext();) {
            final Map.Entry<Path, OpenFile> entry = it.next();
            if (entry.getKey().startsWith(dir)) {
                CloseHelper.quietClose(entry.getValue().channel);
                it.remove();
            }
        }
        try {
            SnapshotDirs.deleteTree(dir);
        } catch (final IOException ex) {
            LOG.warn("cannot delete snapshot export {}: {}", dir, ex.toString());
        }
    }

    /** @return bytes read into the scratch buffer, or -1 if the file or range does not exist. */
    private int read(final Path path, final long offset, final int length, final long nowMs) {
        try {
            OpenFile file = open.get(path);
            if (file == null) {
                if (!Files.isRegularFile(path)) {
                    return -1;
                }
                file = new OpenFile(FileChannel.open(path, StandardOpenOption.READ));
                open.put(path, file);
            }
            file.lastUseMs = nowMs;
            if (offset + length > file.channel.size()) {
                return -1;
            }
            scratch.clear().limit(length);
            long position = offset;
            while (scratch.hasRemaining()) {
                final int read = file.channel.read(scratch, position);
                if (read < 0) {
                    return -1;
                }
                position += read;
            }
            return length;
        } catch (final IOException ex) {
            LOG.warn("cannot serve {}: {}", path, ex.toString());
            return -1;
        }
    }

    private Transfer find(final long snapshotId, final long toStoreId) {
        for (int i = 0; i < transfers.size(); i++) {
            final Transfer transfer = transfers.get(i);
            if (transfer.snapshotId == snapshotId && transfer.toStoreId == toStoreId) {
                return transfer;
            }
        }
        return null;
    }

    @Override
    public void close() {
        for (final OpenFile file : open.values()) {
            CloseHelper.quietClose(file.channel);
        }
        open.clear();
    }
}
