package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerProgressTest {
    @Test
    void shouldReportAPeerSilentForCheckQuorumRoundsAndForgetItOnceHeard() {
        final TestCluster c = TestCluster.ofVoters(5);
        final long leader = c.electAny();
        final long silent = c.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
        c.tickAll(TestCluster.ELECTION + 1);
        for (final PeerProgress p : c.node(leader).peerProgress()) {
            assertEquals(0, p.silentRounds(), p.toString());
            assertFalse(p.learner());
            assertEquals(c.status(leader).lastIndex(), p.match(), p.toString());
        }

        c.isolated.add(silent);
        c.tickAll(3 * TestCluster.ELECTION);
        final List<PeerProgress> peers = c.node(leader).peerProgress();
        assertEquals(4, peers.size());
        for (final PeerProgress p : peers) {
            if (p.peerId() == silent) {
                assertTrue(p.silentRounds() >= 2, p.toString());
            } else {
                assertEquals(0, p.silentRounds(), p.toString());
            }
        }

        c.isolated.clear();
        c.tickAll(TestCluster.ELECTION + 1);
        for (final PeerProgress p : c.node(leader).peerProgress()) {
            assertEquals(0, p.silentRounds(), p.toString());
        }
        assertTrue(c.node(silent).peerProgress().isEmpty(), "a follower reports no progress");
    }
}
