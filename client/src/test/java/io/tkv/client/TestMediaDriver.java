package io.tkv.client;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.util.UUID;

/**
 * One media driver for a test class: SHARED threading, a backoff idle strategy, 1 MiB terms, in a directory of
 * its own under /dev/shm that is deleted on close (and on start, should a crashed run have left it).
 */
final class TestMediaDriver implements AutoCloseable {
    static final int TERM_LENGTH = 1024 * 1024;

    private final String directory;
    private final MediaDriver driver;

    private TestMediaDriver(final String directory) {
        this.directory = directory;
        this.driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(directory)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(10, 20, 1_000, 1_000_000))
            .publicationTermBufferLength(TERM_LENGTH)
            .ipcTermBufferLength(TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false));
    }

    static TestMediaDriver launch() {
        final File base = new File("/dev/shm").isDirectory() ? new File("/dev/shm") :
            new File(System.getProperty("java.io.tmpdir"));
        final String directory = new File(base, "tkv-client-test-" + UUID.randomUUID()).getPath();
        try {
            return new TestMediaDriver(directory);
        } catch (final RuntimeException ex) {
            IoUtil.delete(new File(directory), true);
            throw ex;
        }
    }

    String directory() {
        return directory;
    }

    @Override
    public void close() {
        try {
            CloseHelper.close(driver);
        } finally {
            IoUtil.delete(new File(directory), true);
        }
    }
}
