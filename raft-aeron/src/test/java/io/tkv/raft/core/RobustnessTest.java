package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RobustnessTest {
    @Test
    void shouldIgnoreMisaddressedForeignAndMalformedMessages() {
        final TestCluster c = TestCluster.ofVoters(3);
        c.campaign(1);
        c.tickAll(2);
        final RaftNode node = c.node(2);
        final RaftStatus before = node.status();
        final long term = before.term();
        final List<RaftMessage> bad = List.of(
            new RaftMessage(MessageType.HEARTBEAT, 99, 1, 2, term + 5, 0, 0, 0, false, 0, 0, List.of(), null),
            new RaftMessage(MessageType.HEARTBEAT, TestCluster.REGION, 1, 3, term + 5, 0, 0, 0, false, 0, 0,
                List.of(), null),
            new RaftMessage(MessageType.HEARTBEAT, TestCluster.REGION, 2, 2, term + 5, 0, 0, 0, false, 0, 0,
                List.of(), null),
            // Entries that do not follow the previous index.
            Messages.append(1, 2, term, term, before.lastIndex(), 0,
                List.of(Messages.entry(before.lastIndex() + 2, term, "gap"))),
            // An entry of a term above the leader's.
            Messages.append(1, 2, term, term, before.lastIndex(), 0,
                List.of(Messages.entry(before.lastIndex() + 1, term + 1, "future"))),
            Messages.snapshot(1, 2, term, new Snapshot(0, 0, before.conf(), null)));
        for (final RaftMessage m : bad) {
            node.step(m);
        }
        node.step(null);
        final Ready r = node.ready();
        assertNull(r.hardState());
        assertTrue(r.entries().isEmpty());
        assertEquals(term, node.status().term());
        assertEquals(before.lastIndex(), node.status().lastIndex());
        assertEquals(bad.size() + 1, node.status().droppedMessages());
        node.advance(r);
    }

    @Test
    void shouldNeverThrowOnRandomMessages() {
        final SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 20; round++) {
            final TestCluster c = TestCluster.ofVoters(3);
            c.electAny();
            for (int i = 0; i < 300; i++) {
                final long to = 1 + random.nextInt(3);
                c.node(to).step(randomMessage(random, to, c.status(to)));
                if (random.nextInt(10) == 0) {
                    c.tickAll();
                } else {
                    c.deliver();
                }
                for (final long id : c.ids()) {
                    final RaftStatus s = c.status(id);
                    assertTrue(s.commit() <= s.lastIndex() && s.applied() <= s.commit(), s.toString());
                }
            }
        }
    }

    private static RaftMessage randomMessage(final SplittableRandom r, final long to, final RaftStatus s) {
        final MessageType type = MessageType.of(r.nextInt(MessageType.values().length));
        final long term = Math.max(0, s.term() + r.nextInt(-2, 3));
        final long index = Math.max(0, s.lastIndex() + r.nextInt(-4, 5));
        final List<Entry> entries = new ArrayList<>();
        if (type == MessageType.APPEND) {
            final int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                final EntryType et = r.nextBoolean() ? EntryType.NORMAL : EntryType.CONF_CHANGE;
                final byte[] data = new byte[r.nextInt(12)];
                r.nextBytes(data);
                entries.add(new Entry(index + 1 + i + (r.nextInt(8) == 0 ? 1 : 0), Math.max(0, term - r.nextInt(2)),
                    et, data));
            }
        }
        final Snapshot snapshot = type == MessageType.SNAPSHOT
            ? new Snapshot(index, Math.max(0, term - r.nextInt(2)), s.conf(), new byte[0]) : null;
        final long from = r.nextInt(8) == 0 ? 40 + r.nextInt(3) : 1 + r.nextInt(3);
        return new RaftMessage(type, TestCluster.REGION, from, to, term, Math.max(0, term - r.nextInt(3)), index,
            Math.max(0, s.commit() + r.nextInt(-2, 6)), r.nextBoolean(), Math.max(0, index - r.nextInt(5)),
            r.nextInt(5), entries, snapshot);
    }

    @Test
    void shouldRejectDriverMisuse() {
        final TestCluster c = TestCluster.ofVoters(1);
        c.electAny();
        final RaftNode node = c.node(1);
        node.propose("a".getBytes());
        final Ready r = node.ready();
        assertThrows(IllegalStateException.class, node::ready, "a second Ready before advance");
        assertTrue(!node.hasReady(), "nothing is ready while one is outstanding");
        assertThrows(IllegalStateException.class, () -> node.advance(null));
        c.storages.get(1L).persist(r);
        node.advance(r);
        assertThrows(IllegalStateException.class, () -> node.advance(r), "advanced twice");
        assertThrows(IllegalArgumentException.class, () -> node.compact(node.status().applied() + 1));
        final MemoryRaftStorage bad = MemoryRaftStorage.empty();
        bad.hardState(new HardState(1, 0, 0));
        final RaftConfig config = c.config(2);
        assertThrows(IllegalStateException.class, () -> new RaftNode(config, new FoundingLogAtOne()));
    }

    /** Members but a log starting at index 1: a joining peer could learn a wrong configuration from it. */
    private static final class FoundingLogAtOne implements RaftStorage {
        @Override
        public HardState hardState() {
            return HardState.EMPTY;
        }

        @Override
        public ConfState confState() {
            return ConfState.ofVoters(1, 2, 3);
        }

        @Override
        public long firstIndex() {
            return 1;
        }

        @Override
        public long lastIndex() {
            return 0;
        }

        @Override
        public long term(final long index) {
            return index == 0 ? 0 : -1;
        }

        @Override
        public List<Entry> entries(final long from, final long toExclusive, final long maxBytes) {
            return List.of();
        }

        @Override
        public Snapshot snapshot() {
            return null;
        }
    }
}
