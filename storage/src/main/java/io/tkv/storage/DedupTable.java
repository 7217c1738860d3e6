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
 * <li>an unknown client while the region is full of clients seen within {@link #CLIENT_EVICTION_MIN_IDLE_MS}:
 *     {@link DedupStatus#REFUSED}, nothing applied or recorded.</li>
 * <li>else {@link DedupStatus#NEW}: once applied, its reply is recorded, the mark rises to
 *     {@code max(mark, firstIncompleteId)} and replies below the mark are dropped.</li>
 * </ul>
 * <b>Bounds.</b> A client need not keep its promise moving, and client ids cost an attacker one session each, so
 * what the table holds is bounded, per region: at most {@link #MAX_REPLIES_PER_CLIENT} replies per client, at most
 * {@link #MAX_REPLY_BYTES_PER_REGION} charged bytes of replies over all clients, at most
 * {@link #MAX_CLIENTS_PER_REGION} clients. A reply evicted to keep these bounds is always a client's oldest, and the
 * client's mark rises past it: a retry of it, or of any older request of the client that has not applied yet, is
 * then STALE — refused, never applied a second time (its outcome is no longer known: an earlier copy may have
 * applied). Over the byte budget, the client holding the most bytes gives up its oldest reply first. A client is
 * forgotten only once idle (last seen) for {@link #CLIENT_TTL_MS}, or for {@link #CLIENT_EVICTION_MIN_IDLE_MS} when a
 * new client needs its room; a forgotten client's next write counts as new, so the table's guarantee covers the
 * retries a client sends within that idle time of its last write in the region, which the client library keeps
 * (its request timeout, after which it stops resending, is far shorter). When no client is idle enough, a new
 * client is REFUSED, not let in at the cost of another client's guarantee.
 * <p>
 * <b>Deterministic.</b> The table is part of the replicated state machine: every decision is a function of the
 * committed log alone — the entries in order, their request ids, and the entry time each write carries (the
 * leader's proposal time); the bounds are constants, not settings, since two replicas with different bounds would
 * answer the same retry differently. No wall clock is read. Every order used to choose a victim (by last seen, by
 * bytes) is total, breaking ties by client id, and depends only on persisted fields, so a replica that reloaded the
 * table ({@link #load}, or after a snapshot ingest) picks the same victims as one that never restarted. Forgetting
 * by TTL is amortized: at most {@link #MAX_EXPIRED_PER_ENTRY} clients per timed entry, oldest (last seen, then
 * client id) first; it runs per entry rather than per apply batch because replicas cut their apply batches
 * differently, and they must forget the same clients at the same entry. A table loaded over its bounds (written by
 * a build without them) is brought back within them by the same per-entry rules, never at load time.
 * <p>
 * Persisted in the region's band of the {@code raft} column family ({@link RegionKeys}), written only through an
 * {@link ApplyBatch}, so it is part of the region's state and of its snapshots; loaded into memory at start-up so
 * the hot path reads no RocksDB. Memory: one {@code byte[]} per recorded reply (a copy of the caller's frame,
 * needed because the record outlives it); nothing else is allocated per write. A new client costs one record.
 * <p>
 * <b>Single owner:</b> the apply agent (the same thread as its {@link ApplyBatch}).
 */
public final class DedupTable {
    /** The most clients forgotten per applied entry, by the TTL or to make room. */
    public static final int MAX_EXPIRED_PER_ENTRY = 8;
    /**
     * How long, in entry time, a client is remembered after its last write: 10 minutes, a hundred times the
     * client library's default request timeout (5 s), so no retry of a client that is still trying comes later.
     */
    public static final long CLIENT_TTL_MS = 10L * 60 * 1000;
    /**
     * The shortest idle time (entry time since its last write) after which a client may be forgotten early, to make
     * room for a new one in a full region: 60 s, twelve times the client's default request timeout and twice the
     * longest it may be configured with, so a client is never forgotten while it may still resend a write.
     */
    public static final long CLIENT_EVICTION_MIN_IDLE_MS = 60_000;
    /**
     * The most clients a region remembers: 16,384, a few MiB of records, far more clients than write to one region
     * within {@link #CLIENT_EVICTION_MIN_IDLE_MS} in any deployment we know of (each {@code RawKvClient} is one).
     */
    public static final int MAX_CLIENTS_PER_REGION = 16_384;
    /**
     * The most replies remembered per client: 4,096, four times the client library's default {@code maxInFlight}
     * (1,024), so a client keeps every outcome it may still ask for even with a request stuck while three windows
     * of others complete; a client that never raises its mark cannot hold more.
     */
    public static final int MAX_REPLIES_PER_CLIENT = 4_096;
    /**
     * The most bytes the replies of a region are charged in all ({@link DedupClient#chargeOf}: length + 64): 32 MiB.
     * Replies are small (about 30 bytes) except a compare-and-swap's, which carries the previous value (up to a value
     * limit, 256 KiB by default), so a count alone would not bound memory; 32 MiB holds 4,096 replies of 8,000
     * clients, or 128 of the largest CAS replies.
     */
    public static final long MAX_REPLY_BYTES_PER_REGION = 32L * 1024 * 1024;

    private final StorageEngine engine;
    private final ColumnFamilyHandle cf;
    private final Long2ObjectHashMap<RegionDedup> regions = new Long2ObjectHashMap<>();
    private final UnsafeBuffer replyView = new UnsafeBuffer(0, 0);
    private final ExpandableDirectByteBuffer keyScratch = new ExpandableDirectByteBuffer(RegionKeys.REPLY_KEY_LENGTH);
    private final ExpandableDirectByteBuffer valueScratch = new ExpandableDirectByteBuffer(256);

    private DedupTable(final StorageEngine engine) {
        this.engine = engine;
        this.cf = engine.handle(ColumnFamily.RAFT);
    }

    /**
     * Loads the records of every region from RocksDB, as they are: trimming a table over its bounds here would make
     * this replica differ from one that did not restart; the apply path's per-entry rules do it on every replica.
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

    /**
     * @return the bytes the region's replies are charged, over all clients.
     */
    public long replyBytes(final long regionId) {
        final RegionDedup region = regions.get(regionId);
        return region == null ? 0 : region.replyBytes;
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
     * its last-seen time, and making room for a new client forgets an idle one, both staged in {@code batch}.
     */
    DedupStatus check(
        final RegionDedup region, final long clientId, final long requestId, final long nowMs,
        final WriteBatch batch) {
        if (clientId == 0) {
            return DedupStatus.NEW;
        }
        final DedupClient client = region.clients.get(clientId);
        if (requestId == Long.MAX_VALUE && client == null) {
            // The largest id is never applied: a mark could not rise past it when its reply is evicted.
            return DedupStatus.STALE;
        }
        if (client == null) {
            return makeRoom(region, nowMs, batch) ? DedupStatus.NEW : DedupStatus.REFUSED;
        }
        final byte[] reply = client.reply(requestId);
        final DedupStatus status;
        if (reply != null) {
            replyView.wrap(reply);
            status = DedupStatus.DUPLICATE;
        } else if (requestId < client.lowWaterMark || requestId == Long.MAX_VALUE) {
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
     * it, then evicts what the bounds no longer allow, all staged in {@code batch}. Nothing for client id 0.
     *
     * @throws IllegalStateException if the write is not NEW (recorded, below the mark, or of a new client the region
     *                               has no room for: {@link #check} first).
     */
    void record(
        final RegionDedup region, final long clientId, final long requestId, final long firstIncompleteId,
        final DirectBuffer reply, final int offset, final int length, final long nowMs, final WriteBatch batch) {
        if (clientId == 0) {
            return;
        }
        DedupClient client = region.clients.get(clientId);
        if (client == null) {
            if (region.clients.size() >= MAX_CLIENTS_PER_REGION) {
                throw new IllegalStateException("region " + region.regionId + " has no room for client " + clientId +
                    ": its write was not checked");
            }
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
        region.addReply(client, requestId, copy);
        valueScratch.putBytes(0, copy);
        stage(batch, RegionKeys.replyKey(keyScratch, region.regionId, clientId, requestId), length);

        client.lowWaterMark = Math.max(client.lowWaterMark, firstIncompleteId);
        while (client.hasReplyBelow(client.lowWaterMark)) {
            stageDelete(batch, RegionKeys.replyKey(keyScratch, region.regionId, clientId, client.requestIdAt(0)));
            region.removeFirstReply(client);
        }
        while (client.replyCount() > MAX_REPLIES_PER_CLIENT) {
            evictOldestReply(region, client, batch);
        }
        region.expiryQueue.update(client);
        // The region's budget last: it takes from whoever holds the most, this client too.
        while (region.replyBytes > MAX_REPLY_BYTES_PER_REGION) {
            final DedupClient largest = region.sizeQueue.peek();
            evictOldestReply(region, largest, batch);
            if (largest != client) {
                stageClient(batch, region, largest);
            }
        }
        stageClient(batch, region, client);
    }

    /**
     * Drops a client's oldest reply to keep a bound, and raises its mark past it so a retry of it is STALE rather
     * than NEW: a write whose record is gone must never apply again. The caller stages the client's record.
     */
    private void evictOldestReply(final RegionDedup region, final DedupClient client, final WriteBatch batch) {
        final long requestId = client.requestIdAt(0);
        stageDelete(batch, RegionKeys.replyKey(keyScratch, region.regionId, client.clientId, requestId));
        region.removeFirstReply(client);
        // No overflow: a request id of Long.MAX_VALUE is never NEW (check), so never recorded.
        client.lowWaterMark = Math.max(client.lowWaterMark, requestId + 1);
        region.changes++;
    }

    /**
     * Makes room for a new client in a full region by forgetting the clients seen longest ago, at most
     * {@link #MAX_EXPIRED_PER_ENTRY} of them, and only those idle for {@link #CLIENT_EVICTION_MIN_IDLE_MS}.
     *
     * @return whether there is room now.
     */
    private boolean makeRoom(final RegionDedup region, final long nowMs, final WriteBatch batch) {
        int forgotten = 0;
        while (region.clients.size() >= MAX_CLIENTS_PER_REGION) {
            final DedupClient oldest = region.expiryQueue.peek();
            if (forgotten == MAX_EXPIRED_PER_ENTRY || nowMs - oldest.lastSeenMs < CLIENT_EVICTION_MIN_IDLE_MS) {
                return false;
            }
            forget(region, oldest, batch);
            forgotten++;
        }
        return true;
    }

    /**
     * Forgets up to {@link #MAX_EXPIRED_PER_ENTRY} clients not seen for {@link #CLIENT_TTL_MS} as of {@code nowMs},
     * in memory and (staged in {@code batch}) in RocksDB.
     *
     * @return the number forgotten.
     */
    int expire(final RegionDedup region, final long nowMs, final WriteBatch batch) {
        int expired = 0;
        DedupClient oldest;
        while (expired < MAX_EXPIRED_PER_ENTRY && (oldest = region.expiryQueue.peek()) != null &&
            nowMs - oldest.lastSeenMs >= CLIENT_TTL_MS) {
            forget(region, oldest, batch);
            expired++;
        }
        return expired;
    }

    private void forget(final RegionDedup region, final DedupClient client, final WriteBatch batch) {
        region.changes++;
        for (int i = 0; i < client.replyCount(); i++) {
            stageDelete(batch,
                RegionKeys.replyKey(keyScratch, region.regionId, client.clientId, client.requestIdAt(i)));
        }
        stageDelete(batch, RegionKeys.clientKey(keyScratch, region.regionId, client.clientId));
        region.remove(client);
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
                    region(regionId).addReply(client, RegionKeys.requestId(key), it.value());
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
