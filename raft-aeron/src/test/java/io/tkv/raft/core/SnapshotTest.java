package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotTest {
    /** Peer 3 misses five entries; the leader then compacts them away. */
    private static TestCluster followerBehindCompactedLog() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        c.isolated.add(3L);
        for (final String s : List.of("a", "b", "c", "d", "e")) {
            c.propose(1, s);
        }
        c.tickAll(1);
        final RaftStatus s = c.status(1);
        final MemoryRaftStorage storage = c.storages.get(1L);
        storage.compact(new Snapshot(s.applied(), storage.term(s.applied()), s.conf(), "abcde".getBytes()));
        c.node(1).compact(s.applied());
        return c;
    }

    @Test
    void shouldCatchUpAFollowerBehindTheCompactedLogBySnapshot() {
        final TestCluster c = followerBehindCompactedLog();
        final long snapshotIndex = c.storages.get(1L).firstIndex() - 1;
        c.isolated.clear();
        c.tickAll(3);
        assertEquals(1, c.sentOfType(MessageType.SNAPSHOT).stream().filter(m -> m.to() == 3).count());
        final MemoryRaftStorage s3 = c.storages.get(3L);
        assertEquals("abcde", new String(s3.snapshot().data()));
        assertEquals(snapshotIndex + 1, s3.firstIndex());
        c.propose(1, "f");
        c.tickAll(1);
        assertEquals(List.of("f"), c.appliedData(3), "a..e came in the snapshot");
        assertEquals(c.status(1).commit(), c.status(3).commit());
    }

    @Test
    void shouldRetryASnapshotReportedFailed() {
        final TestCluster c = followerBehindCompactedLog();
        c.drop = m -> m.type() == MessageType.SNAPSHOT;
        c.isolated.clear();
        c.tickAll(2);
        assertEquals(1, c.sentOfType(MessageType.SNAPSHOT).size());
        c.tickAll(3);
        assertEquals(1, c.sentOfType(MessageType.SNAPSHOT).size(), "waits for the report");
        c.node(1).reportSnapshot(3, false);
        c.drop = m -> false;
        c.tickAll(3);
        assertEquals(2, c.sentOfType(MessageType.SNAPSHOT).size());
        assertEquals(c.status(1).commit(), c.status(3).commit());
    }

    @Test
    void followerShouldIgnoreASnapshotOlderThanItsCommitIndex() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        c.propose(1, "a");
        c.tickAll(1);
        final RaftStatus s = c.status(2);
        final RaftNode node = c.node(2);
        node.step(Messages.snapshot(1, 2, s.term(), new Snapshot(2, s.term(), s.conf(), new byte[0])));
        final Ready r = node.ready();
        assertNull(r.snapshot());
        final RaftMessage response = r.messagesAfterPersist().get(0);
        assertEquals(MessageType.APPEND_RESPONSE, response.type());
        assertEquals(s.commit(), response.index());
        node.advance(r);
    }

    @Test
    void installedSnapshotShouldComeFirstInTheReadyAndReplaceTheLog() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        final RaftStatus s = c.status(2);
        final RaftNode node = c.node(2);
        final Snapshot snap = new Snapshot(10, s.term(), s.conf(), "state".getBytes());
        node.step(Messages.snapshot(1, 2, s.term(), snap));
        node.step(Messages.append(1, 2, s.term(), s.term(), 10, 11, List.of(Messages.entry(11, s.term(), "k"))));
        final Ready r = node.ready();
        assertEquals(snap, r.snapshot());
        assertEquals(11, r.entries().get(0).index());
        assertTrue(r.committedEntries().isEmpty());
        assertEquals(11, r.hardState().commit());
        c.storages.get(2L).persist(r);
        node.advance(r);
        assertEquals(10, node.status().applied());
        assertEquals(11, node.ready().committedEntries().get(0).index());
    }
}
