package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElectionTest {
    @Test
    void shouldElectOneLeaderThatAppendsAnEmptyEntryOfItsTerm() {
        final TestCluster c = TestCluster.ofVoters(3);
        final long leader = c.electAny();
        final RaftStatus s = c.status(leader);
        assertEquals(2, s.term(), "pre-vote kept the term until the real election");
        final Entry noop = c.storages.get(leader).entry(s.lastIndex());
        assertEquals(s.term(), noop.term());
        assertEquals(EntryType.NORMAL, noop.type());
        assertEquals(0, noop.data().length);
        c.tickAll(2);
        for (final long id : c.ids()) {
            assertEquals(noop.index(), c.status(id).commit(), "peer " + id);
            assertEquals(id == leader ? Role.LEADER : Role.FOLLOWER, c.status(id).role());
            assertEquals(leader, c.status(id).leader());
        }
    }

    @Test
    void singleVoterShouldLeadOnlyOnceItsOwnVoteIsDurable() {
        final TestCluster c = TestCluster.ofVoters(1);
        final RaftNode node = c.node(1);
        for (int i = 0; i < 2 * TestCluster.ELECTION && node.status().role() == Role.FOLLOWER; i++) {
            node.tick();
        }
        assertEquals(Role.CANDIDATE, node.status().role(), "won its own vote, but it is not durable yet");
        final Ready ready = node.ready();
        assertEquals(new HardState(2, 1, 1), ready.hardState());
        c.storages.get(1L).persist(ready);
        node.advance(ready);
        assertEquals(Role.LEADER, node.status().role());
        c.deliver();
        assertEquals(2, node.status().commit(), "its empty entry commits once durable");
    }

    @Test
    void preCandidateShouldNotBumpItsTerm() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.isolated.add(1L);
        c.tick(1, 4 * TestCluster.ELECTION);
        assertEquals(Role.PRE_CANDIDATE, c.status(1).role());
        assertEquals(1, c.status(1).term());
        assertEquals(0, c.status(1).vote());
        assertFalse(c.sentOfType(MessageType.PRE_VOTE).isEmpty());
        assertTrue(c.sentOfType(MessageType.VOTE).isEmpty());
    }

    @Test
    void shouldGrantPreVoteWithoutChangingTermOrVote() {
        final TestCluster c = TestCluster.ofVoters(3);
        final RaftNode node = c.node(2);
        quietTicks(c, 2);
        node.step(Messages.vote(MessageType.PRE_VOTE, 3, 2, 2, 1, 1, 0));
        final Ready ready = node.ready();
        final RaftMessage response = ready.messagesAfterPersist().get(0);
        assertEquals(MessageType.PRE_VOTE_RESPONSE, response.type());
        assertFalse(response.reject());
        assertEquals(2, response.term(), "a granted pre-vote carries the candidate's future term");
        assertNull(ready.hardState(), "a pre-vote changes nothing durable");
        assertEquals(1, node.status().term());
    }

    @Test
    void shouldRejectPreVoteAndVoteFromCandidateWithStaleLog() {
        final TestCluster c = TestCluster.ofVoters(3);
        final long leader = c.electAny();
        final long stale = leader == 3 ? 2 : 3;
        final long voter = 6 - leader - stale;
        c.isolated.add(stale);
        c.propose(leader, "a");
        final RaftStatus old = c.status(stale);
        quietTicks(c, voter);
        final RaftNode node = c.node(voter);
        node.step(Messages.vote(MessageType.PRE_VOTE, stale, voter, old.term() + 1, old.term(), old.lastIndex(), 0));
        assertTrue(lastTo(node, stale, MessageType.PRE_VOTE_RESPONSE).reject());
        // A transfer campaign bypasses stickiness, never the log check (§5.4.1).
        node.step(Messages.vote(MessageType.VOTE, stale, voter, old.term() + 1, old.term(), old.lastIndex(),
            RaftNode.CAMPAIGN_TRANSFER));
        assertTrue(lastTo(node, stale, MessageType.VOTE_RESPONSE).reject());
        assertEquals(0, node.status().vote());
    }

    @Test
    void shouldIgnoreVotesWhileHearingFromLiveLeader() {
        final TestCluster c = TestCluster.ofVoters(3);
        final long leader = c.electAny();
        final long follower = leader == 3 ? 2 : 3;
        final long other = 6 - leader - follower;
        final RaftStatus before = c.status(follower);
        c.node(follower).step(Messages.vote(MessageType.VOTE, other, follower, before.term() + 1, before.term(),
            before.lastIndex() + 5, 0));
        c.node(follower).step(Messages.vote(MessageType.PRE_VOTE, other, follower, before.term() + 1, before.term(),
            before.lastIndex() + 5, 0));
        final Ready ready = c.node(follower).ready();
        assertNull(ready.hardState(), "term and vote unchanged");
        for (final RaftMessage m : Messages.all(ready)) {
            assertTrue(m.reject() || m.type() != MessageType.VOTE_RESPONSE && m.type() != MessageType.PRE_VOTE_RESPONSE,
                "no vote granted: " + m);
        }
        assertEquals(before.term(), c.status(follower).term());
    }

    @Test
    void shouldGrantLeaderTransferVoteDespiteLiveLeader() {
        final TestCluster c = TestCluster.ofVoters(3);
        final long leader = c.electAny();
        final long follower = leader == 3 ? 2 : 3;
        final long other = 6 - leader - follower;
        final RaftStatus before = c.status(follower);
        c.node(follower).step(Messages.vote(MessageType.VOTE, other, follower, before.term() + 1, before.term(),
            before.lastIndex(), RaftNode.CAMPAIGN_TRANSFER));
        final Ready ready = c.node(follower).ready();
        assertEquals(new HardState(before.term() + 1, other, before.commit()), ready.hardState());
        final RaftMessage response = ready.messagesAfterPersist().get(0);
        assertEquals(MessageType.VOTE_RESPONSE, response.type());
        assertFalse(response.reject());
        assertTrue(ready.messages().isEmpty(), "a vote leaves only after it is durable");
    }

    @Test
    void leaderShouldStepDownWhenItHearsFromNoQuorum() {
        final TestCluster c = TestCluster.ofVoters(3);
        final long leader = c.electAny();
        c.isolated.add(leader);
        c.tick(leader, TestCluster.ELECTION - 1);
        assertEquals(Role.LEADER, c.status(leader).role());
        c.tick(leader, TestCluster.ELECTION + 1);
        assertEquals(Role.FOLLOWER, c.status(leader).role());
    }

    @Test
    void restartedPeerShouldRefuseVotesForAnElectionTimeout() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.electAny();
        final RaftNode node = c.restart(3);
        final RaftStatus s = node.status();
        assertEquals(Role.FOLLOWER, s.role());
        assertEquals(0, s.leader());
        final RaftMessage vote = Messages.vote(MessageType.VOTE, 2, 3, s.term() + 1, s.term(), s.lastIndex(), 0);
        node.step(vote);
        assertEquals(s.term(), node.status().term(), "may have acknowledged a lease before the crash");
        for (int i = 0; i < TestCluster.ELECTION; i++) {
            node.tick();
        }
        node.step(vote);
        assertEquals(s.term() + 1, node.status().term());
        assertEquals(2, node.status().vote());
    }

    @Test
    void staleLeaderShouldStepDownWhenAPeerAnswersWithAHigherTerm() {
        final TestCluster c = TestCluster.ofVoters(3);
        final long old = c.electAny();
        c.isolated.add(old);
        long next = 0;
        for (int i = 0; i < 10 && next == 0; i++) {
            c.tickAll(TestCluster.ELECTION);
            next = c.leader();
        }
        assertNotEquals(0, next);
        assertNotEquals(Role.LEADER, c.status(old).role(), "check-quorum deposed it meanwhile");
        c.isolated.clear();
        c.tickAll(3);
        assertEquals(c.status(next).term(), c.status(old).term());
        assertEquals(next, c.status(old).leader());
    }

    @Test
    void shouldRestartWithPersistedTermVoteAndLog() {
        final TestCluster c = TestCluster.ofVoters(3);
        final long leader = c.electAny();
        c.propose(leader, "a");
        c.propose(leader, "b");
        c.tickAll(2);
        final long follower = leader == 1 ? 2 : 1;
        final RaftStatus before = c.status(follower);
        final RaftNode restarted = c.restart(follower);
        final RaftStatus after = restarted.status();
        assertEquals(before.term(), after.term());
        assertEquals(before.vote(), after.vote());
        assertEquals(before.lastIndex(), after.lastIndex());
        assertEquals(before.commit(), after.commit());
        assertEquals(Role.FOLLOWER, after.role());
        assertEquals(0, after.leader());
        c.deliver();
        assertEquals(List.of("a", "b"), c.appliedData(follower), "committed entries replay after a restart");
    }

    /** Ticks {@code id} an election timeout while it hears nothing, so it no longer defers to a (past) leader. */
    static void quietTicks(final TestCluster c, final long id) {
        final RaftNode node = c.node(id);
        for (int i = 0; i < TestCluster.ELECTION; i++) {
            node.tick();
        }
        // Its own campaign messages, if any, are not delivered; drop them with the Ready.
        if (node.hasReady()) {
            final Ready r = node.ready();
            c.storages.get(id).persist(r);
            node.advance(r);
        }
    }

    static RaftMessage lastTo(final RaftNode node, final long to, final MessageType type) {
        final Ready r = node.ready();
        RaftMessage found = null;
        for (final RaftMessage m : Messages.all(r)) {
            if (m.to() == to && m.type() == type) {
                found = m;
            }
        }
        node.advance(r);
        if (found == null) {
            throw new AssertionError("no " + type + " to " + to + " in " + r);
        }
        return found;
    }
}
