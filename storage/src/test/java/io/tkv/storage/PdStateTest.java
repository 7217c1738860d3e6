package io.tkv.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PdStateTest {
    @TempDir
    Path dataDir;

    @Test
    void storeRecordsAndTheAppliedIndexSurviveAReopenTogetherWithTheLimits() {
        final PdStoreRecord one = new PdStoreRecord(1, "127.0.0.1:20160", "zone=z1,host=h1", PdStoreRecord.State.UP);
        final PdStoreRecord two = new PdStoreRecord(2, "127.0.0.1:20161", "", PdStoreRecord.State.UP);
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir));
            PdState state = new PdState(engine)) {
            assertEquals(List.of(), List.copyOf(state.stores()));
            state.apply(6, 1, 5_000, 100, 0);
            state.applyStore(7, 1, two);
            state.applyStore(8, 2, one);
            state.applyStore(9, 2, two.withState(PdStoreRecord.State.TOMBSTONE));
            assertEquals(9, state.appliedIndex());
            assertEquals(2, state.appliedTerm());
            assertEquals(5_000, state.tsoLimitMs(), "a store entry keeps the limits");
            assertEquals(100, state.idEnd());
        }
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir));
            PdState state = new PdState(engine)) {
            assertEquals(9, state.appliedIndex());
            assertEquals(2, state.appliedTerm());
            assertEquals(5_000, state.tsoLimitMs());
            assertEquals(100, state.idEnd());
            assertEquals(List.of(one, two.withState(PdStoreRecord.State.TOMBSTONE)), List.copyOf(state.stores()),
                "in id order, the last record of each store");
            assertEquals(one, state.store(1));
            assertNull(state.store(3));
        }
    }

    @Test
    void theGcSafePointRecordSurvivesAReopenWithTheAppliedIndexAndKeepsTheRest() {
        final byte[] record = {1, 0, 0, 0, 0, 0, 0, 0, 42};
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir));
            PdState state = new PdState(engine)) {
            assertNull(state.gcSafePointRecord());
            state.apply(6, 1, 5_000, 100, 7);
            state.applyGcSafePoint(7, 2, record);
            assertArrayEquals(record, state.gcSafePointRecord());
            assertEquals(7, state.appliedIndex());
            assertEquals(5_000, state.tsoLimitMs());
            assertThrows(IllegalArgumentException.class,
                () -> state.applyGcSafePoint(8, 2, new byte[PdState.MAX_GC_SAFE_POINT_RECORD_BYTES + 1]));
        }
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir));
            PdState state = new PdState(engine)) {
            assertArrayEquals(record, state.gcSafePointRecord());
            assertEquals(7, state.appliedIndex());
            assertEquals(2, state.appliedTerm());
            assertEquals(100, state.idEnd());
            assertEquals(7, state.clusterId());
        }
    }

    @Test
    void aStoreRecordRefusesWhatCouldNotBeEncodedOrRead() {
        assertThrows(IllegalArgumentException.class, () -> new PdStoreRecord(0, "a:1", "", PdStoreRecord.State.UP));
        assertThrows(IllegalArgumentException.class, () -> new PdStoreRecord(1,
            "a".repeat(PdStoreRecord.MAX_ADDRESS_BYTES + 1), "", PdStoreRecord.State.UP));
        assertThrows(IllegalArgumentException.class, () -> new PdStoreRecord(1, "a:1",
            "z".repeat(PdStoreRecord.MAX_LABELS_BYTES + 1), PdStoreRecord.State.UP));
        final byte[] encoded = new PdStoreRecord(5, "h:1", "zone=a", PdStoreRecord.State.OFFLINE).encode();
        assertEquals(new PdStoreRecord(5, "h:1", "zone=a", PdStoreRecord.State.OFFLINE),
            PdStoreRecord.decode(java.nio.ByteBuffer.wrap(encoded)));
        final byte[] lying = encoded.clone();
        lying[10] = 0x7F;
        assertThrows(IllegalArgumentException.class, () -> PdStoreRecord.decode(java.nio.ByteBuffer.wrap(lying)),
            "an address length beyond the record");
    }
}
