package io.tkv.storage;

import static io.tkv.storage.DedupTable.CLIENT_EVICTION_MIN_IDLE_MS;
import static io.tkv.storage.DedupTable.MAX_CLIENTS_PER_REGION;
import static io.tkv.storage.DedupTable.MAX_REPLIES_PER_CLIENT;
import static io.tkv.storage.DedupTable.MAX_REPLY_BYTES_PER_REGION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksIterator;

/**
 * The bounds of the {@link DedupTable}: what a client that never raises its mark, a client with large replies, and a
 * flood of client ids can make a region hold, and that every eviction is the same on every replica.
 */
class DedupBoundsTest extends ApplyTestSupport {
    private static final long GREEDY = 0x0BAD_0000_0000_0001L;
    private static final long BIG = 0x0BAD_0000_0000_0002L;
    private static final long CALM = 0x600D_0000_0000_0001L;
    private static final int BIG_REPLY = 256 * 1024;

    private long nextIndex() {
        return state.appliedIndex() + (batch.isOpen() ? batch.entryCount() : 0) + 1;
    }

    /** A retry of a write, in its own batch: its status, and whether the put it carried changed the key. */
    private DedupStatus retry(final long timeMs, final long clientId, final long requestId, final String key) {
        final String before = get(key);
        final DedupStatus status = applyPut(nextIndex(), timeMs, clientId, requestId, 1, key, "retried");
        assertEquals(status == DedupStatus.NEW, !"retried".equals(before) && "retried".equals(get(key)));
        return status;
    }

    /** One write entry whose recorded reply is {@code replyBytes} long. */
    private DedupStatus recordEntry(
        final long timeMs, final long clientId, final long requestId, final long firstIncompleteId,
        final int replyBytes) {
        batch.beginEntry(nextIndex(), 1, timeMs);
        final DedupStatus status = batch.checkRequest(clientId, requestId);
        if (status == DedupStatus.NEW) {
            final UnsafeBuffer reply = new UnsafeBuffer(new byte[replyBytes]);
            reply.putLong(0, requestId);
            batch.recordReply(clientId, requestId, firstIncompleteId, reply, 0, replyBytes);
        }
        return status;
    }

    @Test
    void shouldKeepAtMostMaxRepliesPerClientAndNeverApplyAnEvictedWriteAgain() {
        final int extra = 10;
        batch.begin(state);
        for (int i = 1; i <= MAX_REPLIES_PER_CLIENT + extra; i++) {
            // firstIncompleteId stays 1: the client never says it has seen an outcome.
            assertEquals(DedupStatus.NEW, putEntry(nextIndex(), T0, GREEDY, i, 1, "k" + i, "v"));
        }
        putEntry(nextIndex(), T0, CALM, 1, 1, "calm", "v");
        batch.commit();
        assertEquals(MAX_REPLIES_PER_CLIENT + 1, dedup.replyCount(REGION));
        assertEquals(2 + MAX_REPLIES_PER_CLIENT + 1, dedupKeysOnDisk());

        // The oldest replies went, and the mark with them: their retries are refused, not applied a second time.
        assertEquals(DedupStatus.STALE, retry(T0, GREEDY, 1, "k1"));
        assertEquals(DedupStatus.STALE, retry(T0, GREEDY, extra, "k" + extra));
        assertEquals(DedupStatus.DUPLICATE, retry(T0, GREEDY, extra + 1, "k" + (extra + 1)));
        assertEquals(DedupStatus.DUPLICATE, retry(T0, CALM, 1, "calm"), "another client keeps its replies");

        reopen();
        assertEquals(MAX_REPLIES_PER_CLIENT + 1, dedup.replyCount(REGION));
        assertEquals(DedupStatus.STALE, retry(T0, GREEDY, extra, "k" + extra));
        assertEquals(DedupStatus.DUPLICATE, retry(T0, GREEDY, extra + 1, "k" + (extra + 1)));
    }

    @Test
    void shouldRefuseARequestThatWouldHaveNoRoomForItsMarkToPassIt() {
        assertEquals(DedupStatus.NEW, applyPut(1, T0, CALM, 1, 1, "k", "v"));
        assertEquals(DedupStatus.STALE, applyPut(2, T0, CALM, Long.MAX_VALUE, 1, "k", "max"));
        assertEquals(DedupStatus.STALE, applyPut(3, T0, GREEDY, Long.MAX_VALUE, 1, "k", "max"), "a new client too");
        assertEquals("v", get("k"));
        assertEquals(1, dedup.clientCount(REGION));
    }

