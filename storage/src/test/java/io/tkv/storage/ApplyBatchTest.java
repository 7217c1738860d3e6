package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ApplyBatchTest extends ApplyTestSupport {
    @Test
    void shouldStartNewRegionAtZero() {
        assertEquals(0, state.appliedIndex());
        assertEquals(0, state.appliedTerm());
        assertEquals(REGION, state.regionId());
    }

    @Test
    void shouldWriteEntriesAndAppliedStateTogetherOnlyAtCommit() {
        batch.begin(state);
        batch.beginEntry(1, 1, T0);
        put("a", "1");
        batch.beginEntry(2, 2, T0);
        put("b", "2");
        delete("a");
        assertNull(get("b"), "staged writes are invisible before the commit");
        assertEquals(2, batch.entryCount());
        assertEquals(2, batch.lastIndex());
        assertEquals(0, RegionApplyState.load(engine, REGION).appliedIndex());

        batch.commit();
        assertFalse(batch.isOpen());
        assertNull(get("a"));
        assertEquals("2", get("b"));
        assertEquals(2, state.appliedIndex());
        assertEquals(2, state.appliedTerm());
    }

    @Test
    void shouldKeepAppliedStateMatchingDataAcrossReopen() {
        for (int i = 1; i <= 5; i++) {
            batch.begin(state);
            batch.beginEntry(i, 3, T0 + i);
            put("k" + i, "v" + i);
            batch.commit();
        }
        reopen();
        assertEquals(5, state.appliedIndex());
        assertEquals(3, state.appliedTerm());
        for (int i = 1; i <= 5; i++) {
            assertEquals("v" + i, get("k" + i));
        }
        // The next entry continues from the reloaded index.
        batch.begin(state);
        assertThrows(IllegalArgumentException.class, () -> batch.beginEntry(5, 3, T0));
        batch.begin(state);
        batch.beginEntry(6, 3, T0);
        batch.commit();
        assertEquals(6, RegionApplyState.load(engine, REGION).appliedIndex());
    }

    @Test
    void shouldApplyNothingWhenAnEntryFailsHalfWay() {
        applyPut(1, T0, 7, 1, 1, "before", "x");
        final Map<String, Map<String, String>> before = dumpAll(engine);

        batch.begin(state);
        putEntry(2, T0, 7, 2, 1, "a", "1");
        putEntry(3, T0, 8, 1, 1, "b", "2");
        batch.beginEntry(4, 1, T0);
        final UnsafeBuffer k = buf("c");
        assertThrows(IllegalArgumentException.class, () -> batch.put(k, 0, 1, k, 0, 1, -1));

        assertFalse(batch.isOpen(), "a failure aborts the whole batch");
        assertEquals(before, dumpAll(engine));
        assertEquals(1, state.appliedIndex());
        assertEquals(1, RegionApplyState.load(engine, REGION).appliedIndex());
        // Dedup memory was rolled back with it: the aborted requests are new again, the committed one is not.
        assertEquals(1, dedup.clientCount(REGION));
        batch.begin(state);
        batch.beginEntry(2, 1, T0);
        assertEquals(DedupStatus.NEW, batch.checkRequest(7, 2));
        assertEquals(DedupStatus.NEW, batch.checkRequest(8, 1));
        assertEquals(DedupStatus.DUPLICATE, batch.checkRequest(7, 1));
        batch.abort();

        // Applying the same entries again works.
        batch.begin(state);
        putEntry(2, T0, 7, 2, 1, "a", "1");
        putEntry(3, T0, 8, 1, 1, "b", "2");
        batch.commit();
        assertEquals("1", get("a"));
        assertEquals(3, state.appliedIndex());
    }

    @Test
    void shouldDiscardEverythingOnAbort() {
        final Map<String, Map<String, String>> before = dumpAll(engine);
        batch.begin(state);
        putEntry(1, T0, 9, 1, 1, "a", "1");
        batch.abort();
        assertEquals(before, dumpAll(engine));
        assertEquals(0, dedup.clientCount(REGION));
        assertEquals(0, state.appliedIndex());
    }

    @Test
    void shouldRefuseMisuse() {
        assertThrows(IllegalStateException.class, () -> batch.beginEntry(1, 1, T0));
        assertThrows(IllegalStateException.class, batch::commit);
        batch.begin(state);
        assertThrows(IllegalStateException.class, () -> put("a", "1"), "no entry begun");
        assertThrows(IllegalStateException.class, () -> batch.begin(state));
        try (ApplyBatch other = new ApplyBatch(engine, dedup)) {
            assertThrows(IllegalStateException.class, () -> other.begin(state), "one batch per region at a time");
        }
        batch.beginEntry(1, 5, T0);
        assertThrows(IllegalArgumentException.class, () -> batch.beginEntry(2, 4, T0), "term went back");
        assertFalse(batch.isOpen());
        batch.begin(state);
        assertThrows(IllegalArgumentException.class, () -> batch.beginEntry(3, 1, T0), "gap");
        assertFalse(batch.isOpen());
    }

    @Test
    void shouldCommitEmptyBatchAsNothing() {
        batch.begin(state);
        batch.commit();
        assertEquals(0, state.appliedIndex());
        assertTrue(dump(engine, ColumnFamily.RAFT).isEmpty());
    }

    @Test
    void shouldCountTtlFromEntryTimeNotFromClock() {
        clock.update(T0 + 3_600_000);
        batch.begin(state);
        batch.beginEntry(1, 1, T0);
        put("k", "v", 10);
        batch.commit();
        // The value expires 10 s after the entry's time, whatever the store's clock said while applying.
        clock.update(T0 + 9_999);
        assertEquals("v", get("k"));
        clock.update(T0 + 10_000);
        assertNull(get("k"));
    }

    @Test
    void shouldJudgeCasExpiryByEntryTime() {
        batch.begin(state);
        batch.beginEntry(1, 1, T0);
        put("k", "old", 10);
        batch.commit();
        // The store's clock still says T0, but the entry is at T0 + 10 s: the old value has expired for it.
        batch.begin(state);
        batch.beginEntry(2, 1, T0 + 10_000);
        final CasResult result = cas("k", null, "new", 0);
        assertTrue(result.swapped());
        assertFalse(result.previousExists());
        batch.commit();
        assertEquals("new", get("k"));
    }

    @Test
    void shouldLetCasSeeWritesStagedEarlierInTheSameBatch() {
        batch.begin(state);
        batch.beginEntry(1, 1, T0);
        put("k", "v1");
        batch.beginEntry(2, 1, T0);
        CasResult result = cas("k", "v1", "v2", 0);
        assertTrue(result.swapped());
        assertEquals("v1", previous(result));
        batch.beginEntry(3, 1, T0);
        result = cas("k", "v1", "v3", 0);
        assertFalse(result.swapped(), "the CAS of entry 2 is seen too");
        assertEquals("v2", previous(result));
        batch.beginEntry(4, 1, T0);
        delete("k");
        assertTrue(cas("k", null, "v4", 0).swapped(), "a staged delete makes the key absent");
        batch.commit();
        assertEquals("v4", get("k"));
    }

    @Test
    void shouldLetCasSeeStagedRangeDeletesInOrder() {
        batch.begin(state);
        batch.beginEntry(1, 1, T0);
        put("a", "committed");
        put("c", "committed");
        batch.commit();

        batch.begin(state);
        batch.beginEntry(2, 1, T0);
        put("b", "staged");
        batch.beginEntry(3, 1, T0);
        deleteRange("a", "c");
        batch.beginEntry(4, 1, T0);
        put("b", "after");
        final CasResult committedGone = cas("a", null, "x", 0);
        assertTrue(committedGone.swapped(), "a committed key inside the range is deleted");
        final CasResult stagedAfter = cas("b", "after", "y", 0);
        assertTrue(stagedAfter.swapped(), "a put after the range delete wins");
        final CasResult outside = cas("c", "committed", "z", 0);
        assertTrue(outside.swapped(), "the range end is exclusive");
        batch.commit();
        assertEquals("x", get("a"));
        assertEquals("y", get("b"));
        assertEquals("z", get("c"));
    }

    @Test
    void shouldApplyBatchPutAndBatchDeleteAsOneEntry() {
        batch.begin(state);
        batch.beginEntry(1, 1, T0);
        for (int i = 0; i < 100; i++) {
            put("k" + i, "v" + i, 5);
        }
        batch.beginEntry(2, 1, T0);
        for (int i = 0; i < 100; i += 2) {
            delete("k" + i);
        }
        batch.commit();
        for (int i = 0; i < 100; i++) {
            assertEquals(i % 2 == 0 ? null : "v" + i, get("k" + i));
        }
        clock.update(T0 + 5_000);
        assertNull(get("k1"));
    }

    @Test
    void shouldSeeLargeCommittedValuesInCas() {
        final String large = "x".repeat(20_000);
        batch.begin(state);
        batch.beginEntry(1, 1, T0);
        put("k", large);
        batch.commit();
        batch.begin(state);
        batch.beginEntry(2, 1, T0);
        final CasResult result = cas("k", large, "small", 0);
        assertTrue(result.swapped());
        assertEquals(large, previous(result));
        batch.commit();
        assertEquals("small", get("k"));
    }

    @Test
    void shouldKeepRegionsApartInTheRaftColumnFamily() {
        final RegionApplyState other = RegionApplyState.load(engine, 2);
        batch.begin(other);
        batch.beginEntry(1, 4, T0);
        batch.commit();
        applyPut(1, T0, 5, 1, 1, "k", "v");
        reopen();
        assertEquals(1, state.appliedIndex());
        assertEquals(1, state.appliedTerm());
        final RegionApplyState reloaded = RegionApplyState.load(engine, 2);
        assertEquals(1, reloaded.appliedIndex());
        assertEquals(4, reloaded.appliedTerm());
        assertEquals(1, dedup.clientCount(REGION));
        assertEquals(0, dedup.clientCount(2));
    }

    @Test
    void shouldRefuseCorruptApplyState() throws Exception {
        final byte[] key = new byte[RegionKeys.APPLY_STATE_KEY_LENGTH];
        RegionKeys.applyStateKey(new UnsafeBuffer(key), REGION);
        engine.db().put(engine.handle(ColumnFamily.RAFT), key, new byte[] {1, 2, 3});
        assertThrows(StorageException.class, () -> RegionApplyState.load(engine, REGION));
    }
}
