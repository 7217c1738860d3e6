package io.tkv.log;

import java.io.IOException;
import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's Raft log: one Chronicle queue for all the store's regions. The log knows nothing of Raft rules; an
 * entry's type is an opaque small int and its payload opaque bytes.
 *
 * <h2>Threads</h2>
 * Not thread safe. One owner thread (the store's raft agent) calls every method; nothing locks. After
 * {@link #startSyncThread} one more thread, "tkv-log-sync" ({@link LogSyncer}), runs the {@code fdatasync}s: the
 * owner hands it a target sequence number through a volatile field and carries on; the thread publishes "durable up
 * to" and wakes the owner through the callback. The owner keeps everything else, including the housekeeping after a
 * sync (deleting cycle files, rolling), which it does once the thread has made everything written durable and is
 * idle; it switches the channel to sync only then, so the thread never uses a file the owner is closing. An owner
 * that keeps writing may never see that moment, so when housekeeping is due (a full cycle file, a compaction or a
 * region removal) {@code requestSync()} waits for that one sync, as every sync waits without the thread.
 *
 * <h2>Records</h2>
 * Every change is one record, one Chronicle document, written as raw bytes and closed by a CRC32C (see
 * {@link RecordCodec} for the layout and {@link RecordKind} for the kinds). Chronicle cannot truncate, so
 * truncation is logical: a TRUNCATE record, or an entry appended at an index the region already holds, discards
 * the region's entries from that index on. In memory each region keeps the term and queue index of each of its
 * entries ({@link RegionLog}), so {@link #term} needs no I/O and {@link #read} one queue lookup.
 *
 * <h2>Durability</h2>
 * {@link #sync()} is the only durability point: one {@code fdatasync} of the current cycle file covers every
 * record written since the previous sync, of all regions (group commit). Never acknowledge a write before the
 * {@code sync()} after it has returned. The hot path's form of it is {@link #requestSync()}, which returns the
 * sequence number of the last record written, and {@link #durableSeq()}, which reaches that number once the records
 * are durable: acknowledge a write only then. Without the sync thread, {@code requestSync()} syncs at once; with it,
 * it only asks, and requests made while a sync runs are covered together by the next one. A record's sync lag
 * (recovery's witness of what was durable) only ever names records a completed sync covered.
 * <ul>
 *   <li>A process crash ({@code kill -9}, {@code halt}) before {@code sync()} returns loses at most the record
 *       being written when it died: complete records are in the page cache through the memory mapping and
 *       survive, the half-written one is cut at recovery. After {@code sync()} returns, likewise nothing synced is
 *       lost.</li>
 *   <li>An OS crash or power loss before {@code sync()} returns may lose any record written since the last sync,
 *       in any pattern of whole or partial pages; recovery keeps the longest prefix of records that are intact and
 *       in sequence, and cuts the rest. After {@code sync()} returns every record written before the call is on
 *       disk (the file's data and size; and, through an fsync of the directory and of Chronicle's metadata file the
 *       first time a cycle file is synced, the new file's name).</li>
 * </ul>
 * A failed write (an exception or Chronicle error), a failed sync, or a write that finds less usable disk space than
 * {@link RaftLogConfig#reserveSpaceBytes()} ({@link SpaceReserve}: a memory-mapped write to a full disk would fault,
 * late) makes the log fail-stop: every later write and sync throws {@link RaftLogException}, since which of the
 * writes reached the disk cannot be known. Reads still work. A sync that fails on the sync thread does the same: the
 * next {@code durableSeq()}, {@code sync()} or write throws.
 *
 * <h2>Recovery and compaction</h2>
 * {@link #open} rebuilds every region from the longest prefix of records that are intact and in sequence; it cuts a
 * torn tail and refuses a log damaged in the middle ({@link LogRecovery} has the rules). Chronicle deletes only whole
 * cycle files: a sync rolls to a new one past {@link RaftLogConfig#maxCycleFileBytes()}, each starts with a
 * CHECKPOINT of every region, and old ones go once no region needs them ({@link CycleRetention}).
 */
public final class RaftLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftLog.class);

    private final RaftLogConfig config;
    private final SpaceReserve reserve;
    private final LogQueue queue;
    private final RecordCodec codec;
    private final ExpandableArrayBuffer writeBuffer;
    private final EntryLoader entries;
    private final Long2ObjectHashMap<RegionLog> regions;
    private final long recoveryCutIndex;
    private long nextSeq;
    /**
     * The sequence number of the last record a completed sync made durable, written into every record (as its sync
     * lag) for recovery to tell a torn tail from damage in the middle; -1 when the log syncs nothing.
     */
    private long syncedSeq;
    private long bytesInCycle;
    private boolean unsynced;
    /** The last record a completed sync covered (as far as the config syncs at all): {@link #durableSeq()}. */
    private long durableSeq = -1;
    private boolean compactionDue;
    private Throwable failure;
    private boolean closed;
    private long recordsWritten;
    private long syncs;
    private long lastSyncNs;
    private long cyclesDeleted;
    /** The sync thread, after {@link #startSyncThread}; null: syncs run on the owner thread. */
    private LogSyncer syncer;

    private RaftLog(
        final RaftLogConfig config, final LogQueue queue, final RecordCodec codec,
        final ExpandableArrayBuffer readBuffer, final LogRecovery.Result recovered, final SpaceReserve reserve) {
        this.config = config;
        this.reserve = reserve;
        this.queue = queue;
        this.codec = codec;
        this.entries = new EntryLoader(queue, codec, readBuffer);
        this.writeBuffer = new ExpandableArrayBuffer(1024);
        this.regions = recovered.regions();
        this.nextSeq = recovered.nextSeq();
        // Open synced the records recovery used (see open); without syncs nothing is durable but by chance.
        this.syncedSeq = config.syncOnSync() ? recovered.nextSeq() - 1 : -1;
        this.recoveryCutIndex = recovered.cutIndex();
    }

    /**
     * Opens the log in {@code config.dir()}, creating it or recovering it (see the class comment). Concludes the
     * config first. On return the log is durable as far as recovery found it, and writes go to a fresh cycle.
     *
     * @param config the log's configuration.
     * @return the open log; close it to release the queue.
     * @throws RaftLogException if the queue cannot be opened, or is damaged in the middle (not just a torn tail),
     *                          or inconsistent; its message says where and what to do.
     */
    public static RaftLog open(final RaftLogConfig config) {
        config.conclude();
        final LogQueue queue;
        try {
            queue = LogQueue.open(config);
        } catch (final RaftLogException ex) {
            throw ex;
        } catch (final RuntimeException ex) {
            throw new RaftLogException("cannot open the Chronicle queue in " + config.dir() + ": " + ex, ex);
        }
        try {
            final RecordCodec codec = new RecordCodec();
            final ExpandableArrayBuffer readBuffer = new ExpandableArrayBuffer(1024);
            final LogRecovery.Result recovered = new LogRecovery(queue, codec, readBuffer).run();
            if (config.syncOnSync()) {
                // The records just recovered may be in the page cache only; the new records depend on them.
                queue.syncNewestCycle();
            }
            final RaftLog log = new RaftLog(config, queue, codec, readBuffer, recovered,
                SpaceReserve.forDir(config.dir(), config.reserveSpaceBytes()));
            log.startCycle(recovered.endQueueIndex());
            log.sync();
            LOG.info("opened Raft log {} with {} regions", config.dir(), log.regions.size());
            return log;
        } catch (final RuntimeException | IOException ex) {
            queue.close();
            if (ex instanceof RaftLogException) {
                throw (RaftLogException) ex;
            }
            throw new RaftLogException("cannot recover the log in " + config.dir() + ": " + ex, ex);
        }
    }

    /**
     * Makes the calling thread the log's owner from now on: a hand-over, for a log opened on one thread and then
     * used only by another (the store opens it at start-up and its raft agent runs it). The log stays
     * single-threaded; the previous owner must not use it again.
     */
    public void handOverToCurrentThread() {
        queue.handOverToCurrentThread();
    }

    /**
     * Appends one entry. {@code index == lastIndex(region) + 1} appends; {@code firstIndex <= index <= lastIndex}
     * first discards the entries {@code [index, lastIndex]}, then appends (in one record). Allocation free.
     *
     * @param regionId  the region.
     * @param index     the entry's Raft index.
     * @param term      the entry's Raft term, {@code >= 0}.
     * @param entryType opaque to the log.
     * @param payload   holds the entry's bytes; copied before the call returns.
     * @param offset    where they start in {@code payload}.
     * @param length    how many, at most {@link RaftLogConfig#maxPayloadBytes()}.
     * @throws IllegalArgumentException for a gap, an index at or below the compacted index, a negative term or a
     *                                  payload too large; nothing is written.
     * @throws RaftLogException         if the write fails (the log is then fail-stop) or the log is fail-stop.
     */
    public void append(
        final long regionId, final long index, final long term, final int entryType, final DirectBuffer payload,
        final int offset, final int length) {
        ensureWritable();
        RegionLog region = regions.get(regionId);
        final long first = region == null ? 1 : region.firstIndex();
        final long last = region == null ? 0 : region.lastIndex();
        if (index < first || index > last + 1) {
            throw new IllegalArgumentException("region " + regionId + ": cannot append index " + index
                + " to a log of [" + first + ", " + last + "]");
        }
        if (term < 0) {
            throw new IllegalArgumentException("region " + regionId + ": negative term " + term);
        }
        if (length < 0 || length > config.maxPayloadBytes()) {
            throw new IllegalArgumentException("region " + regionId + ": payload of " + length
                + " bytes, the log takes 0.." + config.maxPayloadBytes());
        }
        final int recordLength = codec.encodeEntry(
            writeBuffer, nextSeq, syncedSeq, regionId, index, term, entryType, payload, offset, length);
        final long queueIndex = write(RecordKind.ENTRY, recordLength);
        if (region == null) {
            region = new RegionLog(regionId);
            regions.put(regionId, region);
        }
        region.append(index, term, queueIndex);
    }

    /**
     * Discards the region's entries at and after {@code fromIndex}. Nothing to discard: nothing is written.
     *
     * @param regionId  the region.
     * @param fromIndex the first index discarded, greater than the compacted index.
     * @throws IllegalArgumentException if {@code fromIndex} is at or below the compacted index.
     * @throws RaftLogException         if the write fails or the log is fail-stop.
     */
    public void truncateSuffix(final long regionId, final long fromIndex) {
        ensureWritable();
        final RegionLog region = regions.get(regionId);
        if (region == null || fromIndex > region.lastIndex()) {
            return;
        }
        if (fromIndex < region.firstIndex()) {
            throw new IllegalArgumentException("region " + regionId + ": cannot truncate from " + fromIndex
                + ", entries up to " + region.compactedIndex() + " are compacted");
        }
        write(RecordKind.TRUNCATE, codec.encodeTruncate(writeBuffer, nextSeq, syncedSeq, regionId, fromIndex));
        region.truncateFrom(fromIndex);
    }

    /**
     * Records the region's hard state; durable at the next {@link #sync()}. The same state again writes nothing.
     *
     * @param regionId the region.
     * @param term     the current term.
     * @param vote     the vote in that term (0 = none).
     * @param commit   the commit index.
     * @throws RaftLogException if the write fails or the log is fail-stop.
     */
    public void saveHardState(final long regionId, final long term, final long vote, final long commit) {
        ensureWritable();
        final RegionLog known = regions.get(regionId);
        if (known != null && known.hardStateEquals(term, vote, commit)) {
            return;
        }
        write(RecordKind.HARD_STATE,
            codec.encodeHardState(writeBuffer, nextSeq, syncedSeq, regionId, term, vote, commit));
        final RegionLog region = known != null ? known : newRegion(regionId);
        region.hardState(term, vote, commit);
    }

    /**
     * Makes every append, truncation, hard state and compaction since the last sync durable, for all regions, with
     * one {@code fdatasync} (plus, the first time a new cycle file is synced, an fsync of the directory and of
     * Chronicle's metadata file). A cheap no-op when nothing was written. Afterwards it may delete cycle files
     * compaction freed, and roll to a new cycle file if the current one is full. With the sync thread it asks the
     * thread and waits for it: a cold path.
     *
     * @throws RaftLogException if the sync fails (the log is then fail-stop) or the log is fail-stop.
     */
    public void sync() {
        ensureWritable();
        if (!unsynced) {
            return;
        }
        if (syncer != null) {
            syncThroughThread();
            return;
        }
        if (config.syncOnSync()) {
            final long startNs = System.nanoTime();
            try {
                queue.sync();
            } catch (final IOException | RuntimeException | Error ex) {
                throw fail("sync failed; writes since the last sync may not be durable", ex);
            }
            lastSyncNs = System.nanoTime() - startNs;
            syncedSeq = nextSeq - 1;
        }
        syncs++;
        unsynced = false;
        durableSeq = nextSeq - 1;
        afterSync();
    }

    /**
     * Starts the sync thread (see the class comment): from now on {@link #requestSync()} hands the sync to it and
     * returns at once, and {@link #sync()} waits for it. Owner thread; what was written so far is synced first. A
     * config that does not sync ({@link RaftLogConfig#syncOnSync()} false) needs no thread: none is started and
     * requestSync stays an immediate no-op sync.
     *
     * @param onDurable run on the sync thread after each completed sync publishes a new {@link #durableSeq()}, and
     *                  after a failed one: the store passes {@code () -> LockSupport.unpark(raftThread)}. Must be
     *                  quick and not throw (if it throws, the log goes fail-stop).
     * @throws IllegalStateException if the thread was started already.
     * @throws RaftLogException      if the first sync fails or the log is fail-stop.
     */
    public void startSyncThread(final Runnable onDurable) {
        if (onDurable == null) {
            throw new IllegalArgumentException("onDurable must be set");
        }
        ensureWritable();
        if (syncer != null) {
            throw new IllegalStateException("the sync thread of " + config.dir() + " runs already");
        }
        if (!config.syncOnSync()) {
            return;
        }
        sync();
        syncer = new LogSyncer(queue, durableSeq, onDurable);
        syncer.start();
    }

    /**
     * Asks that everything written so far be made durable, as {@link #sync()} does, without waiting for the disk when
     * the log has a sync thread ({@link #startSyncThread}); without one it syncs at once. With the thread it also
     * takes in completed syncs and their housekeeping, like {@link #durableSeq()}. Owner thread only; allocation
     * free, and waits for the disk only when the housekeeping of a sync is due: once per full cycle file (to roll)
     * and once after a compaction or region removal (to delete cycle files).
     *
     * @return the sequence number of the last record written: {@link #durableSeq()} reaches it once it is durable.
     * @throws RaftLogException if the log is fail-stop, or the sync fails.
     */
    public long requestSync() {
        if (syncer == null) {
            sync();
            return nextSeq - 1;
        }
        ensureWritable();
        long target = requestOnThread();
        if (unsynced && housekeepingDue()) {
            // A full cycle file or a compaction needs everything written durable, which an owner that keeps writing
            // may never see by itself: wait for this one sync, as the synchronous log waits for every sync.
            awaitOnThread(target);
            target = requestOnThread();
        }
        return target;
    }

    /**
     * @return the sequence number of the last record a completed sync made durable (never decreases; with a config
     *     that does not sync, the last record a sync was asked for covered). Owner thread only; with the sync thread
     *     a volatile read, plus the housekeeping of a sync (cycle deletion, a roll) once everything is durable.
     * @throws RaftLogException if the log is fail-stop (a sync failed, on this thread or on the sync thread).
     */
    public long durableSeq() {
        ensureWritable();
        if (syncer != null) {
            catchUp();
        }
        return durableSeq;
    }

    /**
     * Records a snapshot covering the entries up to {@code throughIndex}: {@code firstIndex} becomes
     * {@code throughIndex + 1} and {@code term(throughIndex)} answers {@code throughTerm}. If the log holds
     * {@code throughIndex} with {@code throughTerm}, the entries after it stay; otherwise (a snapshot from the
     * leader past or against the log) the region's log becomes empty with {@code lastIndex == throughIndex}.
     * A snapshot not past the compacted index changes nothing. Cycle files no region needs are deleted at a
     * later {@link #sync()}.
     *
     * @param regionId     the region.
     * @param throughIndex the snapshot's last index.
     * @param throughTerm  its term, {@code >= 0}.
     * @throws RaftLogException if the write fails or the log is fail-stop.
     */
    public void compact(final long regionId, final long throughIndex, final long throughTerm) {
        ensureWritable();
        if (throughTerm < 0) {
            throw new IllegalArgumentException("region " + regionId + ": negative term " + throughTerm);
        }
        final RegionLog known = regions.get(regionId);
        final long compacted = known == null ? 0 : known.compactedIndex();
        if (throughIndex <= compacted) {
            return;
        }
        final boolean keepSuffix = known != null && known.keepsSuffix(throughIndex, throughTerm);
        write(RecordKind.COMPACT,
            codec.encodeCompact(writeBuffer, nextSeq, syncedSeq, regionId, throughIndex, throughTerm, keepSuffix));
        final RegionLog region = known != null ? known : newRegion(regionId);
        region.compact(throughIndex, throughTerm, keepSuffix);
        compactionDue = true;
    }

    /**
     * Forgets the region (it left this store): its entries, hard state and snapshot point. Unknown regions: nothing
     * is written.
     *
     * @param regionId the region.
     * @throws RaftLogException if the write fails or the log is fail-stop.
     */
    public void removeRegion(final long regionId) {
        ensureWritable();
        if (!regions.containsKey(regionId)) {
            return;
        }
        write(RecordKind.REMOVE_REGION, codec.encodeRemove(writeBuffer, nextSeq, syncedSeq, regionId));
        regions.remove(regionId);
        compactionDue = true;
    }

    /**
     * @param regionId the region.
     * @return the compacted index + 1 (1 for a region the log does not know).
     */
    public long firstIndex(final long regionId) {
        final RegionLog region = regions.get(regionId);
        return region == null ? 1 : region.firstIndex();
    }

    /**
     * @param regionId the region.
     * @return the last index, or the compacted index when the region's log is empty (0 for an unknown region).
     */
    public long lastIndex(final long regionId) {
        final RegionLog region = regions.get(regionId);
        return region == null ? 0 : region.lastIndex();
    }

    /**
     * @param regionId the region.
     * @param index    a Raft index.
     * @return the entry's term; the compacted term at the compacted index; -1 when unknown (compacted away or
     *         beyond the last index).
     */
    public long term(final long regionId, final long index) {
        final RegionLog region = regions.get(regionId);
        if (region == null) {
            return index == 0 ? 0 : -1;
        }
        return region.term(index);
    }

    /**
     * Reads one entry and hands it to {@code reader} once.
     *
     * @param regionId the region.
     * @param index    the entry's index.
     * @param reader   called once with the entry; its buffer is valid only during the call.
     * @return false if the log does not hold that index.
     * @throws RaftLogException if the entry's record cannot be read back or is not what the index says.
     */
    public boolean read(final long regionId, final long index, final EntryReader reader) {
        ensureOpen();
        final RegionLog region = regions.get(regionId);
        if (region == null || index < region.firstIndex() || index > region.lastIndex()) {
            return false;
        }
        entries.read(region, index, index + 1, Integer.MAX_VALUE, reader);
        return true;
    }

    /**
     * Reads the entries of {@code [fromIndex, min(toIndexExclusive, lastIndex + 1))} in order, stopping before
     * the entry that would take the payload bytes past {@code maxBytes} (but always at least one entry).
     *
     * @param regionId         the region.
     * @param fromIndex        the first index; nothing is read if it is compacted away or beyond the last index.
     * @param toIndexExclusive the index to stop before.
     * @param maxBytes         payload bytes to stop at.
     * @param reader           called once per entry, in index order.
     * @return how many entries were read.
     * @throws RaftLogException if a record cannot be read back or is not what the index says.
     */
    public int readRange(
        final long regionId, final long fromIndex, final long toIndexExclusive, final int maxBytes,
        final EntryReader reader) {
        ensureOpen();
        final RegionLog region = regions.get(regionId);
        if (region == null || fromIndex < region.firstIndex()) {
            return 0;
        }
        return entries.read(region, fromIndex, Math.min(toIndexExclusive, region.lastIndex() + 1), maxBytes, reader);
    }

    /**
     * @param regionId the region.
     * @return its last saved hard state, {@link LogHardState#EMPTY} for an unknown region.
     */
    public LogHardState hardState(final long regionId) {
        final RegionLog region = regions.get(regionId);
        if (region == null) {
            return LogHardState.EMPTY;
        }
        return new LogHardState(region.hardTerm(), region.hardVote(), region.hardCommit());
    }

    /**
     * @return the regions with anything in the log (entries, hard state or a snapshot point), sorted; for a
     *         restart.
     */
    public long[] regions() {
        final long[] ids = new long[regions.size()];
        int i = 0;
        final Long2ObjectHashMap<RegionLog>.KeyIterator it = regions.keySet().iterator();
        while (it.hasNext()) {
            ids[i++] = it.nextLong();
        }
        Arrays.sort(ids);
        return ids;
    }

    /**
     * @return the log's counters; lists the queue directory, so not for a hot path.
     */
    public RaftLogStats stats() {
        long entries = 0;
        for (final RegionLog region : regions.values()) {
            entries += region.entryCount();
        }
        final int cycleFiles = closed ? 0 : queue.cycles().size();
        final boolean threaded = syncer != null;
        return new RaftLogStats(queue.diskBytes(), cycleFiles, entries, regions.size(), recordsWritten,
            threaded ? syncs + syncer.syncs() : syncs, threaded ? syncer.lastSyncNs() : lastSyncNs, cyclesDeleted,
            recoveryCutIndex, failure != null || threaded && syncer.failure() != null);
    }

    /**
     * @return the configuration the log was opened with.
     */
    public RaftLogConfig config() {
        return config;
    }

    /**
     * Syncs what was written since the last sync (unless the log is fail-stop), writes and syncs a CLOSE record
     * (so that recovery knows every record before it is durable, and damage to any of them is not a torn tail),
     * then stops and joins the sync thread, if any (fail-stop or not), and closes the queue.
     *
     * @throws RaftLogException if the sync of what was written fails; the queue is closed all the same.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (failure == null) {
                sync();
                markCleanClose();
            }
        } finally {
            closed = true;
            if (syncer != null) {
                // Before the queue closes the channel it may be forcing.
                syncer.stop();
            }
            queue.close();
        }
    }

    private void markCleanClose() {
        if (syncedSeq < 0) {
            // It would vouch for nothing: the log does not sync.
            return;
        }
        try {
            write(RecordKind.CLOSE, codec.encodeClose(writeBuffer, nextSeq, syncedSeq, System.currentTimeMillis()));
            sync();
        } catch (final RaftLogException ex) {
            // Everything before it is durable already; without it, recovery only knows less about the last batch.
            LOG.warn("Raft log {}: could not mark a clean close: {}", queue.dir(), ex.getMessage());
        }
    }

    /**
     * Housekeeping once everything written is durable: cycle files compaction freed go (every checkpoint written
     * before is durable), and a full cycle file is rolled. Owner thread, never while a sync is in flight.
     */
    private boolean housekeepingDue() {
        return compactionDue || bytesInCycle >= config.maxCycleFileBytes();
    }

    private void afterSync() {
        if (compactionDue) {
            deleteUnneededCycles();
        }
        if (bytesInCycle >= config.maxCycleFileBytes()) {
            rollCycle();
        }
    }

    /** Takes in what the sync thread made durable; once that is everything written, does the housekeeping. */
    private void catchUp() {
        final long durable = syncer.durableSeq();
        if (durable > durableSeq) {
            durableSeq = durable;
            // Only what a completed sync covered: the sync lag of the next records never claims more.
            syncedSeq = durable;
        }
        if (unsynced && durable == nextSeq - 1) {
            unsynced = false;
            afterSync();
        }
    }

    /** Hands the sync up to {@code target} to the thread; waits only when the cycle file changed under a sync. */
    private void handOver(final long target) {
        try {
            if (!queue.syncChannelCurrent() && !syncer.awaitIdle()) {
                throw syncThreadFailed();
            }
            queue.prepareSync();
        } catch (final IOException ex) {
            throw fail("cannot open the cycle file to sync", ex);
        }
        // The directory is due only with a new channel, which is set only while the thread is idle.
        syncer.request(target, queue.syncChannel(), syncer.idle() && queue.takeDirectorySyncDue());
    }

    private long requestOnThread() {
        catchUp();
        final long target = nextSeq - 1;
        if (target > syncer.requestedSeq()) {
            handOver(target);
        }
        return target;
    }

    private void awaitOnThread(final long target) {
        if (!syncer.awaitDurable(target)) {
            throw syncThreadFailed();
        }
        catchUp();
    }

    /** {@link #sync()} with the thread: a cold path (compaction, bootstrap, close), so it just waits. */
    private void syncThroughThread() {
        awaitOnThread(requestSync());
    }

    private RaftLogException syncThreadFailed() {
        final Throwable cause = syncer.failure();
        if (cause != null) {
            return fail("sync failed on the sync thread; writes since the last sync may not be durable", cause);
        }
        return fail("the sync thread ended", new IllegalStateException(LogSyncer.THREAD_NAME + " is not running"));
    }

    private RegionLog newRegion(final long regionId) {
        final RegionLog region = new RegionLog(regionId);
        regions.put(regionId, region);
        return region;
    }

    /**
     * Writes the first records of a fresh cycle: an OPEN record when the log was just opened, then a checkpoint
     * of every region.
     */
    private void startCycle(final long endQueueIndex) {
        // LogQueue.open pointed the clock past every existing cycle already.
        bytesInCycle = 0;
        write(RecordKind.OPEN,
            codec.encodeOpen(writeBuffer, nextSeq, syncedSeq, endQueueIndex, System.currentTimeMillis()));
        writeCheckpoints();
        // Files a crash kept from being deleted go at the sync that makes this cycle's checkpoint durable.
        compactionDue = true;
    }

    private void rollCycle() {
        queue.roll();
        bytesInCycle = 0;
        writeCheckpoints();
        if (!unsynced) {
            // No region to checkpoint: nothing is in the new cycle yet; the next record starts it.
            return;
        }
        compactionDue = true;
    }

    private void writeCheckpoints() {
        for (final RegionLog region : regions.values()) {
            write(RecordKind.CHECKPOINT, codec.encodeCheckpoint(writeBuffer, nextSeq, syncedSeq, region));
        }
    }

    /**
     * Deletes the cycle files no region needs. Runs right after a sync, so every checkpoint written before it (the
     * one at the start of each newer cycle) is durable.
     */
    private void deleteUnneededCycles() {
        compactionDue = false;
        try {
            cyclesDeleted += CycleRetention.deleteUnneeded(queue, regions);
        } catch (final IOException | RuntimeException ex) {
            // Not a durability problem: the files are only kept longer. Try again at the next sync.
            LOG.warn("cannot delete old cycle files of {}: {}", queue.dir(), ex.toString());
            compactionDue = true;
        }
    }

    private long write(final RecordKind kind, final int length) {
        try {
            reserve.beforeWrite(length);
        } catch (final RaftLogException ex) {
            throw fail("refusing to write a " + kind + " record", ex);
        }
        final long queueIndex;
        try {
            queueIndex = queue.append(writeBuffer, length, kind);
        } catch (final RuntimeException | Error ex) {
            throw fail("writing a " + kind + " record failed", ex);
        }
        nextSeq++;
        recordsWritten++;
        bytesInCycle += length + Integer.BYTES;
        unsynced = true;
        return queueIndex;
    }

    private RaftLogException fail(final String what, final Throwable cause) {
        failure = cause;
        LOG.error("Raft log {} is fail-stop: {}", queue.dir(), what, cause);
        return new RaftLogException("Raft log " + queue.dir() + " is fail-stop: " + what + ": " + cause, cause);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the Raft log " + config.dir() + " is closed");
        }
    }

    private void ensureWritable() {
        ensureOpen();
        if (failure == null && syncer != null && syncer.failure() != null) {
            throw syncThreadFailed();
        }
        if (failure != null) {
            throw new RaftLogException("Raft log " + queue.dir() + " is fail-stop after an earlier failure: "
                + failure, failure);
        }
    }
}
