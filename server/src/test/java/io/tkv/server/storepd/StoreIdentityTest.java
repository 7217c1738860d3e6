package io.tkv.server.storepd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StoreIdentityTest {
    @TempDir
    Path dir;

    @Test
    void shouldTakeAnIdFromPdOnceAndKeepItForEveryRestart() {
        final AtomicInteger asked = new AtomicInteger();
        final Path dataDir = dir.resolve("store");
        assertEquals(42, StoreIdentity.resolve(dataDir, () -> {
            asked.incrementAndGet();
            return 42;
        }));
        assertEquals(42, StoreIdentity.resolve(dataDir, () -> {
            asked.incrementAndGet();
            return 43;
        }));
        assertEquals(1, asked.get(), "PD is asked on the first start only");
    }

    @Test
    void shouldRefuseAFileThatHoldsNoIdRatherThanTakeANewOne() throws Exception {
        Files.writeString(dir.resolve(StoreIdentity.FILE_NAME), "garbage");
        assertThrows(IllegalStateException.class, () -> StoreIdentity.resolve(dir, () -> 7));
        Files.writeString(dir.resolve(StoreIdentity.FILE_NAME), "0\n");
        assertThrows(IllegalStateException.class, () -> StoreIdentity.resolve(dir, () -> 7));
    }
}
