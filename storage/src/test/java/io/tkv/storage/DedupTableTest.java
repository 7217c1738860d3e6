package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class DedupTableTest extends ApplyTestSupport {
    private static final long CLIENT = 0x1234_5678_9ABC_DEF0L;

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

    @Test
    void shouldApplyWritesOfOldClientsEveryTimeWithoutRecords() {
        assertEquals(DedupStatus.NEW, applyPut(1, T0, 0, 5, 0, "k", "first"));
        assertEquals(DedupStatus.NEW, applyPut(2, T0, 0, 5, 0, "k", "second"));
        assertEquals("second", get("k"));
        assertEquals(0, dedup.clientCount(REGION));
        assertEquals(0, dedupKeysOnDisk());
    }

    @Test
    void shouldAnswerDuplicateWithRecordedReplyAndApplyNothing() {
        assertEquals(DedupStatus.NEW, applyPut(1, T0, CLIENT, 10, 10, "k", "first"));
        applyPut(2, T0, 0, 1, 0, "k", "changed-by-someone-else");
        assertEquals(DedupStatus.DUPLICATE, applyPut(3, T0 + 1, CLIENT, 10, 10, "k", "first"));
        assertEquals("ok:k=first", duplicateReply());
        assertEquals("changed-by-someone-else", get("k"), "the retry applied nothing");
        assertEquals(3, state.appliedIndex(), "a duplicate still advances the applied index");
    }

    @Test
    void shouldSeeDuplicateWithinTheSameBatch() {
        batch.begin(state);
        assertEquals(DedupStatus.NEW, putEntry(1, T0, CLIENT, 10, 10, "k", "v"));
        assertEquals(DedupStatus.DUPLICATE, putEntry(2, T0, CLIENT, 10, 10, "k", "v"));
        assertEquals("ok:k=v", duplicateReply());
        batch.commit();
        assertEquals(1, dedup.replyCount(REGION));
    }

    @Test
    void shouldPruneRepliesBelowFirstIncompleteIdInMemoryAndOnDisk() {
        applyPut(1, T0, CLIENT, 1, 1, "a", "1");
        applyPut(2, T0, CLIENT, 2, 1, "b", "2");
        applyPut(3, T0, CLIENT, 3, 1, "c", "3");
        assertEquals(3, dedup.replyCount(REGION));
        assertEquals(1 + 3, dedupKeysOnDisk());

        // The client has seen 1 and 2: their replies go.
        applyPut(4, T0, CLIENT, 4, 3, "d", "4");
        assertEquals(2, dedup.replyCount(REGION));
        assertEquals(1 + 2, dedupKeysOnDisk());
        assertEquals(DedupStatus.DUPLICATE, applyPut(5, T0, CLIENT, 3, 3, "c", "3"));
        assertEquals("ok:c=3", duplicateReply());
        assertEquals(DedupStatus.STALE, applyPut(6, T0, CLIENT, 1, 3, "a", "again"));
        assertEquals("1", get("a"), "a stale copy applies nothing");
    }

    @Test
    void shouldAnswerStaleForUnrecordedRequestBelowMark() {
        // Request 20 arrives first and promises that everything below 20 was seen: 15 can only be a delayed copy.
        applyPut(1, T0, CLIENT, 20, 20, "k", "20");
        assertEquals(DedupStatus.STALE, applyPut(2, T0, CLIENT, 15, 15, "k", "15"));
        assertEquals("20", get("k"));
        // Above the mark and unrecorded: new.
        assertEquals(DedupStatus.NEW, applyPut(3, T0, CLIENT, 21, 20, "k", "21"));
    }

    @Test
    void shouldRecordRequestsArrivingOutOfOrder() {
        applyPut(1, T0, CLIENT, 5, 1, "k5", "v");
        applyPut(2, T0, CLIENT, 3, 1, "k3", "v");
        applyPut(3, T0, CLIENT, 4, 1, "k4", "v");
        for (final long request : new long[] {3, 4, 5}) {
            batch.begin(state);
            batch.beginEntry(state.appliedIndex() + 1, 1, T0);
            assertEquals(DedupStatus.DUPLICATE, batch.checkRequest(CLIENT, request));
            assertEquals("ok:k" + request + "=v", duplicateReply());
            batch.commit();
        }
        applyPut(7, T0, CLIENT, 6, 5, "k6", "v");
        assertEquals(2, dedup.replyCount(REGION));
    }

    @Test
    void shouldReloadRecordsAfterRestart() {
        applyPut(1, T0, CLIENT, 1, 1, "a", "1");
        applyPut(2, T0, CLIENT, 2, 2, "b", "2");
        applyPut(3, T0 + 5, 42, 7, 7, "c", "3");
        final Map<String, String> raftBefore = dump(engine, ColumnFamily.RAFT);
        reopen();
        assertEquals(raftBefore, dump(engine, ColumnFamily.RAFT));
        assertEquals(2, dedup.clientCount(REGION));
        assertEquals(2, dedup.replyCount(REGION));
        assertEquals(DedupStatus.DUPLICATE, applyPut(4, T0, CLIENT, 2, 2, "b", "x"));
        assertEquals("ok:b=2", duplicateReply());
        assertEquals(DedupStatus.STALE, applyPut(5, T0, CLIENT, 1, 2, "a", "x"));
        assertEquals(DedupStatus.DUPLICATE, applyPut(6, T0, 42, 7, 7, "c", "x"));
        assertEquals("ok:c=3", duplicateReply());
        assertEquals("2", get("b"));
    }

    @Test
    void shouldForgetClientAfterTtlOfEntryTime() {
        applyPut(1, T0, CLIENT, 1, 1, "k", "v");
        // The wall clock is irrelevant: only entry time counts.
        clock.update(T0 + 10 * CLIENT_TTL_MS);
        applyEmpty(2, T0 + CLIENT_TTL_MS - 1);
        assertEquals(1, dedup.clientCount(REGION));
        applyEmpty(3, T0 + CLIENT_TTL_MS);
        assertEquals(0, dedup.clientCount(REGION));
        assertEquals(0, dedupKeysOnDisk());
        reopen();
        assertEquals(0, dedup.clientCount(REGION));
        // Forgotten: the same request would now apply again (the client lost its protection by being away).
        assertEquals(DedupStatus.NEW, applyPut(4, T0 + CLIENT_TTL_MS, CLIENT, 1, 1, "k", "v"));
    }

    @Test
    void shouldKeepRetryingClientAliveThroughDuplicates() {
        applyPut(1, T0, CLIENT, 1, 1, "k", "v");
        assertEquals(DedupStatus.DUPLICATE, applyPut(2, T0 + CLIENT_TTL_MS - 1, CLIENT, 1, 1, "k", "v"));
        applyEmpty(3, T0 + CLIENT_TTL_MS);
        assertEquals(1, dedup.clientCount(REGION), "the duplicate counted as seeing the client");
        reopen();
        applyEmpty(4, T0 + 2 * CLIENT_TTL_MS - 2);
        assertEquals(1, dedup.clientCount(REGION), "the refreshed time was persisted");
        applyEmpty(5, T0 + 2 * CLIENT_TTL_MS - 1);
        assertEquals(0, dedup.clientCount(REGION));
    }

    @Test
    void shouldForgetAFewClientsPerEntryOldestFirstAlsoAfterRestart() {
        final int clients = 2 * DedupTable.MAX_EXPIRED_PER_ENTRY + 1;
        batch.begin(state);
        for (int i = 0; i < clients; i++) {
            // Client i is seen at T0 + i, except that the last two tie; a tie goes by the smaller client id.
            putEntry(i + 1, T0 + Math.min(i, clients - 2), 1000 - i, 1, 1, "k" + i, "v");
        }
        batch.commit();
        // Reloaded clients must expire in the order a replica that never restarted uses.
        reopen();
        final long late = T0 + 10 * CLIENT_TTL_MS;
        applyEmpty(clients + 1, late);
        assertEquals(clients - DedupTable.MAX_EXPIRED_PER_ENTRY, dedup.clientCount(REGION));
        applyEmpty(clients + 2, late);
        assertEquals(1, dedup.clientCount(REGION));
        assertTrue(dedup.region(REGION).clients.containsKey(1000 - (clients - 2)),
            "of the tied pair the larger id is last");
        applyEmpty(clients + 3, late);
        assertEquals(0, dedup.clientCount(REGION));
        assertEquals(0, dedupKeysOnDisk());
    }

    @Test
    void shouldRefuseToRecordAReplyForARequestThatIsNotNew() {
        applyPut(1, T0, CLIENT, 1, 1, "k", "v");
        batch.begin(state);
        batch.beginEntry(2, 1, T0);
        assertThrows(IllegalStateException.class, () -> record(CLIENT, 1, 1, "again"));
        assertFalse(batch.isOpen());
        assertEquals(1, state.appliedIndex());
    }

    @Test
    void shouldIgnoreRecordsOfOldClients() {
        batch.begin(state);
        batch.beginEntry(1, 1, T0);
        record(0, 1, 1, "reply");
        batch.commit();
        assertEquals(0, dedup.clientCount(REGION));
        assertNull(dedup.region(REGION).clients.get(0));
    }

    @Test
    void shouldGiveReplicasTheSameStateWhateverTheirBatchCuts() {
        // Replica A applies everything in one batch; replica B one entry per batch, and restarts half way.
        final ApplyScript script = new ApplyScript();
        batch.begin(state);
        for (int i = 1; i <= script.size(); i++) {
            script.apply(this, i);
        }
        batch.commit();
        final Map<String, Map<String, String>> replicaA = dumpAll(engine);
        closeAll();

        dataDir = dataDir.resolve("replica-b");
        open();
        for (int i = 1; i <= script.size(); i++) {
            batch.begin(state);
            script.apply(this, i);
            batch.commit();
            if (i == script.size() / 2) {
                reopen();
            }
        }
        assertEquals(replicaA, dumpAll(engine));
    }

    /** A deterministic mix of writes, retries, stale copies and idle entries across several clients. */
    private static final class ApplyScript {
        private static final int ENTRIES = 60;

        int size() {
            return ENTRIES;
        }

        void apply(final DedupTableTest test, final int index) {
            // Clients go quiet at different times, so some expire in the middle of the script.
            final long time = T0 + index * (CLIENT_TTL_MS / 10);
            final long client = index % 4 == 0 ? 0 : 100 + index % 3 + (index > ENTRIES / 2 ? 10 : 0);
            final long request = index / 2;
            if (index % 7 == 0) {
                test.batch.beginEntry(index, 1, time);
                return;
            }
            test.putEntry(index, time, client, request, Math.max(0, request - 2), "k" + index % 5, "v" + index);
        }
    }
}
