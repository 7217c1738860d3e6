package io.tkv.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * Makes a client's retried write apply once: the store's table of recent write outcomes, per region.
 * <p>
 * Every write carries {@code (clientId, requestId, firstIncompleteId)}: a random nonzero id per client (0 for an
 * old client, which gets no deduplication), the request's correlation id (unique and increasing per client), and
 * a promise that the client has seen the outcome of every request below {@code firstIncompleteId} and will never
 * send one of them again. Applied in log order on every replica, the rules give every replica the same answer:
 * <ul>
 * <li>{@code clientId == 0}: {@link DedupStatus#NEW}, nothing recorded.</li>
 * <li>the request id is recorded for the client: {@link DedupStatus#DUPLICATE}, answered with the recorded reply
 *     bytes (the encoded reply frame of the first execution); nothing is applied.</li>
 * <li>the request id is below the client's low-water mark and not recorded: {@link DedupStatus#STALE}, nothing
 *     applied.</li>
 * <li>else {@link DedupStatus#NEW}: once applied, its reply is recorded, the mark rises to
 *     {@code max(mark, firstIncompleteId)} and replies below the mark are dropped.</li>
 * </ul>
 * A client not seen for {@link StorageConfig#dedupClientTtlMs()} of <em>entry</em> time is forgotten. Every entry
 * from a known client counts as seeing it, a duplicate too, so a client that keeps retrying is not forgotten under
 * its retries. Forgetting is amortized: at most {@link #MAX_EXPIRED_PER_ENTRY} clients per applied entry, oldest
 * (last seen, then client id) first. It runs per entry rather than per apply batch because replicas cut their
 * apply batches differently, and they must forget the same clients at the same entry.
 * <p>
 * Persisted in the region's band of the {@code raft} column family ({@link RegionKeys}), written only through an
 * {@link ApplyBatch}, so it is part of the region's state and of its snapshots; loaded into memory at start-up so
 * the hot path reads no RocksDB. Memory: one {@code byte[]} per recorded reply (a copy of the caller's frame,
 * needed because the record outlives it); nothing else is allocated per write. A new client costs one record.
 * <p>
 * <b>Single owner:</b> the apply agent (the same thread as its {@link ApplyBatch}).
 */
public final class DedupTable {
    /** The most clients forgotten per applied entry. */
    public static final int MAX_EXPIRED_PER_ENTRY = 8;

    private final StorageEngine engine;
    private final ColumnFamilyHandle cf;
    private final long clientTtlMs;
    private final Long2ObjectHashMap<RegionDedup> regions = new Long2ObjectHashMap<>();
    private final UnsafeBuffer replyView = new UnsafeBuffer(0, 0);
    private final ExpandableDirectByteBuffer keyScratch = new ExpandableDirectByteBuffer(RegionKeys.REPLY_KEY_LENGTH);
    private final ExpandableDirectByteBuffer valueScratch = new ExpandableDirectByteBuffer(256);

    private DedupTable(final StorageEngine engine) {
        this.engine = engine;
        this.cf = engine.handle(ColumnFamily.RAFT);
        this.clientTtlMs = engine.config().dedupClientTtlMs();
    }

    /**
     * Loads the records of every region from RocksDB; with the client TTL of the engine's config, which must be the
     * same on every replica.
     *
     * @param engine the open engine; must outlive the table.
     * @return the table.
     * @throws StorageException if RocksDB fails or a record is corrupt.
     */
    public static DedupTable load(final StorageEngine engine) {
        final DedupTable table = new DedupTable(engine);
        table.loadRange(RegionKeys.allBandsStart(), RegionKeys.allBandsEnd());
        return table;
    }

    /**
     * @return how long, in entry time, a client is remembered after its last write.
     */
    public long clientTtlMs() {
        return clientTtlMs;
    }

    /**
     * @return the number of clients the region remembers.
     */
    public int clientCount(final long regionId) {
        final RegionDedup region = regions.get(regionId);
        return region == null ? 0 : region.clients.size();
    }

    /**
     * @return the number of replies the region holds, over all clients.
     */
    public int replyCount(final long regionId) {
        final RegionDedup region = regions.get(regionId);
        return region == null ? 0 : region.replyCount;
    }

    /** The region's records, created empty on first use. */
    RegionDedup region(final long regionId) {
        RegionDedup region = regions.get(regionId);
        if (region == null) {
            region = new RegionDedup(regionId);
            regions.put(regionId, region);
        }
        return region;
    }

    /**
     * Classifies a write. A duplicate's reply is then in {@link #duplicateReply()}; seeing a known client refreshes
     * its last-seen time, staged in {@code batch}.
     */
    DedupStatus check(
        final RegionDedup region, final long clientId, final long requestId, final long nowMs,
        final WriteBatch batch) {
        if (clientId == 0) {
            return DedupStatus.NEW;
        }
        final DedupClient client = region.clients.get(clientId);
        if (client == null) {
            return DedupStatus.NEW;
        }
        final byte[] reply = client.reply(requestId);
        final DedupStatus status;
        if (reply != null) {
            replyView.wrap(reply);
            status = DedupStatus.DUPLICATE;
        } else if (requestId < client.lowWaterMark) {
            status = DedupStatus.STALE;
        } else {
            // Seen when its reply is recorded.
            return DedupStatus.NEW;
        }
        if (nowMs > client.lastSeenMs) {
            client.lastSeenMs = nowMs;
            region.expiryQueue.update(client);
            stageClient(batch, region, client);
        }
        return status;
    }

    /**
     * @return the reply found by the last {@link #check} that answered DUPLICATE; valid until the next check.
     */
    DirectBuffer duplicateReply() {
        return replyView;
    }

    /**
     * Records the reply of a NEW write after it was applied, raises the client's mark and drops the replies below
     * it, all staged in {@code batch}. Nothing for client id 0.
     *
     * @throws IllegalStateException if the write is not NEW (recorded, or below the mark).
     */
    void record(
        final RegionDedup region, final long clientId, final long requestId, final long firstIncompleteId,
        final DirectBuffer reply, final int offset, final int length, final long nowMs, final WriteBatch batch) {
        if (clientId == 0) {
            return;
        }
        DedupClient client = region.clients.get(clientId);
        if (client == null) {
            client = new DedupClient(clientId);
            client.lastSeenMs = nowMs;
            region.add(client);
        } else if (client.reply(requestId) != null || requestId < client.lowWaterMark) {
            throw new IllegalStateException(
                "request " + requestId + " of client " + clientId + " is not NEW: its reply cannot be recorded");
        } else if (nowMs > client.lastSeenMs) {
            client.lastSeenMs = nowMs;
        }
        region.changes++;
        final byte[] copy = new byte[length];
        reply.getBytes(offset, copy);
        client.add(requestId, copy);
        region.replyCount++;
        valueScratch.putBytes(0, copy);
        stage(batch, RegionKeys.replyKey(keyScratch, region.regionId, clientId, requestId), length);

        client.lowWaterMark = Math.max(client.lowWaterMark, firstIncompleteId);
        while (client.hasReplyBelow(client.lowWaterMark)) {
            stageDelete(batch, RegionKeys.replyKey(keyScratch, region.regionId, clientId, client.requestIdAt(0)));
            client.removeFirst();
            region.replyCount--;
        }
        region.expiryQueue.update(client);
        stageClient(batch, region, client);
    }

    /**
     * Forgets up to {@link #MAX_EXPIRED_PER_ENTRY} clients not seen for the TTL as of {@code nowMs}, in memory and
     * (staged in {@code batch}) in RocksDB.
     *
     * @return the number forgotten.
     */
    int expire(final RegionDedup region, final long nowMs, final WriteBatch batch) {
        int expired = 0;
        DedupClient oldest;
        while (expired < MAX_EXPIRED_PER_ENTRY && (oldest = region.expiryQueue.peek()) != null &&
            nowMs - oldest.lastSeenMs >= clientTtlMs) {
            region.changes++;
            for (int i = 0; i < oldest.replyCount(); i++) {
                stageDelete(batch,
                    RegionKeys.replyKey(keyScratch, region.regionId, oldest.clientId, oldest.requestIdAt(i)));
            }
            stageDelete(batch, RegionKeys.clientKey(keyScratch, region.regionId, oldest.clientId));
            region.remove(oldest);
            expired++;
        }
        return expired;
    }

    /**
     * Replaces the region's records in memory by what RocksDB holds: after an aborted batch (memory ran ahead of
     * what was written) and after a snapshot ingest.
     */
    void reload(final long regionId) {
        regions.remove(regionId);
        loadRange(RegionKeys.bandStart(regionId), RegionKeys.bandEnd(regionId));
    }

    private void loadRange(final byte[] start, final byte[] end) {
        engine.ensureOpen();
        try (Slice lower = new Slice(start);
            Slice upper = new Slice(end);
            ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
            RocksIterator it = engine.db().newIterator(cf, options)) {
            // Cold path (start-up, abort, ingest): plain arrays keep it readable.
            final UnsafeBuffer key = new UnsafeBuffer(0, 0);
            DedupClient client = null;
            long clientRegion = 0;
            for (it.seekToFirst(); it.isValid(); it.next()) {
                final byte[] keyBytes = it.key();
                key.wrap(keyBytes);
                if (RegionKeys.kind(key, keyBytes.length) != RegionKeys.KIND_DEDUP) {
                    continue;
                }
                final long regionId = RegionKeys.regionId(key);
                final long clientId = RegionKeys.clientId(key);
                if (RegionKeys.isClientRecord(keyBytes.length)) {
                    client = loadClient(region(regionId), clientId, it.value());
                    clientRegion = regionId;
                } else if (client == null || clientRegion != regionId || client.clientId != clientId) {
                    throw new StorageException(
                        "corrupt dedup table: reply of client " + clientId + " in region " + regionId +
                        " has no record");
                } else {
                    client.add(RegionKeys.requestId(key), it.value());
                    region(regionId).replyCount++;
                }
            }
            it.status();
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot load dedup table: " + ex.getMessage(), ex);
        }
    }

    private static DedupClient loadClient(final RegionDedup region, final long clientId, final byte[] value) {
        if (value.length != RegionKeys.TWO_LONGS_LENGTH) {
            throw new StorageException("corrupt dedup record of client " + clientId + " in region " +
                region.regionId + ": " + value.length + " bytes instead of 16");
        }
        final ByteBuffer buffer = ByteBuffer.wrap(value).order(ByteOrder.BIG_ENDIAN);
        final DedupClient client = new DedupClient(clientId);
        client.lowWaterMark = buffer.getLong();
        client.lastSeenMs = buffer.getLong();
        region.add(client);
        return client;
    }

    private void stageClient(final WriteBatch batch, final RegionDedup region, final DedupClient client) {
        region.changes++;
        RegionKeys.putTwoLongs(valueScratch, client.lowWaterMark, client.lastSeenMs);
        stage(batch, RegionKeys.clientKey(keyScratch, region.regionId, client.clientId),
            RegionKeys.TWO_LONGS_LENGTH);
    }

    private void stage(final WriteBatch batch, final int keyLength, final int valueLength) {
        try {
            batch.put(cf, slice(keyScratch, keyLength), slice(valueScratch, valueLength));
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot stage dedup record: " + ex.getMessage(), ex);
        }
    }

    private void stageDelete(final WriteBatch batch, final int keyLength) {
        try {
            batch.delete(cf, slice(keyScratch, keyLength));
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot stage dedup delete: " + ex.getMessage(), ex);
        }
    }

    private static ByteBuffer slice(final ExpandableDirectByteBuffer scratch, final int length) {
        // Fetched after encoding: growing the expandable buffer replaces its ByteBuffer.
        final ByteBuffer buffer = scratch.byteBuffer();
        buffer.clear().limit(length);
        return buffer;
    }
}