    @Test
    void shouldKeepTheRegionsReplyBytesWithinBudgetTakingFromTheLargestClient() {
        batch.begin(state);
        for (int i = 1; i <= 10; i++) {
            assertEquals(DedupStatus.NEW, recordEntry(T0, CALM, i, 1, 100));
        }
        final int bigReplies = (int)(MAX_REPLY_BYTES_PER_REGION / DedupClient.chargeOf(BIG_REPLY)) + 5;
        for (int i = 1; i <= bigReplies; i++) {
            assertEquals(DedupStatus.NEW, recordEntry(T0, BIG, i, 1, BIG_REPLY));
            assertTrue(dedup.replyBytes(REGION) <= MAX_REPLY_BYTES_PER_REGION, "after big reply " + i);
        }
        batch.commit();

        final long calmBytes = 10 * DedupClient.chargeOf(100);
        final int bigKept = (int)((MAX_REPLY_BYTES_PER_REGION - calmBytes) / DedupClient.chargeOf(BIG_REPLY));
        assertEquals(10 + bigKept, dedup.replyCount(REGION), "only the big client gave replies up");
        assertEquals(calmBytes + bigKept * DedupClient.chargeOf(BIG_REPLY), dedup.replyBytes(REGION));
        final int bigEvicted = bigReplies - bigKept;
        assertEquals(DedupStatus.STALE, retry(T0, BIG, bigEvicted, "big"));
        assertEquals(DedupStatus.DUPLICATE, retry(T0, BIG, bigEvicted + 1, "big"));
        assertEquals(DedupStatus.DUPLICATE, retry(T0, CALM, 1, "calm"));

        reopen();
        assertEquals(calmBytes + bigKept * DedupClient.chargeOf(BIG_REPLY), dedup.replyBytes(REGION));
        assertEquals(DedupStatus.STALE, retry(T0, BIG, bigEvicted, "big"));
    }

    @Test
    void shouldRefuseNewClientsWhileTheRegionIsFullOfRecentOnesAndMakeRoomFromTheIdlest() {
        batch.begin(state);
        for (int i = 1; i <= MAX_CLIENTS_PER_REGION; i++) {
            // Clients 1 and 2 were seen first; all the others a millisecond later.
            assertEquals(DedupStatus.NEW, putEntry(nextIndex(), i <= 2 ? T0 : T0 + 1, i, 1, 1, "k", "v" + i));
        }
        batch.commit();
        assertEquals(MAX_CLIENTS_PER_REGION, dedup.clientCount(REGION));

        final long newcomer = MAX_CLIENTS_PER_REGION + 1;
        assertEquals(DedupStatus.REFUSED, retry(T0 + CLIENT_EVICTION_MIN_IDLE_MS - 1, newcomer, 1, "new"));
        assertNull(get("new"), "a refused write applies nothing");
        assertEquals(MAX_CLIENTS_PER_REGION, dedup.clientCount(REGION));
        assertEquals(DedupStatus.NEW, retry(T0 + 5, 2, 2, "known"), "a known client is not refused");

        // Client 1 has now been idle long enough; client 2 wrote since.
        assertEquals(DedupStatus.NEW, retry(T0 + CLIENT_EVICTION_MIN_IDLE_MS, newcomer, 1, "new"));
        assertEquals(MAX_CLIENTS_PER_REGION, dedup.clientCount(REGION));
        assertFalse(dedup.region(REGION).clients.containsKey(1));
        assertTrue(dedup.region(REGION).clients.containsKey(2));
        assertEquals(DedupStatus.DUPLICATE, retry(T0 + CLIENT_EVICTION_MIN_IDLE_MS, newcomer, 1, "new"));

        reopen();
        assertEquals(MAX_CLIENTS_PER_REGION, dedup.clientCount(REGION));
        assertEquals(DedupStatus.NEW, retry(T0 + CLIENT_EVICTION_MIN_IDLE_MS + 1, newcomer + 1, 1, "newer"));
        assertTrue(dedup.region(REGION).clients.containsKey(2), "of those seen at T0 + 1, client 3 goes first");
        assertFalse(dedup.region(REGION).clients.containsKey(3));
    }

    @Test
    void shouldRefuseToRecordANewClientWithoutCheckingIt() {
        batch.begin(state);
        for (int i = 1; i <= MAX_CLIENTS_PER_REGION; i++) {
            putEntry(nextIndex(), T0, i, 1, 1, "k", "v");
        }
        batch.commit();
        batch.begin(state);
        batch.beginEntry(nextIndex(), 1, T0 + CLIENT_TTL_MS - 1);
        assertThrows(IllegalStateException.class, () -> record(MAX_CLIENTS_PER_REGION + 1, 1, 1, "reply"));
        assertFalse(batch.isOpen());
    }

    @Test
    void shouldAdvanceOverAnEntryWithoutTimeButNeverWriteInIt() {
        applyPut(1, T0, CALM, 1, 1, "k", "v");
        batch.begin(state);
        // A leader's no-op: no time of its own, so no replica may make one up (a restarted one would differ).
        batch.beginEntry(2, 1);
        batch.commit();
        assertEquals(1, dedup.clientCount(REGION));
        assertEquals(2, state.appliedIndex());
        batch.begin(state);
        batch.beginEntry(3, 1);
        assertThrows(IllegalStateException.class, () -> batch.checkRequest(CALM, 2));
        assertFalse(batch.isOpen(), "an entry without a time cannot write");
        assertEquals(2, state.appliedIndex());
    }

