package io.tkv.log;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.ParseException;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;

/**
 * The Chronicle side of the log: one {@link SingleChronicleQueue} with its appender, a tailer for reads by queue
 * index, the file sync, rolling and deletion of cycle files. Knows bytes and queue indexes, not regions.
 * <p>
 * <b>Why not {@code appender.sync()}:</b> in Chronicle Queue 2026.4 it calls {@code MappedBytesStore.syncUpTo},
 * which msyncs only the unsynced pages of the appender's current mapping chunk, does nothing under
 * {@link SyncMode#NONE}, and when {@code msync} fails only logs the error and returns normally. (Traced with
 * strace under {@link SyncMode#SYNC}: one {@code msync(MS_SYNC)} per call, but after the appender crossed into a
 * new chunk the previous chunk's tail was synced only later, when a background thread released it.) A log that must
 * never acknowledge an unpersisted write needs the failure, so the queue runs with {@link SyncMode#NONE} (no
 * hidden msyncs when chunks are released) and {@link #sync()} calls {@code fdatasync} on the current cycle file
 * itself ({@link FileChannel#force(boolean)}): on Linux that flushes every dirty page of the file, written
 * through the mapping or not, including Chronicle's header and index pages, and throws on an I/O error.
 * <p>
 * Not thread safe: one owner thread, except {@link #force}, which the log's sync thread calls with a channel the
 * owner prepared and does not close meanwhile.
 */
final class LogQueue implements AutoCloseable {
    /** Daily cycles: the queue index is cycle &lt;&lt; 32 | sequence, and a cycle holds 2^32 records. */
    static final RollCycle ROLL_CYCLE = RollCycles.FAST_DAILY;
    /** The first cycle of a new log (any small positive number would do). */
    static final int FIRST_CYCLE = 1;

    private final Path dir;
    private final RaftLogHooks hooks;
    private final CycleClock clock;
    private final Map<Integer, File> cycleFiles;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private ExcerptTailer readTailer;
    private long lastWrittenIndex = -1;
    private FileChannel syncChannel;
    private int syncChannelCycle = Integer.MIN_VALUE;
    private boolean directorySyncDue;

    private LogQueue(
        final Path dir, final RaftLogHooks hooks, final CycleClock clock, final Map<Integer, File> cycleFiles,
        final SingleChronicleQueue queue) {
        this.dir = dir;
        this.hooks = hooks;
        this.clock = clock;
        this.cycleFiles = cycleFiles;
        this.queue = queue;
        this.appender = queue.createAppender();
    }

    /**
     * Lets the calling thread use the appender and the read tailer from now on. Chronicle checks that one thread
     * uses each; the log is opened (and recovered, and a founding region written) on one thread and then run by
     * another, the store's raft agent.
     */
    void handOverToCurrentThread() {
        appender.singleThreadedCheckReset();
        if (readTailer != null) {
            readTailer.singleThreadedCheckReset();
        }
    }

    /**
     * Opens (or creates) the queue in {@code config.dir()}. Nothing is written: the clock points at a cycle after
     * every existing one, so the first write of this process starts a fresh cycle file.
     */
    static LogQueue open(final RaftLogConfig config) {
        final Path dir = config.dir();
        try {
            Files.createDirectories(dir);
        } catch (final IOException ex) {
            throw new RaftLogException("cannot create the log directory " + dir + ": " + ex.getMessage(), ex);
        }
        final CycleClock clock = new CycleClock(ROLL_CYCLE.lengthInMillis(), FIRST_CYCLE);
        // Chronicle calls the listener on its own threads too.
        final Map<Integer, File> cycleFiles = new ConcurrentHashMap<>();
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
            .rollCycle(ROLL_CYCLE)
            .timeProvider(clock)
            .blockSize(config.blockSizeBytes())
            .syncMode(SyncMode.NONE)
            .storeFileListener(new CycleFileListener(cycleFiles))
            .build();
        try {
            // The cached listing in metadata.cq4t may predate a crash; the files themselves are the truth.
            queue.refreshDirectoryListing();
            final int lastCycle = queue.lastCycle();
            clock.cycle(lastCycle < FIRST_CYCLE ? FIRST_CYCLE : lastCycle + 1);
            return new LogQueue(dir, config.hooks(), clock, cycleFiles, queue);
        } catch (final RuntimeException ex) {
            queue.close();
            throw ex;
        }
    }

