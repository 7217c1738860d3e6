package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembershipTest {
    private static ConfChange change(final ConfChange.Type type, final long peer) {
        return new ConfChange(type, peer);
    }

    private static TestCluster threeWithLeaderOne() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        return c;
    }

    @Test
    void learnerShouldReplicateButNeitherVoteNorCountForCommit() {
        final TestCluster c = threeWithLeaderOne();
        c.addEmpty(4);
        assertTrue(c.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4)) > 0);
        c.tickAll(3);
        c.propose(1, "a");
        c.tickAll(2);
        assertEquals(List.of("a"), c.appliedData(4), "caught up by snapshot, then entries");
        assertTrue(c.status(4).conf().isLearner(4));
        assertEquals(1, c.sentOfType(MessageType.SNAPSHOT).size());

        c.isolated.add(2L);
        c.isolated.add(3L);
        final long commit = c.status(1).commit();
        c.propose(1, "b");
        c.tickAll(2);
        assertEquals(commit, c.status(1).commit(), "a learner's copy does not count");

        c.isolated.clear();
        c.isolated.add(4L);
        final long term = c.status(4).term();
        c.tickAll(5 * TestCluster.ELECTION);
        assertEquals(Role.FOLLOWER, c.status(4).role());
        assertEquals(term, c.status(4).term(), "a learner never campaigns");
        assertTrue(c.sentOfType(MessageType.PRE_VOTE).stream().noneMatch(m -> m.from() == 4));
    }

    @Test
    void addVoterShouldPromoteALearner() {
        final TestCluster c = threeWithLeaderOne();
        c.addEmpty(4);
        c.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4));
        c.tickAll(3);
        assertTrue(c.node(1).proposeConfChange(change(ConfChange.Type.ADD_VOTER, 4)) > 0);
        c.tickAll(2);
        for (final long id : c.ids()) {
            assertArrayEquals(new long[] {1, 2, 3, 4}, c.status(id).conf().voters(), "peer " + id);
            assertEquals(0, c.status(id).conf().learners().length);
        }
        c.isolated.add(2L);
        c.isolated.add(3L);
        final long index = c.propose(1, "needs 3 of 4");
        c.tickAll(2);
        assertTrue(c.status(1).commit() < index, "4 voters: quorum of 3");
    }

    @Test
    void shouldRefuseAConfChangeBeforeTheLeaderCommittedAnEntryOfItsTerm() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.drop = m -> m.type() == MessageType.APPEND_RESPONSE;
        c.campaign(1);
        assertEquals(Role.LEADER, c.status(1).role());
        assertEquals(-1, c.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4)));
        c.drop = m -> false;
        c.tickAll(2);
        assertTrue(c.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4)) > 0);
    }

    @Test
    void shouldRefuseASecondConfChangeUntilTheFirstIsApplied() {
        final TestCluster c = threeWithLeaderOne();
        c.isolated.add(2L);
        c.isolated.add(3L);
        assertTrue(c.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4)) > 0);
        assertEquals(-1, c.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 5)));
        c.isolated.clear();
        c.tickAll(2);
        assertTrue(c.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 5)) > 0);
    }

    @Test
    void shouldRefuseChangesThatChangeNothingOrRemoveTheLastVoter() {
        final TestCluster one = TestCluster.ofVoters(1);
        one.electAny();
        assertEquals(-1, one.node(1).proposeConfChange(change(ConfChange.Type.REMOVE_PEER, 1)));
        assertEquals(-1, one.node(1).proposeConfChange(change(ConfChange.Type.ADD_VOTER, 1)));
        assertEquals(-1, one.node(1).proposeConfChange(change(ConfChange.Type.REMOVE_PEER, 9)));
    }

    @Test
    void removedLeaderShouldStepDownOnceItsRemovalCommitsAndNeverCampaign() {
        final TestCluster c = threeWithLeaderOne();
        final long index = c.node(1).proposeConfChange(change(ConfChange.Type.REMOVE_PEER, 1));
        c.deliver();
        assertTrue(c.status(1).commit() >= index);
        assertEquals(Role.FOLLOWER, c.status(1).role());
        final int preVotesBefore = c.sentOfType(MessageType.PRE_VOTE).size();
        c.tickAll(5 * TestCluster.ELECTION);
        final long leader = c.leader();
        assertTrue(leader == 2 || leader == 3, "the remaining voters elect a leader: " + leader);
        assertTrue(c.sentOfType(MessageType.PRE_VOTE).subList(preVotesBefore, c.sentOfType(MessageType.PRE_VOTE)
            .size()).stream().noneMatch(m -> m.from() == 1));
        assertNotEquals(Role.CANDIDATE, c.status(1).role());
    }

    @Test
    void removedPeerShouldStopCampaigning() {
        final TestCluster c = threeWithLeaderOne();
        c.node(1).proposeConfChange(change(ConfChange.Type.REMOVE_PEER, 3));
        c.tickAll(2);
        assertFalse(c.status(3).conf().isVoter(3));
        c.isolated.add(3L);
        final long term = c.status(3).term();
        c.tick(3, 5 * TestCluster.ELECTION);
        assertEquals(Role.FOLLOWER, c.status(3).role());
        assertEquals(term, c.status(3).term());
        c.propose(1, "two voters commit");
        assertEquals(List.of("two voters commit"), c.appliedData(2));
    }

    @Test
    void changeShouldTakeEffectWhenAppendedAndRevertWhenTruncated() {
        final TestCluster c = TestCluster.ofVoters(5);
        c.campaign(1);
        c.tickAll(2);
        c.isolated.add(3L);
        c.isolated.add(4L);
        c.isolated.add(5L);
        c.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 6));
        c.deliver();
        assertTrue(c.status(2).conf().isLearner(6), "in effect on append, before commit");
        assertTrue(c.status(1).conf().isLearner(6));
        final long uncommitted = c.status(2).lastIndex();
        assertTrue(c.status(2).commit() < uncommitted);

        c.isolated.clear();
        c.isolated.add(1L);
        c.isolated.add(2L);
        long leader = 0;
        for (int i = 0; i < 10 && leader == 0; i++) {
            c.tickAll(TestCluster.ELECTION);
            leader = c.leader();
        }
        assertTrue(leader >= 3, "3, 4 and 5 elect one of them: " + leader);
        c.isolated.remove(2L);
        c.tickAll(3);
        assertFalse(c.status(2).conf().isLearner(6), "the truncated change is undone");
        assertEquals(c.storages.get(leader).log(), c.storages.get(2L).log());
    }

    @Test
    void configurationShouldSurviveARestartByReplayingTheLog() {
        final TestCluster c = threeWithLeaderOne();
        c.addEmpty(4);
        c.node(1).proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 4));
        c.tickAll(3);
        // Peer 2's storage still says {1, 2, 3} (its snapshot); the change lives in its log only.
        assertEquals(ConfState.ofVoters(1, 2, 3), c.storages.get(2L).confState());
        final RaftNode restarted = c.restart(2);
        assertTrue(restarted.status().conf().isLearner(4));
        assertEquals(-1, restarted.proposeConfChange(change(ConfChange.Type.ADD_LEARNER, 5)), "not leader");
    }
}
