package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hibernation of a group (see {@link Hibernation}): a settled group falls silent, wakes on any input, and a follower
 * whose leader's store goes silent still elects a new leader within bounded ticks.
 */
class HibernationTest {
    private static final int AFTER = 4;

    /** A group of three with 1 as leader, one entry committed, ticked until every peer sleeps. */
    private static TestCluster hibernatedGroup() {
        final TestCluster c = TestCluster.of(3, config -> config.hibernateAfterTicks(AFTER));
        c.campaign(1);
        c.propose(1, "a");
        for (int i = 0; i < 10 * AFTER && !allAsleep(c); i++) {
            c.tickAll();
        }
        assertTrue(allAsleep(c), "a settled group hibernates within bounded ticks");
        return c;
    }

    private static boolean allAsleep(final TestCluster c) {
        for (final RaftNode node : c.nodes.values()) {
            if (!node.hibernating()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void shouldSendNothingOverManyTicksOnceHibernated() {
        final TestCluster c = hibernatedGroup();
        assertEquals(2, c.sentOfType(MessageType.HIBERNATE).size(), "the leader told both followers once");
        final int sent = c.sent.size();
        c.tickAll(50 * TestCluster.ELECTION);
        assertEquals(sent, c.sent.size(), "no heartbeat, no election: " + c.sent.subList(sent, c.sent.size()));
        assertEquals(Role.LEADER, c.status(1).role());
        assertEquals(1, c.status(2).leader());
        assertEquals(c.status(1).commit(), c.status(2).commit(), "the notice carried the commit index");
        assertFalse(c.node(1).hasReady());
    }

    @Test
    void shouldWakeOnAProposalAndCommitIt() {
        final TestCluster c = hibernatedGroup();
        c.tickAll(5 * TestCluster.ELECTION);
        final long index = c.propose(1, "b");
        assertTrue(index > 0, "a hibernating leader takes proposals");
        for (final long id : c.ids()) {
            assertEquals(index, c.status(id).commit(), "committed on " + id);
            assertEquals(List.of("a", "b"), c.appliedData(id));
        }
        assertFalse(c.node(1).hibernating());
        assertFalse(c.node(2).hibernating(), "the APPEND woke the follower");
        for (int i = 0; i < 10 * AFTER && !allAsleep(c); i++) {
            c.tickAll();
        }
        assertTrue(allAsleep(c), "and it settles and sleeps again");
    }

    @Test
    void shouldNotTrustTheLeaseAfterWaking() {
        final TestCluster c = hibernatedGroup();
        c.tickAll(5 * TestCluster.ELECTION);
        assertEquals(-1, c.node(1).leaseReadIndex(), "it slept through ticks it did not count");
        assertFalse(c.node(1).hibernating());
        c.node(1).readIndex(9);
        c.deliver();
        assertEquals(9, c.reads.get(1L).get(0).context(), "a ReadIndex round still serves");
        c.tickAll(2);
        assertNotEquals(-1, c.node(1).leaseReadIndex(), "heartbeats acknowledged after waking renew the lease");
    }

    @Test
    void shouldElectANewLeaderWithinBoundedTicksOnceTheLeaderStoreIsSilent() {
        final TestCluster c = hibernatedGroup();
        final long commit = c.status(1).commit();
        c.nodes.remove(1L);
        c.tickAll(10 * TestCluster.ELECTION);
        assertEquals(0, c.leader(), "asleep, the followers cannot see the leader die by themselves");
        for (final long id : c.ids()) {
            c.node(id).onLeaderStoreSilent();
        }
        int ticks = 0;
        while (c.leader() == 0) {
            assertTrue(++ticks <= 2 * TestCluster.ELECTION, "elected within two election timeouts");
            c.tickAll();
        }
        final long leader = c.leader();
        assertTrue(c.status(leader).commit() > commit, "the new leader commits an entry of its term");
        assertEquals(List.of("a"), c.appliedData(leader), "nothing committed is lost");
        assertEquals(List.of("a", "b"), proposeAndApplied(c, leader));
    }

    @Test
    void aSleepingLeaderCutOffShouldServeNoStaleReadAfterOthersMovedOn() {
        final TestCluster c = hibernatedGroup();
        c.isolated.add(1L);
        c.node(2).onLeaderStoreSilent();
        c.node(3).onLeaderStoreSilent();
        int ticks = 0;
        while (c.leader() == 0) {
            assertTrue(++ticks <= 2 * TestCluster.ELECTION, "the others elect within two election timeouts");
            c.tickAll();
        }
        final long next = c.leader();
        assertTrue(c.propose(next, "b") > 0);
        assertEquals(List.of("a", "b"), c.appliedData(next));
        assertEquals(Role.LEADER, c.status(1).role(), "the old leader slept through it all");
        assertEquals(-1, c.node(1).leaseReadIndex(), "its lease from before sleeping is not trusted");
        c.node(1).readIndex(77);
        c.tickAll(3);
        assertTrue(c.reads.get(1L).isEmpty(), "and no quorum confirms a ReadIndex round");
    }

    @Test
    void aSleepingLeaderShouldWakeAndStepDownWhenAFollowerStoreGoesSilent() {
        final TestCluster c = hibernatedGroup();
        c.isolated.add(1L);
        c.tick(1, 5 * TestCluster.ELECTION);
        assertEquals(Role.LEADER, c.status(1).role(), "asleep, a cut-off leader cannot see its quorum go");
        assertTrue(c.node(1).hibernating());
        c.node(1).onFollowerStoreSilent();
        assertFalse(c.node(1).hibernating(), "the silence of a follower's store wakes it");
        int ticks = 0;
        while (c.status(1).role() == Role.LEADER) {
            assertTrue(++ticks <= 2 * TestCluster.ELECTION, "check-quorum steps it down within two election timeouts");
            c.tick(1, 1);
        }
        assertEquals(0, c.status(1).leader());
    }

    @Test
    void aLeaderWokenBySilenceShouldSleepAgainOnlyOnceItsFollowersAnswerARoundSentSince() {
        final TestCluster c = hibernatedGroup();
        final int notices = c.sentOfType(MessageType.HIBERNATE).size();
        c.node(1).onFollowerStoreSilent();
        c.tick(1, 1);
        assertFalse(c.node(1).hibernating());
        assertTrue(c.sentOfType(MessageType.HEARTBEAT).stream().anyMatch(m -> m.from() == 1),
            "it heartbeats its followers again");
        for (int i = 0; i < 10 * AFTER && !allAsleep(c); i++) {
            c.tickAll();
        }
        assertTrue(allAsleep(c), "its followers answered: it sleeps again");
        assertEquals(notices + 2, c.sentOfType(MessageType.HIBERNATE).size());
        assertEquals(Role.LEADER, c.status(1).role());
    }

    @Test
    void aLeaderCutOffWhileCountingQuietTicksShouldStepDownWhereverTheDriverReportsTheSilence() {
        // Quiet ticks as many as the election timeout, as in a store's defaults. The driver reports a follower's store
        // silent once, an election timeout after the last frame from it (here one tick before the cut), and a leader
        // awake then ignores the report: were it to fall asleep afterwards, on acknowledgements from before the cut,
        // nothing would wake it and it would lead, cut off, for ever. Every cut point of the quiet count is tried.
        for (int quiet = 0; quiet <= TestCluster.ELECTION + 2; quiet++) {
            final TestCluster c = TestCluster.of(3, config -> config.hibernateAfterTicks(TestCluster.ELECTION));
            c.campaign(1);
            c.propose(1, "a");
            c.tickAll(quiet);
            if (c.node(1).hibernating()) {
                break;
            }
            c.isolated.add(1L);
            int ticks = 0;
            while (c.status(1).role() == Role.LEADER) {
                assertTrue(++ticks <= 4 * TestCluster.ELECTION, "cut after " + quiet + " quiet ticks: still leads "
                    + ticks + " ticks later (asleep: " + c.node(1).hibernating() + ")");
                c.tick(1, 1);
                if (ticks == TestCluster.ELECTION - 1) {
                    c.node(1).onFollowerStoreSilent();
                }
            }
        }
    }

    private static List<String> proposeAndApplied(final TestCluster c, final long leader) {
        c.propose(leader, "b");
        c.tickAll();
        return c.appliedData(leader == 2 ? 3 : 2);
    }

    @Test
    void shouldIgnoreLeaderStoreSilenceWhileAwake() {
        final TestCluster c = TestCluster.of(3, config -> config.hibernateAfterTicks(AFTER));
        c.campaign(1);
        c.node(2).onLeaderStoreSilent();
        c.node(2).tick();
        c.deliver();
        assertEquals(Role.FOLLOWER, c.status(2).role(), "an awake follower keeps its own timer");
        assertEquals(1, c.leader());
    }

    @Test
    void shouldWakeOnAMessageOfAHigherTerm() {
        final TestCluster c = hibernatedGroup();
        final long term = c.status(2).term();
        c.node(2).step(new RaftMessage(MessageType.HEARTBEAT, TestCluster.REGION, 3, 2, term + 1, 0, 0, 0, false, 0,
            0, List.of(), null));
        assertFalse(c.node(2).hibernating());
        assertEquals(term + 1, c.status(2).term());
    }

    @Test
    void shouldNotSleepWhileAFollowerIsUnreachable() {
        final TestCluster c = TestCluster.of(3, config -> config.hibernateAfterTicks(AFTER));
        c.campaign(1);
        c.isolated.add(3L);
        c.propose(1, "a");
        c.tickAll(20 * AFTER);
        assertFalse(c.node(1).hibernating(), "follower 3 does not match the leader's last index");
        assertTrue(c.sentOfType(MessageType.HIBERNATE).isEmpty());
        c.isolated.clear();
        for (int i = 0; i < 10 * AFTER && !allAsleep(c); i++) {
            c.tickAll();
        }
        assertTrue(allAsleep(c), "once caught up, the group sleeps");
    }

    @Test
    void aFollowerWhoseLogDiffersShouldStayAwake() {
        final TestCluster c = TestCluster.of(3, config -> config.hibernateAfterTicks(AFTER));
        c.campaign(1);
        final RaftStatus s = c.status(2);
        c.node(2).step(new RaftMessage(MessageType.HIBERNATE, TestCluster.REGION, 1, 2, s.term(), s.term(),
            s.lastIndex() + 3, s.lastIndex() + 3, false, 0, 0, List.of(), null));
        assertFalse(c.node(2).hibernating(), "its log does not end at the leader's last entry");
        assertEquals(s.commit(), c.status(2).commit());
    }

    @Test
    void shouldNeverSleepWhenHibernationIsOff() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.propose(1, "a");
        c.tickAll(50 * AFTER);
        assertFalse(c.node(1).hibernating());
        assertTrue(c.sentOfType(MessageType.HIBERNATE).isEmpty());
    }

    @Test
    void aSingleVoterShouldSleepAndWake() {
        final TestCluster c = TestCluster.of(1, config -> config.hibernateAfterTicks(AFTER));
        c.electAny();
        c.tickAll(3 * AFTER);
        assertTrue(c.node(1).hibernating());
        assertTrue(c.propose(1, "x") > 0);
        assertEquals(List.of("x"), c.appliedData(1));
    }
}
