package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationTest {
    @Test
    void shouldCommitOnQuorumAndApplyInOrderEverywhere() {
        final TestCluster c = TestCluster.ofVoters(3);
        final long leader = c.electAny();
        c.propose(leader, "a");
        c.propose(leader, "b");
        c.propose(leader, "c");
        c.tickAll(2);
        for (final long id : c.ids()) {
            assertEquals(List.of("a", "b", "c"), c.appliedData(id), "peer " + id);
        }
    }

    @Test
    void shouldNotCountLeaderUnpersistedEntriesTowardCommit() {
        assertLeaderCountsOnlyItsDurableEntries(RaftConfig.BrokenRule.NONE);
    }

    @Test
    void brokenRuleCountingUnpersistedEntriesIsObservable() {
        assertLeaderCountsOnlyItsDurableEntries(RaftConfig.BrokenRule.COUNT_UNPERSISTED_SELF);
    }

    private static void assertLeaderCountsOnlyItsDurableEntries(final RaftConfig.BrokenRule rule) {
        final TestCluster c = TestCluster.of(3, cfg -> cfg.brokenRuleForTesting(rule));
        c.campaign(1);
        c.tickAll(1);
        c.isolated.add(3L);
        final RaftNode leader = c.node(1);
        final long index = leader.propose("x".getBytes());
        final Ready ready = leader.ready();
        for (final RaftMessage m : ready.messages()) {
            if (m.to() == 2) {
                c.node(2).step(m);
            }
        }
        c.deliver();
        final boolean broken = rule == RaftConfig.BrokenRule.COUNT_UNPERSISTED_SELF;
        assertEquals(broken ? index : index - 1, leader.status().commit(),
            "peer 2 alone acknowledged it; the leader's copy is not durable");
        c.storages.get(1L).persist(ready);
        leader.advance(ready);
        assertEquals(index, leader.status().commit());
    }

    @Test
    void shouldNotCommitEntryOfPreviousTermByCounting() {
        assertEquals(2, figureEightCommitWhileOnlyOldTermReplicated(RaftConfig.BrokenRule.NONE));
    }

    @Test
    void brokenRuleCommittingPreviousTermByCountingIsObservable() {
        assertEquals(3, figureEightCommitWhileOnlyOldTermReplicated(
            RaftConfig.BrokenRule.COMMIT_PREVIOUS_TERM_BY_COUNTING));
    }

    /**
     * Raft §5.4.2 / Figure 8: the leader of term 3 replicates an entry of term 2 (index 3) to every peer, but not yet
     * its own entry of term 3 (index 4). @return its commit index then.
     */
    private static long figureEightCommitWhileOnlyOldTermReplicated(final RaftConfig.BrokenRule rule) {
        final TestCluster c = TestCluster.of(3, cfg -> cfg.maxAppendBytes(1).brokenRuleForTesting(rule));
        c.campaign(1);
        c.tickAll(1);
        c.isolated.add(2L);
        c.isolated.add(3L);
        c.propose(1, "old");
        for (int i = 0; i < 3 * TestCluster.ELECTION && c.status(1).role() == Role.LEADER; i++) {
            c.tick(1, 1);
        }
        assertEquals(Role.FOLLOWER, c.status(1).role());
        c.isolated.clear();
        // The new term's entry (index 4) reaches nobody until the peer holds index 3.
        c.drop = m -> m.type() == MessageType.APPEND && m.to() != 1 && c.storages.get(m.to()).lastIndex() >= 3
            && m.entries().stream().anyMatch(e -> e.index() == 4);
        c.campaign(1);
        assertEquals(Role.LEADER, c.status(1).role());
        assertEquals(3, c.status(1).term());
        c.tickAll(2);
        assertEquals("old", new String(c.storages.get(2L).entry(3).data()));
        assertEquals("old", new String(c.storages.get(3L).entry(3).data()));
        final long commit = c.status(1).commit();
        c.drop = m -> false;
        c.tickAll(2);
        assertEquals(4, c.status(1).commit());
        assertEquals(List.of("old"), c.appliedData(2));
        return commit;
    }

    @Test
    void followerShouldRejectMismatchedAppendWithConflictHint() {
        final TestCluster c = TestCluster.ofVoters(3);
        final long leader = c.electAny();
        c.propose(leader, "a");
        c.tickAll(1);
        final long follower = leader == 1 ? 2 : 1;
        final RaftStatus s = c.status(follower);
        final RaftNode node = c.node(follower);
        node.step(Messages.append(leader, follower, s.term(), s.term(), s.lastIndex() + 5, s.commit(),
            List.of(Messages.entry(s.lastIndex() + 6, s.term(), "z"))));
        final RaftMessage r = ElectionTest.lastTo(node, leader, MessageType.APPEND_RESPONSE);
        assertTrue(r.reject());
        assertEquals(s.lastIndex() + 5, r.index(), "the rejected previous index");
        assertEquals(s.lastIndex(), r.rejectHint(), "our last index: the logs can only match up to there");
        assertEquals(s.term(), r.logTerm());
    }

    @Test
    void leaderShouldBacktrackOverADivergentTermInOneRoundTrip() {
        final TestCluster c = divergentLogs();
        c.campaign(1);
        c.tickAll(3);
        int rejects = 0;
        for (final RaftMessage m : c.sentOfType(MessageType.APPEND_RESPONSE)) {
            if (m.from() == 3 && m.reject()) {
                rejects++;
            }
        }
        assertEquals(1, rejects, "one rejection skips all ten entries of term 2");
        assertEquals(c.storages.get(1L).log(), c.storages.get(3L).log());
    }

    @Test
    void shouldTruncateConflictingUncommittedSuffix() {
        final TestCluster c = divergentLogs();
        c.campaign(1);
        c.propose(1, "new");
        c.tickAll(3);
        final List<Entry> log3 = c.storages.get(3L).log();
        assertEquals(c.storages.get(1L).log(), log3);
        for (final Entry e : log3) {
            assertTrue(e.term() != 2, "no entry of the deposed term-2 leader survives: " + e);
        }
        assertEquals(List.of("x2", "x3", "x4", "new"), c.appliedData(3));
    }

    @Test
    void followerShouldCommitOnlyWhatTheAppendProvedToMatch() {
        final TestCluster c = divergentLogs();
        final RaftNode stale = c.node(3);
        // Leader 1 (term 3) has committed 4; its APPEND proves only index 1. Peer 3's entries 2..11 are of the
        // deposed term 2 and must not become committed.
        stale.step(Messages.append(1, 3, 3, 1, 1, 4, List.of()));
        final RaftStatus s = stale.status();
        assertEquals(1, s.commit());
        final Ready r = stale.ready();
        assertTrue(r.committedEntries().isEmpty());
        assertEquals(1, r.messagesAfterPersist().get(0).index(), "matches up to 1 only");
    }

    /** Peers 1, 2: entries 2..4 of term 3; peer 3: entries 2..11 of term 2 (a deposed leader's, never committed). */
    private static TestCluster divergentLogs() {
        final TestCluster c = TestCluster.ofVoters(3);
        for (final long id : new long[] {1, 2}) {
            final List<Entry> log = new ArrayList<>();
            for (long i = 2; i <= 4; i++) {
                log.add(Messages.entry(i, 3, "x" + i));
            }
            c.storages.get(id).append(log);
            c.storages.get(id).hardState(new HardState(3, 1, 1));
        }
        final List<Entry> stale = new ArrayList<>();
        for (long i = 2; i <= 11; i++) {
            stale.add(Messages.entry(i, 2, "stale" + i));
        }
        c.storages.get(3L).append(stale);
        c.storages.get(3L).hardState(new HardState(2, 3, 1));
        for (final long id : c.ids()) {
            c.restart(id);
        }
        return c;
    }

    @Test
    void shouldBoundAppendsInFlightPerFollower() {
        final TestCluster c = TestCluster.of(3, cfg -> cfg.maxInflightAppends(2).maxAppendBytes(1));
        c.campaign(1);
        c.tickAll(2);
        c.drop = m -> m.type() == MessageType.APPEND_RESPONSE && m.from() == 2;
        final int before = appendsWithEntriesTo(c, 2);
        for (int i = 0; i < 10; i++) {
            c.node(1).propose(("p" + i).getBytes());
        }
        c.deliver();
        assertEquals(2, appendsWithEntriesTo(c, 2) - before, "window of two, one entry each");
        c.drop = m -> false;
        c.tickAll(5);
        assertEquals(10, c.appliedData(2).size(), "a heartbeat answer unblocks the window");
    }

    @Test
    void shouldBatchProposalsOfOneCycleIntoOneAppendPerFollower() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        final int before = appendsWithEntriesTo(c, 2);
        for (int i = 0; i < 5; i++) {
            c.node(1).propose(("p" + i).getBytes());
        }
        c.deliver();
        assertEquals(1, appendsWithEntriesTo(c, 2) - before);
        final RaftMessage last = c.sentOfType(MessageType.APPEND).stream()
            .filter(m -> m.to() == 2 && !m.entries().isEmpty()).reduce((a, b) -> b).orElseThrow();
        assertEquals(5, last.entries().size());
    }

    private static int appendsWithEntriesTo(final TestCluster c, final long to) {
        int n = 0;
        for (final RaftMessage m : c.sentOfType(MessageType.APPEND)) {
            if (m.to() == to && !m.entries().isEmpty()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void followerShouldAnswerOnlyAfterPersistAndLeaderSendAtOnce() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(1);
        final RaftNode leader = c.node(1);
        leader.propose("a".getBytes());
        final Ready leaderReady = leader.ready();
        final RaftMessage append = leaderReady.messages().stream().filter(m -> m.to() == 2).findFirst().orElseThrow();
        assertEquals(MessageType.APPEND, append.type());
        assertTrue(leaderReady.messagesAfterPersist().isEmpty());
        final RaftNode follower = c.node(2);
        follower.step(append);
        final Ready followerReady = follower.ready();
        assertTrue(followerReady.messages().isEmpty());
        assertEquals(MessageType.APPEND_RESPONSE, followerReady.messagesAfterPersist().get(0).type());
        assertEquals(1, followerReady.entries().size());
    }

    @Test
    void committedEntriesShouldBeHandedOutOnlyOnceDurable() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        final RaftStatus s = c.status(2);
        final RaftNode follower = c.node(2);
        follower.step(Messages.append(1, 2, s.term(), s.term(), s.lastIndex(), s.lastIndex() + 1,
            List.of(Messages.entry(s.lastIndex() + 1, s.term(), "a"))));
        final Ready first = follower.ready();
        assertEquals(1, first.entries().size());
        assertEquals(s.lastIndex() + 1, first.hardState().commit());
        assertTrue(first.committedEntries().isEmpty(), "committed, but not durable here yet");
        c.storages.get(2L).persist(first);
        follower.advance(first);
        final Ready second = follower.ready();
        assertEquals(List.of(first.entries().get(0)), second.committedEntries());
    }
}
