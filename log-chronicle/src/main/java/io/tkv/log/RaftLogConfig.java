package io.tkv.log;

import java.nio.file.Path;

/**
 * Configuration of a {@link RaftLog}: every knob with its default and its unit in its name.
 * <p>
 * Fill it with the fluent setters; {@link #conclude()} validates it and derives the rest ({@link RaftLog#open}
 * calls it). Not thread safe: build it on one thread before the log exists.
 */
public final class RaftLogConfig {
    /** Default size of one Chronicle mapping chunk: 16 MiB. */
    public static final long DEFAULT_BLOCK_SIZE_BYTES = 16L * 1024 * 1024;
    /**
     * Default cycle file size past which a sync rolls to a new cycle file: 16 MiB. An fdatasync of a memory-mapped
     * file costs more the more of it is mapped and resident: measured here, a sync stays at 0.4-0.7 ms p50 in
     * 16 MiB files, but reaches 2-5 ms once a 64 MiB file is past 35-50 MiB.
     */
    public static final long DEFAULT_MAX_CYCLE_FILE_BYTES = 16L * 1024 * 1024;
    /** Smallest chunk accepted: Chronicle's own test block size. */
    public static final long MIN_BLOCK_SIZE_BYTES = 64L * 1024;
    /** Largest chunk accepted: Chronicle maps a chunk with an int-sized overlap. */
    public static final long MAX_BLOCK_SIZE_BYTES = 1L << 30;
    /** Smallest roll threshold accepted, so a typo cannot roll on every sync. */
    public static final long MIN_MAX_CYCLE_FILE_BYTES = 4L * 1024;
    /**
     * Default free space the log keeps on its file system: 64 MiB. Below it the log fails stop rather than write
     * into memory-mapped pages the file system may not be able to back (a write to such a page faults).
     */
    public static final long DEFAULT_RESERVE_SPACE_BYTES = 64L * 1024 * 1024;
    /** Page size the chunk must be a multiple of. */
    private static final long PAGE_BYTES = 4096;

    private Path dir;
    private boolean syncOnSync = true;
    private long blockSizeBytes = DEFAULT_BLOCK_SIZE_BYTES;
    private long maxCycleFileBytes = DEFAULT_MAX_CYCLE_FILE_BYTES;
    private long reserveSpaceBytes = DEFAULT_RESERVE_SPACE_BYTES;
    private RaftLogHooks hooks = RaftLogHooks.NONE;
    private int maxPayloadBytes;

    /**
     * Validates the configuration and derives {@link #maxPayloadBytes()}. Calling it again is harmless.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first invalid setting.
     */
    public RaftLogConfig conclude() {
        if (dir == null) {
            throw new IllegalArgumentException("dir must be set");
        }
        if (blockSizeBytes < MIN_BLOCK_SIZE_BYTES || blockSizeBytes > MAX_BLOCK_SIZE_BYTES
            || blockSizeBytes % PAGE_BYTES != 0) {
            throw new IllegalArgumentException("blockSizeBytes must be a multiple of " + PAGE_BYTES + " in ["
                + MIN_BLOCK_SIZE_BYTES + ", " + MAX_BLOCK_SIZE_BYTES + "], was " + blockSizeBytes);
        }
        if (maxCycleFileBytes < MIN_MAX_CYCLE_FILE_BYTES) {
            throw new IllegalArgumentException(
                "maxCycleFileBytes must be >= " + MIN_MAX_CYCLE_FILE_BYTES + ", was " + maxCycleFileBytes);
        }
        if (reserveSpaceBytes < 0) {
            throw new IllegalArgumentException("reserveSpaceBytes must be >= 0, was " + reserveSpaceBytes);
        }
        if (hooks == null) {
            throw new IllegalArgumentException("hooks must be set (RaftLogHooks.NONE for none)");
        }
        maxPayloadBytes = maxPayloadBytes(blockSizeBytes);
        return this;
    }