    /**
     * Appends one record as one Chronicle document.
     *
     * @return the record's queue index.
     */
    long append(final ExpandableArrayBuffer record, final int length, final RecordKind kind) {
        final DocumentContext dc = appender.writingDocument();
        try {
            final Bytes<?> bytes = dc.wire().bytes();
            final byte[] array = record.byteArray();
            if (hooks == RaftLogHooks.NONE) {
                bytes.write(array, 0, length);
            } else {
                final int half = length / 2;
                bytes.write(array, 0, half);
                hooks.onRecordHalfWritten(kind);
                bytes.write(array, half, length - half);
            }
        } catch (final Throwable ex) {
            dc.rollbackOnClose();
            throw ex;
        } finally {
            dc.close();
        }
        lastWrittenIndex = appender.lastIndexAppended();
        return lastWrittenIndex;
    }

    /**
     * Copies the record at {@code queueIndex} into {@code into} (from offset 0).
     *
     * @return the record's length, or -1 if the queue has no document at that index.
     */
    int read(final long queueIndex, final ExpandableArrayBuffer into) {
        if (readTailer == null) {
            readTailer = queue.createTailer();
        }
        final ExcerptTailer tailer = readTailer;
        // A tailer that just read the previous document is already there: no index lookup.
        if (tailer.index() != queueIndex && !tailer.moveToIndex(queueIndex)) {
            return -1;
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent() || dc.index() != queueIndex) {
                return -1;
            }
            return copy(dc, into);
        }
    }

    /**
     * Copies the current document of a reading context into {@code into} (from offset 0).
     *
     * @return the document's length.
     */
    static int copy(final DocumentContext dc, final ExpandableArrayBuffer into) {
        final Bytes<?> bytes = dc.wire().bytes();
        final long remaining = bytes.readRemaining();
        if (remaining > Integer.MAX_VALUE - 8) {
            throw new RaftLogException("document of " + remaining + " bytes at " + Long.toHexString(dc.index()));
        }
        final int length = (int) remaining;
        into.checkLimit(length);
        bytes.read(into.byteArray(), 0, length);
        return length;
    }

    /**
     * Makes everything appended so far durable: one {@code fdatasync} of the current cycle file, plus, the first
     * time a cycle file is synced, an fsync of Chronicle's metadata file and of the directory (so that a new
     * file's name survives an OS crash).
     */
    void sync() throws IOException {
        if (!prepareSync()) {
            return;
        }
        final boolean withDirectory = takeDirectorySyncDue();
        force(syncChannel, withDirectory);
    }

    /**
     * @return false if the channel {@link #prepareSync()} would use is not the current cycle file's: preparing then
     *     closes the old channel, so no sync on it may be running.
     */
    boolean syncChannelCurrent() {
        return lastWrittenIndex < 0 || ROLL_CYCLE.toCycle(lastWrittenIndex) == syncChannelCycle;
    }

    /**
     * Owner thread: points {@link #syncChannel()} at the file of the cycle written last, opening it (and closing
     * the previous cycle's) when the cycle changed; the first sync of a new file also fsyncs the directory.
     *
     * @return false if nothing was ever appended: there is nothing to sync.
     */
    boolean prepareSync() throws IOException {
        if (lastWrittenIndex < 0) {
            return false;
        }
        final int cycle = ROLL_CYCLE.toCycle(lastWrittenIndex);
        if (cycle != syncChannelCycle) {
            if (syncChannel != null) {
                syncChannel.close();
                syncChannel = null;
            }
            syncChannel = FileChannel.open(cycleFile(cycle).toPath(), StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            syncChannelCycle = cycle;
            directorySyncDue = true;
        }
        return true;
    }

    /**
     * @return the channel of the cycle file {@link #prepareSync()} chose; stays open until the next cycle's
     *     prepare or {@link #close()}.
     */
    FileChannel syncChannel() {
        return syncChannel;
    }

    /**
     * Owner thread: whether the next sync must also fsync the metadata file and the directory; the duty passes to
     * the caller (whose sync either does it or fails the log).
     */
    boolean takeDirectorySyncDue() {
        final boolean due = directorySyncDue;
        directorySyncDue = false;
        return due;
    }

    /**
     * The disk part of a sync, on any thread (the log's sync thread calls it): touches only the channel it is given,
     * the directory and the hooks, never the appender. The caller keeps {@code channel} open meanwhile.
     *
     * @param channel       the cycle file's channel from {@link #syncChannel()}.
     * @param withDirectory also fsync Chronicle's metadata file and the directory (once per cycle file).
     */
    void force(final FileChannel channel, final boolean withDirectory) throws IOException {
        hooks.beforeSync();
        channel.force(false);
        if (withDirectory) {
            // Once per cycle file: Chronicle's metadata file (it changes on a roll) and the directory's entries.
            final Path metadata = dir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
            if (Files.exists(metadata)) {
                try (FileChannel metadataChannel = FileChannel.open(metadata, StandardOpenOption.READ)) {
                    metadataChannel.force(true);
                }
            }
            try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ)) {
                dirChannel.force(true);
            }
        }
    }

    /**
     * Makes the newest existing cycle file durable, and its name: an fdatasync of the file, then an fsync of the
     * directory. For an open: the process before may have died with records in that file that no sync covered, and
     * recovery is about to use them; the new records that depend on them go to a fresh cycle file, whose syncs
     * would not cover the old one. Does nothing for a log without cycle files.
     */
    void syncNewestCycle() throws IOException {
        final int last = queue.lastCycle();
        if (last < FIRST_CYCLE || cycles().isEmpty()) {
            return;
        }
        try (FileChannel channel = FileChannel.open(cycleFile(last).toPath(), StandardOpenOption.READ)) {
            channel.force(false);
        }
        try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ)) {
            dirChannel.force(true);
        }
    }

    /**
     * Points the clock at the next cycle: the next append starts a new cycle file.
     */
    void roll() {
        final int next = Math.max(clock.cycle(), queue.lastCycle()) + 1;
        clock.cycle(next);
    }

    /**
     * @return the cycle the next append goes to.
     */
    int writeCycle() {
        return clock.cycle();
    }

    /**
     * Deletes a whole cycle file. The caller guarantees nothing in it is needed any more; call
     * {@link #refreshListing()} after a batch of deletions.
     */
    void deleteCycle(final int cycle) throws IOException {
        if (cycle >= clock.cycle()) {
            throw new IllegalArgumentException("cannot delete cycle " + cycle + ", the log writes to " + clock.cycle());
        }
        // The read tailer may still hold the old file; a fresh one is made on the next read.
        closeReadTailer();
        final File file = cycleFile(cycle);
        hooks.beforeCycleDelete(cycle, file.toPath());
        Files.deleteIfExists(file.toPath());
        cycleFiles.remove(cycle);
    }

    void refreshListing() {
        queue.refreshDirectoryListing();
    }

    ExcerptTailer newTailer() {
        return queue.createTailer();
    }

    /**
     * @return the cycles that have a file, oldest first.
     */
    NavigableSet<Long> cycles() {
        final int first = queue.firstCycle();
        final int last = queue.lastCycle();
        if (first > last) {
            return new TreeSet<>();
        }
        return queue.listCyclesBetween(first, last);
    }

    int firstCycle() {
        return queue.firstCycle();
    }

    /**
     * @return the file of {@code cycle}, which must exist.
     */
    Path cycleFilePath(final int cycle) {
        return cycleFile(cycle).toPath();
    }

    /**
     * @return the next cycle after {@code cycle} that has a file, or -1.
     */
    int nextCycle(final int cycle) {
        try {
            return queue.nextCycle(cycle, TailerDirection.FORWARD);
        } catch (final ParseException ex) {
            throw new RaftLogException("cannot list the cycles of " + dir + ": " + ex.getMessage(), ex);
        }
    }

    static int cycleOf(final long queueIndex) {
        return ROLL_CYCLE.toCycle(queueIndex);
    }

    Path dir() {
        return dir;
    }

    /**
     * @return bytes of all files in the queue directory.
     */
    long diskBytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(LogQueue::sizeOf).sum();
        } catch (final IOException ex) {
            throw new RaftLogException("cannot list " + dir + ": " + ex.getMessage(), ex);
        }
    }

    private static long sizeOf(final Path file) {
        try {
            return Files.size(file);
        } catch (final IOException ex) {
            // Deleted between listing and asking: it no longer takes space.
            return 0;
        }
    }

    private File cycleFile(final int cycle) {
        final File known = cycleFiles.get(cycle);
        if (known != null) {
            return known;
        }
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null) {
            throw new RaftLogException("no file for cycle " + cycle + " in " + dir);
        }
        try {
            return store.file();
        } finally {
            queue.closeStore(store);
        }
    }

    private void closeReadTailer() {
        if (readTailer != null) {
            readTailer.close();
            readTailer = null;
        }
    }

    @Override
    public void close() {
        closeReadTailer();
        try {
            if (syncChannel != null) {
                syncChannel.close();
            }
        } catch (final IOException ex) {
            // Nothing left to flush through it: the data was synced or will be lost either way.
        } finally {
            syncChannel = null;
            appender.close();
            queue.close();
        }
    }

    /** Remembers the file of every cycle Chronicle opens, so sync and deletion need not ask for the store. */
    private static final class CycleFileListener implements StoreFileListener {
        private final Map<Integer, File> cycleFiles;

        CycleFileListener(final Map<Integer, File> cycleFiles) {
            this.cycleFiles = cycleFiles;
        }

        @Override
        public void onAcquired(final int cycle, final File file) {
            cycleFiles.put(cycle, file);
        }

        @Override
        public void onReleased(final int cycle, final File file) {
        }
    }
}
