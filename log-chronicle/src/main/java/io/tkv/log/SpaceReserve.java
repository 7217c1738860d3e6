package io.tkv.log;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the log off a full disk. Chronicle writes through memory-mapped files whose pages the file system backs
 * only when they are first touched; on a full file system that touch faults, and the JVM reports the fault late
 * and asynchronously (an {@link InternalError} at some later point of the writing thread), after the record may
 * already look written. So the log asks the file system for its usable space before it writes, and refuses to
 * write below a reserve, while there is still room for what is already in flight.
 * <p>
 * Asking costs a {@code statvfs}: it is done once per {@code reserve / 4} bytes written, so between two checks the
 * log writes at most a quarter of the reserve. Single-threaded, like the log.
 */
final class SpaceReserve {
    /** Where the usable space comes from: the log's file store, or a test's figure. */
    @FunctionalInterface
    interface UsableSpace {
        /**
         * @return bytes still usable by this process on the log's file system.
         * @throws IOException if the file system cannot say.
         */
        long bytes() throws IOException;
    }

    private final String where;
    private final UsableSpace usable;
    private final long reserveBytes;
    private final long checkEveryBytes;
    private long bytesSinceCheck;

    SpaceReserve(final String where, final UsableSpace usable, final long reserveBytes) {
        this.where = where;
        this.usable = usable;
        this.reserveBytes = reserveBytes;
        this.checkEveryBytes = Math.max(1, reserveBytes / 4);
        this.bytesSinceCheck = checkEveryBytes; // the first write checks
    }

    /**
     * @return the reserve for the file system of {@code dir}, or one that never checks if {@code reserveBytes} is 0.
     * @throws IOException if the directory's file store cannot be found.
     */
    static SpaceReserve forDir(final Path dir, final long reserveBytes) throws IOException {
        if (reserveBytes == 0) {
            return new SpaceReserve(dir.toString(), () -> Long.MAX_VALUE, 0);
        }
        final FileStore store = Files.getFileStore(dir);
        return new SpaceReserve(dir.toString(), store::getUsableSpace, reserveBytes);
    }

    /**
     * Called before writing {@code bytes}: checks the usable space when a quarter of the reserve was written since
     * the last check.
     *
     * @throws RaftLogException if the usable space is below the reserve, or cannot be found out.
     */
    void beforeWrite(final int bytes) {
        if (reserveBytes == 0) {
            return;
        }
        bytesSinceCheck += bytes;
        if (bytesSinceCheck < checkEveryBytes) {
            return;
        }
        final long free;
        try {
            free = usable.bytes();
        } catch (final IOException ex) {
            throw new RaftLogException("cannot read the usable space of " + where + ": " + ex, ex);
        }
        if (free < reserveBytes) {
            throw new RaftLogException("disk full: " + free + " bytes usable in " + where
                + ", below the log's reserve of " + reserveBytes + " bytes; free space, then restart the store");
        }
        bytesSinceCheck = bytes; // this write comes after the check
    }
}