    /**
     * @param dir the directory of the store's queue; created if missing. One log per directory.
     * @return this.
     */
    public RaftLogConfig dir(final Path dir) {
        this.dir = dir;
        return this;
    }

    /**
     * @return the directory of the store's queue.
     */
    public Path dir() {
        return dir;
    }

    /**
     * @param syncOnSync true (the default): {@link RaftLog#sync()} flushes to disk; false: it only does the
     *                   bookkeeping, for tests and benchmarks that do not need durability (records then never say
     *                   they follow a sync, so recovery takes any damage for a torn tail and cuts it).
     * @return this.
     */
    public RaftLogConfig syncOnSync(final boolean syncOnSync) {
        this.syncOnSync = syncOnSync;
        return this;
    }

    /**
     * @return whether {@link RaftLog#sync()} flushes to disk.
     */
    public boolean syncOnSync() {
        return syncOnSync;
    }

    /**
     * @param blockSizeBytes size of one Chronicle mapping chunk; a record may be at most a quarter of it.
     * @return this.
     */
    public RaftLogConfig blockSizeBytes(final long blockSizeBytes) {
        this.blockSizeBytes = blockSizeBytes;
        return this;
    }

    /**
     * @return size of one Chronicle mapping chunk.
     */
    public long blockSizeBytes() {
        return blockSizeBytes;
    }

    /**
     * @param maxCycleFileBytes bytes of records in the current cycle file after which the next sync rolls to a
     *                          new cycle file. Compaction deletes whole cycle files, so smaller files free disk
     *                          sooner after a snapshot, at the price of one checkpoint per roll.
     * @return this.
     */
    public RaftLogConfig maxCycleFileBytes(final long maxCycleFileBytes) {
        this.maxCycleFileBytes = maxCycleFileBytes;
        return this;
    }

    /**
     * @return bytes of records in a cycle file after which a sync rolls.
     */
    public long maxCycleFileBytes() {
        return maxCycleFileBytes;
    }

    /**
     * @param reserveSpaceBytes free space the log's file system must keep: a write that finds less usable space
     *                          fails the log stop with a disk-full error instead of faulting on a memory-mapped
     *                          page the file system cannot back. 0 turns the check off (then a full disk is met
     *                          by that fault, which the log also turns into fail-stop, less predictably).
     * @return this.
     */
    public RaftLogConfig reserveSpaceBytes(final long reserveSpaceBytes) {
        this.reserveSpaceBytes = reserveSpaceBytes;
        return this;
    }

    /**
     * @return free space the log keeps on its file system; 0: not checked.
     */
    public long reserveSpaceBytes() {
        return reserveSpaceBytes;
    }

    /**
     * @param hooks crash and fault injection points for tests; {@link RaftLogHooks#NONE} by default.
     * @return this.
     */
    public RaftLogConfig hooks(final RaftLogHooks hooks) {
        this.hooks = hooks;
        return this;
    }

    /**
     * @return the crash and fault injection hooks.
     */
    public RaftLogHooks hooks() {
        return hooks;
    }

    /**
     * @param blockSizeBytes a chunk size.
     * @return the largest entry payload a log of that chunk size takes (Chronicle refuses a document larger than a
     *     quarter of its chunk).
     */
    public static int maxPayloadBytes(final long blockSizeBytes) {
        return (int)(blockSizeBytes / 4) - RecordCodec.ENTRY_OVERHEAD_BYTES;
    }

    /**
     * @return the largest entry payload {@link RaftLog#append} accepts; derived by {@link #conclude()}.
     */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    @Override
    public String toString() {
        return "RaftLogConfig{dir=" + dir + ", syncOnSync=" + syncOnSync + ", blockSizeBytes=" + blockSizeBytes
            + ", maxCycleFileBytes=" + maxCycleFileBytes + ", reserveSpaceBytes=" + reserveSpaceBytes + '}';
    }
}
