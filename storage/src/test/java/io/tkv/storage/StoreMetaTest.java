package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreMetaTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldReportNotSetOnFreshStore() {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            final StoreMeta meta = new StoreMeta(engine);
            assertEquals(StoreMeta.NOT_SET, meta.clusterId());
            assertEquals(StoreMeta.NOT_SET, meta.storeId());
        }
    }

    @Test
    void shouldPersistIdsAcrossReopen() {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            final StoreMeta meta = new StoreMeta(engine);
            meta.putClusterId(0x7F00_0000_0000_0001L);
            meta.putStoreId(-5);
        }
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            final StoreMeta meta = new StoreMeta(engine);
            assertEquals(0x7F00_0000_0000_0001L, meta.clusterId());
            assertEquals(-5, meta.storeId());
        }
    }

    @Test
    void shouldRejectNotSetAsId() {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dataDir))) {
            final StoreMeta meta = new StoreMeta(engine);
            assertThrows(IllegalArgumentException.class, () -> meta.putClusterId(StoreMeta.NOT_SET));
            assertThrows(IllegalArgumentException.class, () -> meta.putStoreId(StoreMeta.NOT_SET));
        }
    }
}
