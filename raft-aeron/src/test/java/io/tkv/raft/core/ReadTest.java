package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadTest {
    @Test
    void shouldConfirmReadIndexAfterAHeartbeatQuorum() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(1);
        c.propose(1, "a");
        final long commit = c.status(1).commit();
        c.node(1).readIndex(42);
        c.deliver();
        assertEquals(List.of(new ReadState(42, commit)), c.reads.get(1L));
    }

    @Test
    void shouldNotConfirmReadIndexWithoutAQuorum() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(1);
        c.isolated.add(2L);
        c.isolated.add(3L);
        c.node(1).readIndex(43);
        c.deliver();
        c.tick(1, 3);
        assertTrue(c.reads.get(1L).isEmpty(), "a deposed leader must not answer");
        c.isolated.clear();
        c.tickAll(1);
        assertEquals(43, c.reads.get(1L).get(0).context());
    }

    @Test
    void singleVoterShouldConfirmReadIndexInTheNextReady() {
        final TestCluster c = TestCluster.ofVoters(1);
        c.electAny();
        c.node(1).readIndex(7);
        final Ready r = c.node(1).ready();
        assertEquals(List.of(new ReadState(7, c.status(1).commit())), r.readStates());
    }

    @Test
    void shouldDeferReadsUntilTheLeaderCommittedAnEntryOfItsTerm() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.drop = m -> m.type() == MessageType.APPEND_RESPONSE;
        c.campaign(1);
        assertEquals(Role.LEADER, c.status(1).role());
        c.node(1).readIndex(5);
        c.tickAll(2);
        assertTrue(c.reads.get(1L).isEmpty(), "its commit index may still lag the previous leader's");
        assertEquals(-1, c.node(1).leaseReadIndex());
        c.drop = m -> false;
        c.tickAll(2);
        final ReadState read = c.reads.get(1L).get(0);
        assertEquals(5, read.context());
        assertEquals(2, read.index(), "at least its own empty entry");
    }

    @Test
    void shouldServeLeaseReadsOnlyWhileTheLeaseHolds() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        final RaftNode leader = c.node(1);
        assertEquals(c.status(1).commit(), leader.leaseReadIndex());
        c.isolated.add(2L);
        c.isolated.add(3L);
        final int lease = c.config(1).conclude().leaseTicks();
        assertEquals(8, lease);
        for (int i = 1; i < lease; i++) {
            c.tick(1, 1);
            assertNotEquals(-1, leader.leaseReadIndex(), "tick " + i);
        }
        c.tick(1, 1);
        assertEquals(Role.LEADER, c.status(1).role(), "still leader, lease over");
        assertEquals(-1, leader.leaseReadIndex());
        c.isolated.clear();
        c.tickAll(1);
        assertEquals(c.status(1).commit(), leader.leaseReadIndex());
    }

    @Test
    void leaderTransferShouldEndTheLeaseForTheRestOfTheTerm() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        final RaftNode leader = c.node(1);
        assertNotEquals(-1, leader.leaseReadIndex());
        c.isolated.add(2L);
        leader.transferLeadership(2);
        assertEquals(-1, leader.leaseReadIndex());
        c.tickAll(TestCluster.ELECTION + 1);
        assertEquals(Role.LEADER, c.status(1).role());
        assertEquals(0, c.status(1).transferee(), "transfer abandoned");
        assertEquals(-1, leader.leaseReadIndex(), "a late TIMEOUT_NOW could still start the target's campaign");
        leader.readIndex(9);
        c.deliver();
        assertEquals(9, c.reads.get(1L).get(0).context(), "ReadIndex still works");
    }

    @Test
    void leaseShouldNeedConfiguredDriftBound() {
        final RaftConfig config = new RaftConfig().id(1).electionTimeoutTicks(10).leaseTicks(10);
        try {
            config.conclude();
            throw new AssertionError("a lease of a whole election timeout was accepted");
        } catch (final IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("leaseTicks"));
        }
        assertEquals(8, new RaftConfig().id(1).conclude().leaseTicks());
        assertEquals(0, new RaftConfig().id(1).checkQuorum(false).conclude().leaseTicks());
    }
}
