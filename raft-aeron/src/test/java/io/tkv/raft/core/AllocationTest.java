package io.tkv.raft.core;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocationTest {
    private static final int TICKS = 200_000;

    @Test
    void idleTicksShouldNotAllocate() {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        // A peer that is no member yet (it never campaigns) and a follower hearing from its leader each tick.
        final RaftNode joiner = new RaftNode(new RaftConfig().id(4).regionId(TestCluster.REGION),
            MemoryRaftStorage.empty());
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        final RaftNode follower = c.node(2);
        for (int i = 0; i < 20_000; i++) {
            joiner.tick();
        }
        final long tid = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < TICKS; i++) {
            joiner.tick();
        }
        for (int i = 0; i < TestCluster.ELECTION - 1; i++) {
            follower.tick();
        }
        final long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 64 * 1024, allocated + " bytes for " + TICKS + " ticks");
    }
}
