package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferTest {
    @Test
    void shouldTransferLeadershipToAnUpToDateFollower() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        final long term = c.status(1).term();
        c.node(1).transferLeadership(2);
        c.deliver();
        assertEquals(Role.LEADER, c.status(2).role());
        assertEquals(term + 1, c.status(2).term());
        assertEquals(Role.FOLLOWER, c.status(1).role());
        final RaftMessage vote = c.sentOfType(MessageType.VOTE).get(c.sentOfType(MessageType.VOTE).size() - 1);
        assertEquals(RaftNode.CAMPAIGN_TRANSFER, vote.context(), "bypasses the followers' stickiness");
    }

    @Test
    void shouldCatchTheTargetUpBeforeTellingItToCampaign() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        c.drop = m -> m.type() == MessageType.APPEND && m.to() == 2;
        c.propose(1, "a");
        c.propose(1, "b");
        c.drop = m -> false;
        final int sentBefore = c.sent.size();
        c.node(1).transferLeadership(2);
        c.deliver();
        final List<RaftMessage> after = c.sent.subList(sentBefore, c.sent.size());
        int timeoutNow = -1;
        int lastAppend = -1;
        for (int i = 0; i < after.size(); i++) {
            final RaftMessage m = after.get(i);
            if (m.to() == 2 && m.type() == MessageType.APPEND && !m.entries().isEmpty()) {
                lastAppend = i;
            }
            if (m.type() == MessageType.TIMEOUT_NOW) {
                timeoutNow = i;
            }
        }
        assertTrue(lastAppend >= 0 && timeoutNow > lastAppend, "entries first, then TIMEOUT_NOW");
        assertEquals(Role.LEADER, c.status(2).role());
        c.tickAll(2);
        assertEquals(List.of("a", "b"), c.appliedData(2));
    }

    @Test
    void shouldRefuseProposalsDuringTransferAndGiveUpAfterAnElectionTimeout() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        c.isolated.add(2L);
        c.node(1).transferLeadership(2);
        assertEquals(2, c.status(1).transferee());
        assertEquals(-1, c.node(1).propose("a".getBytes()));
        assertEquals(-1, c.node(1).proposeConfChange(new ConfChange(ConfChange.Type.ADD_LEARNER, 4)));
        c.tickAll(TestCluster.ELECTION);
        assertEquals(0, c.status(1).transferee());
        assertEquals(Role.LEADER, c.status(1).role());
        assertTrue(c.node(1).propose("a".getBytes()) > 0);
    }

    @Test
    void shouldIgnoreTransferToUnknownPeerOrLearnerOrSelf() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        c.addEmpty(4);
        assertTrue(c.node(1).proposeConfChange(new ConfChange(ConfChange.Type.ADD_LEARNER, 4)) > 0);
        c.tickAll(3);
        for (final long target : new long[] {99, 4, 1}) {
            c.node(1).transferLeadership(target);
            assertEquals(0, c.status(1).transferee(), "target " + target);
        }
    }
}
