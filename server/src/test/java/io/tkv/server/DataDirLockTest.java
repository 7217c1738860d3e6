package io.tkv.server;

import io.tkv.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondHolderUntilTheFirstReleases() throws Exception {
        try (DataDirLock first = DataDirLock.acquire(dir)) {
            assertTrue(Files.readString(dir.resolve(DataDirLock.FILE_NAME)).contains("pid "));
            final IllegalStateException busy = assertThrows(IllegalStateException.class,
                () -> DataDirLock.acquire(dir));
            assertTrue(busy.getMessage().contains("already in use"), busy.getMessage());
        }
        DataDirLock.acquire(dir).close();
    }

    @Test
    void shouldRefuseToStartAStoreOnALockedDataDirAndReleaseEverything() throws Exception {
        try (DataDirLock held = DataDirLock.acquire(dir)) {
            final ServerConfig config = new ServerConfig().dataDir(dir).listenEndpoint("127.0.0.1:20199")
                .aeronDir("/dev/shm/tkv-locktest-" + ProcessHandle.current().pid());
            assertThrows(IllegalStateException.class, () -> StoreNode.start(config));
        }
        assertTrue(Files.notExists(Path.of("/dev/shm/tkv-locktest-" + ProcessHandle.current().pid())));
    }
}
