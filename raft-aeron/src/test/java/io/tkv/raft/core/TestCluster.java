package io.tkv.raft.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A deterministic group of peers for unit tests: every Ready is persisted and advanced at once, messages are queued
 * and delivered in order by {@link #deliver()}, except those a filter drops. Peers can be crashed and restarted
 * from their {@link MemoryRaftStorage}.
 */
final class TestCluster {
    static final long REGION = 7;
    static final int ELECTION = 10;

    final Map<Long, RaftNode> nodes = new HashMap<>();
    final Map<Long, MemoryRaftStorage> storages = new HashMap<>();
    final Map<Long, List<Entry>> applied = new HashMap<>();
    final Map<Long, List<ReadState>> reads = new HashMap<>();
    final ArrayDeque<RaftMessage> queue = new ArrayDeque<>();
    final List<RaftMessage> sent = new ArrayList<>();
    final Set<Long> isolated = new HashSet<>();
    Predicate<RaftMessage> drop = m -> false;
    Consumer<RaftConfig> configurer = c -> {
    };

    /** @return a group whose founding voters are 1..voters, bootstrapped at index 1, term 1. */
    static TestCluster ofVoters(final int voters) {
        return of(voters, c -> {
        });
    }

    static TestCluster of(final int voters, final Consumer<RaftConfig> configurer) {
        final TestCluster cluster = new TestCluster();
        cluster.configurer = configurer;
        final long[] ids = new long[voters];
        for (int i = 0; i < voters; i++) {
            ids[i] = i + 1;
        }
        for (final long id : ids) {
            cluster.add(id, MemoryRaftStorage.bootstrap(1, 1, ConfState.ofVoters(ids), new byte[0]));
        }
        return cluster;
    }

    RaftConfig config(final long id) {
        final RaftConfig config = new RaftConfig().id(id).regionId(REGION).electionTimeoutTicks(ELECTION)
            .heartbeatIntervalTicks(1).random(new SplittableRandom(id * 31));
        configurer.accept(config);
        return config;
    }

    /** Adds (or restarts) a peer on {@code storage}. */
    RaftNode add(final long id, final MemoryRaftStorage storage) {
        storages.put(id, storage);
        final RaftNode node = new RaftNode(config(id), storage);
        nodes.put(id, node);
        applied.computeIfAbsent(id, k -> new ArrayList<>());
        reads.computeIfAbsent(id, k -> new ArrayList<>());
        return node;
    }

    /** A peer that joins later: empty storage. */
    RaftNode addEmpty(final long id) {
        return add(id, MemoryRaftStorage.empty());
    }

    /** Crash and restart: volatile state is lost, storage kept; applied entries replay from the snapshot. */
    RaftNode restart(final long id) {
        applied.get(id).clear();
        return add(id, storages.get(id));
    }

    RaftNode node(final long id) {
        return nodes.get(id);
    }

    RaftStatus status(final long id) {
        return nodes.get(id).status();
    }

    /** Handles every node's Ready (persist, send, apply, advance) until none has one. */
    void processReadies() {
        boolean any = true;
        while (any) {
            any = false;
            for (final long id : ids()) {
                final RaftNode node = nodes.get(id);
                if (node.hasReady()) {
                    any = true;
                    final Ready ready = node.ready();
                    queue.addAll(ready.messages());
                    storages.get(id).persist(ready);
                    queue.addAll(ready.messagesAfterPersist());
                    applied.get(id).addAll(ready.committedEntries());
                    reads.get(id).addAll(ready.readStates());
                    node.advance(ready);
                }
            }
        }
    }

    /** Delivers queued messages (and the ones they cause) until the group is quiet. */
    void deliver() {
        processReadies();
        int delivered = 0;
        while (!queue.isEmpty()) {
            final RaftMessage m = queue.poll();
            if (++delivered > 100_000) {
                throw new AssertionError("messages never stop: " + sent.subList(sent.size() - 20, sent.size()));
            }
            sent.add(m);
            final boolean cut = isolated.contains(m.from()) || isolated.contains(m.to());
            if (!cut && !drop.test(m) && nodes.containsKey(m.to())) {
                nodes.get(m.to()).step(m);
            }
            processReadies();
        }
    }

    /** Ticks every node once, then delivers. */
    void tickAll() {
        for (final long id : ids()) {
            nodes.get(id).tick();
        }
        deliver();
    }

    void tickAll(final int times) {
        for (int i = 0; i < times; i++) {
            tickAll();
        }
    }

    void tick(final long id, final int times) {
        for (int i = 0; i < times; i++) {
            nodes.get(id).tick();
            deliver();
        }
    }

    /** Ticks until some node is leader; @return its id. */
    long electAny() {
        for (int i = 0; i < 50 * ELECTION; i++) {
            tickAll();
            final long leader = leader();
            if (leader != 0) {
                return leader;
            }
        }
        throw new AssertionError("no leader elected");
    }

    /** Makes {@code id} campaign at once (a TIMEOUT_NOW, as a leader transfer does) and delivers. */
    void campaign(final long id) {
        final RaftStatus s = status(id);
        nodes.get(id).step(new RaftMessage(MessageType.TIMEOUT_NOW, REGION, 99, id, s.term(), 0, 0, 0, false, 0, 0,
            List.of(), null));
        deliver();
    }

    /** @return the id of the live leader with the highest term, or 0. */
    long leader() {
        long best = 0;
        long bestTerm = -1;
        for (final long id : ids()) {
            final RaftStatus s = status(id);
            if (s.role() == Role.LEADER && !isolated.contains(id) && s.term() > bestTerm) {
                best = id;
                bestTerm = s.term();
            }
        }
        return best;
    }

    long propose(final long id, final String data) {
        final long index = nodes.get(id).propose(data.getBytes());
        deliver();
        return index;
    }

    List<Long> ids() {
        final List<Long> ids = new ArrayList<>(nodes.keySet());
        ids.sort(null);
        return ids;
    }

    List<RaftMessage> sentOfType(final MessageType type) {
        final List<RaftMessage> out = new ArrayList<>();
        for (final RaftMessage m : sent) {
            if (m.type() == type) {
                out.add(m);
            }
        }
        return out;
    }

    /** @return data of the NORMAL non-empty entries {@code id} applied, as strings. */
    List<String> appliedData(final long id) {
        final List<String> out = new ArrayList<>();
        for (final Entry e : applied.get(id)) {
            if (e.type() == EntryType.NORMAL && e.data().length > 0) {
                out.add(new String(e.data()));
            }
        }
        return out;
    }
}
