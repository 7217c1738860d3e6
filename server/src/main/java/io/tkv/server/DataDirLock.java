package io.tkv.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on a store's data directory, so two servers can never share one. The lock file also
 * records the holder's pid for the operator; the OS releases the lock when the process dies, even by kill -9.
 */
public final class DataDirLock implements AutoCloseable {
    /** Name of the lock file inside the data directory. */
    public static final String FILE_NAME = "tkv.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final FileChannel channel, final FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param dataDir the directory to lock (created if missing).
     * @return the held lock.
     * @throws IllegalStateException if another process (or this one) holds it.
     * @throws IOException           if the lock file cannot be opened.
     */
    public static DataDirLock acquire(final Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        final Path file = dataDir.resolve(FILE_NAME);
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        final FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (final OverlappingFileLockException ex) {
            channel.close();
            throw new IllegalStateException("data dir " + dataDir + " is already in use by this process", ex);
        }
        if (lock == null) {
            final String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            channel.close();
            throw new IllegalStateException("data dir " + dataDir + " is locked by another tkv-server"
                + (holder.isEmpty() ? "" : " (" + holder + ")"));
        }
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
            .getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