    @Test
    void shouldGiveReplicasTheSameStateWhateverTheirBatchCutsRestartsAndSnapshots() throws Exception {
        final BoundsScript script = new BoundsScript();
        // Replica A: every entry in one batch.
        batch.begin(state);
        for (int i = 1; i <= script.size(); i++) {
            script.apply(this, i);
        }
        batch.commit();
        final String replicaA = digest(engine);
        assertTrue(script.refused > 0 && script.stale > 0, "the script exercises every bound: " + script);
        closeAll();

        // Replica B: one entry per batch, a restart half way, and a snapshot taken a third of the way.
        final Path root = dataDir;
        final Path snapshotDir = root.resolve("snapshot");
        dataDir = root.resolve("replica-b");
        open();
        SnapshotDescriptor descriptor = null;
        for (int i = 1; i <= script.size(); i++) {
            batch.begin(state);
            script.apply(this, i);
            batch.commit();
            if (i == script.size() / 3) {
                descriptor = new RegionSnapshot(engine, dedup).export(REGION, snapshotDir);
            }
            if (i == script.size() / 2) {
                reopen();
            }
        }
        assertEquals(replicaA, digest(engine));
        closeAll();

        // Replica C: installs that snapshot, then applies the rest.
        dataDir = root.resolve("replica-c");
        open();
        state = new RegionSnapshot(engine, dedup).ingest(REGION, snapshotDir, descriptor);
        batch.begin(state);
        for (int i = script.size() / 3 + 1; i <= script.size(); i++) {
            script.apply(this, i);
        }
        batch.commit();
        assertEquals(replicaA, digest(engine));
    }

    /**
     * Writes that run into every bound: a client that never raises its mark, a client whose large replies outgrow
     * the region's budget, then more clients than a region may hold (some refused, some making room), then clients
     * forgotten by the TTL; with one writer at every step whose retries check what was kept.
     */
    private static final class BoundsScript {
        /** Where the greedy client, which sends a new request in four entries of five, reaches its bound. */
        private static final int GREEDY_FULL = MAX_REPLIES_PER_CLIENT * 5 / 4;
        private static final int GREEDY_WRITES = GREEDY_FULL + 200;
        private static final int BIG_WRITES = (int)(MAX_REPLY_BYTES_PER_REGION / DedupClient.chargeOf(BIG_REPLY)) + 8;
        private static final int FLOOD = MAX_CLIENTS_PER_REGION + 40;
        private static final int LATE = 30;
        private int refused;
        private int stale;

        int size() {
            return GREEDY_WRITES + BIG_WRITES + FLOOD + LATE;
        }

        void apply(final DedupBoundsTest test, final int index) {
            final DedupStatus status;
            if (index <= GREEDY_WRITES) {
                // Every fifth entry retries an older request of the greedy client: recorded, or (once it has more
                // than it may keep) evicted.
                final long request = index % 5 != 0 ? index : index > GREEDY_FULL + 50 ? 1 + index % 40 : index / 2;
                status = test.recordEntry(T0 + index, GREEDY, request, 1, 40 + index % 7);
            } else if (index <= GREEDY_WRITES + BIG_WRITES) {
                final long request = index - GREEDY_WRITES;
                status = test.recordEntry(T0 + index, BIG, request, 1, BIG_REPLY - (int)(request % 3));
            } else if (index <= GREEDY_WRITES + BIG_WRITES + FLOOD) {
                // A flood of new clients, 3 ms apart: the region fills within 60 s, so the next ones are refused;
                // the last 20 come 15 s later, when the first comers (greedy and big too) are idle enough to go.
                final int n = index - GREEDY_WRITES - BIG_WRITES;
                final long time = T0 + 10_000 + n * 3L + (n > FLOOD - 20 ? 15_000 : 0);
                status = test.recordEntry(time, 1_000_000 + n * 7L % FLOOD, 1, 1, 30);
            } else {
                // Much later: the TTL forgets a few clients per entry; the calm client retries old requests.
                final int n = index - GREEDY_WRITES - BIG_WRITES - FLOOD;
                status = test.recordEntry(T0 + 20 * 60_000 + n, CALM, 1 + n % 3, 1, 20);
            }
            if (status == DedupStatus.REFUSED) {
                refused++;
            } else if (status == DedupStatus.STALE) {
                stale++;
            }
        }

        @Override
        public String toString() {
            return "refused=" + refused + " stale=" + stale;
        }
    }

    /** Raft CF keys of the region's dedup records: client records and replies. */
    private int dedupKeysOnDisk() {
        int count = 0;
        for (final String key : dump(engine, ColumnFamily.RAFT).keySet()) {
            if (key.startsWith("01" + "0000000000000001" + "02")) {
                count++;
            }
        }
        return count;
    }

    /** A hash of every key and value of every column family: replies of 256 KiB make full dumps too large. */
    private static String digest(final StorageEngine engine) throws NoSuchAlgorithmException {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (final ColumnFamily family : ColumnFamily.values()) {
            try (RocksIterator it = engine.db().newIterator(engine.handle(family))) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    sha.update(it.key());
                    sha.update(it.value());
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
