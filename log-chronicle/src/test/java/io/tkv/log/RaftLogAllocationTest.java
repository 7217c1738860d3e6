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

    private static void appendAll(final RaftLog log, final long regionId, final UnsafeBuffer payload) {
        for (int index = 1; index <= ENTRIES; index++) {
            payload.putInt(0, index);
            log.append(regionId, index, 1, 0, payload, 0, 64 + (index & 127));
            log.append(regionId + 1, log.lastIndex(regionId + 1) + 1, 1, 0, payload, 0, 32);
        }
    }
}
