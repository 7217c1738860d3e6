package io.tkv.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append path allocates nothing per call: measured with the JVM's per-thread allocation counter. */
class RaftLogAllocationTest {
    private static final int ENTRIES = 20_000;
    /** Well below one object (16 bytes) per append; leaves room for the odd lazily made JDK object. */
    private static final long ALLOWED_BYTES = 64 * 1024;
    /** Each asks for a sync: bounded by the disk, so fewer than the appends alone. */
    private static final int SYNCED_ENTRIES = 5_000;

    @TempDir
    Path dir;

    @Test
    void shouldAppendWithoutAllocating() {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        final long threadId = Thread.currentThread().getId();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);

        // A 64 MiB chunk holds the whole test, so Chronicle maps nothing new while it is measured.
        try (RaftLog log = RaftLog.open(new RaftLogConfig().dir(dir).syncOnSync(false)
            .blockSizeBytes(64L << 20).maxCycleFileBytes(64L << 20))) {
            // Warm up: the JIT compiles the path and the region's index ring grows to its final size.
            appendAll(log, 1, payload);
            log.truncateSuffix(1, 1);
            log.truncateSuffix(2, 1);
            log.sync();

            final long before = threads.getThreadAllocatedBytes(threadId);
            appendAll(log, 1, payload);
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

            assertEquals(ENTRIES, log.lastIndex(1));
            assertTrue(allocated < ALLOWED_BYTES, allocated + " bytes allocated by " + 2 * ENTRIES + " appends");
        }
    }

    @Test
    void shouldRequestSyncsAndReadDurableSeqWithoutAllocating() {
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final long threadId = Thread.currentThread().getId();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);

        try (RaftLog log = RaftLog.open(new RaftLogConfig().dir(dir)
            .blockSizeBytes(64L << 20).maxCycleFileBytes(64L << 20))) {
            log.startSyncThread(() -> { });
            // Warm up the owner's side of the hand-over (the syncs themselves run, and allocate, on the other thread).
            // and let the region's index ring grow to its final size.
            requestAll(log, payload);
            log.truncateSuffix(1, 1);
            log.sync();

            final long before = threads.getThreadAllocatedBytes(threadId);
            requestAll(log, payload);
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

            assertEquals(SYNCED_ENTRIES, log.lastIndex(1));
            assertTrue(allocated < ALLOWED_BYTES, allocated + " bytes allocated by " + SYNCED_ENTRIES
                + " appends, requestSync and durableSeq calls");
        }
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }

    /** The raft agent's duty cycle, reduced: append, ask for a sync, look at what is durable. */
    private static void requestAll(final RaftLog log, final UnsafeBuffer payload) {
        long durable = 0;
        for (long index = 1; index <= SYNCED_ENTRIES; index++) {
            payload.putLong(0, index);
            log.append(1, index, 1, 0, payload, 0, 64);
            log.requestSync();
            durable = Math.max(durable, log.durableSeq());
        }
        assertTrue(durable > 0);
    }

    private static void appendAll(final RaftLog log, final long regionId, final UnsafeBuffer payload) {
        for (int index = 1; index <= ENTRIES; index++) {
            payload.putInt(0, index);
            log.append(regionId, index, 1, 0, payload, 0, 64 + (index & 127));
            log.append(regionId + 1, log.lastIndex(regionId + 1) + 1, 1, 0, payload, 0, 32);
        }
    }
}
