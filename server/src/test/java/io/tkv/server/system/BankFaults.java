package io.tkv.server.system;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The faults of {@link BankSystemTest}, one at a time on a schedule drawn from a seed: a store killed (-9) and
 * restarted, a store frozen (SIGSTOP) and resumed, a store cut off from the other stores (its Raft transport's
 * fault hook drops every frame to and from them, both ways; clients and PD still reach it) and healed. The first
 * three faults are the three kinds in a seeded order, so even a short run has each; a longer window draws more.
 * Two thirds of the faults hit the store leading region 1 (after the pre-split it leads every region until PD moves
 * some), the rest a random store. It remembers what is still broken so that {@link #healAll()} can undo it, and
 * records what it did.
 *
 * <p>The seed fixes the kinds, targets and durations; the leader a fault finds, and so what it hits, depends on
 * timing.
 */
final class BankFaults {
    /** What a fault does. */
    enum Kind {
        KILL, PAUSE, PARTITION
    }

    private static final long MIN_GAP_MS = 1_000;
    private static final long MIN_FAULT_MS = 2_000;
    private static final long JITTER_MS = 1_500;
    private static final long LEADER_LOOKUP_MS = 3_000;

    private final StoreCluster stores;
    private final Random random;
    private final CountDownLatch abort;
    private final List<String> applied = new ArrayList<>();
    private final TreeSet<Long> killed = new TreeSet<>();
    private final TreeSet<Long> paused = new TreeSet<>();
    private final TreeSet<Long> isolated = new TreeSet<>();
    private final List<Kind> firstKinds = new ArrayList<>(List.of(Kind.values()));

    /**
     * @param stores the stores, started with {@code --fault-injection}.
     * @param seed   fixes the schedule.
     * @param abort  counted down when the run must end early (a worker broke): the schedule stops waiting.
     */
    BankFaults(final StoreCluster stores, final long seed, final CountDownLatch abort) {
        this.stores = stores;
        this.random = new Random(seed);
        this.abort = abort;
        Collections.shuffle(firstKinds, random);
    }

    /**
     * Applies faults one after another, each healed before the next, until no further one fits before
     * {@code endMs} (wall clock) or the run is aborted.
     */
    void run(final long endMs) throws IOException, InterruptedException {
        int index = 0;
        while (true) {
            final Kind kind = index < firstKinds.size() ? firstKinds.get(index) : Kind.values()[random.nextInt(3)];
            final long gapMs = MIN_GAP_MS + random.nextInt((int)JITTER_MS);
            final long faultMs = MIN_FAULT_MS + random.nextInt((int)JITTER_MS);
            final boolean atLeader = random.nextInt(3) != 0;
            final long randomStore = 1 + random.nextInt(stores.size());
            if (System.currentTimeMillis() + gapMs + faultMs > endMs || waitAborted(gapMs)) {
                return;
            }
            final long leader = leaderOr(0);
            final long target = atLeader && leader != 0 ? leader : randomStore;
            apply(index, kind, target, faultMs, target == leader ? " (region 1's leader)" : "");
            index++;
        }
    }

    private void apply(final int index, final Kind kind, final long store, final long faultMs, final String role)
        throws IOException, InterruptedException {
        final long startNs = System.nanoTime();
        switch (kind) {
            case KILL -> {
                killed.add(store);
                stores.kill(store);
                waitAborted(faultMs);
                stores.restart(store);
                killed.remove(store);
            }
            case PAUSE -> {
                paused.add(store);
                stores.store(store).suspend();
                waitAborted(faultMs);
                stores.store(store).resume();
                paused.remove(store);
            }
            case PARTITION -> {
                isolated.add(store);
                stores.isolate(store);
                waitAborted(faultMs);
                stores.heal(store);
                isolated.remove(store);
            }
            default -> throw new IllegalStateException("unknown fault " + kind);
        }
        final String done = "fault " + index + ": " + kind + " store " + store + role + " for " + faultMs
            + " ms (healed after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms)";
        applied.add(done);
        System.out.println("BANK " + done);
    }

    /** Resumes, restarts and heals whatever a fault left broken (a run cut short); idempotent. */
    void healAll() throws IOException, InterruptedException {
        for (final long store : List.copyOf(paused)) {
            stores.store(store).resume();
            paused.remove(store);
        }
        for (final long store : List.copyOf(killed)) {
            stores.restart(store);
            killed.remove(store);
        }
        for (final long store : List.copyOf(isolated)) {
            stores.heal(store);
            isolated.remove(store);
        }
    }

    /** @return the faults applied, in order, each with its kind, store and duration. */
    List<String> applied() {
        return List.copyOf(applied);
    }

    /** @return how many faults of this kind were applied. */
    long count(final Kind kind) {
        return applied.stream().filter(line -> line.contains(": " + kind + " ")).count();
    }

    /** @return the store the others agree leads region 1, or {@code fallback} if they do not agree soon. */
    private long leaderOr(final long fallback) {
        try {
            return stores.awaitLeader(LEADER_LOOKUP_MS, stores.all());
        } catch (final IllegalStateException unsettled) {
            return fallback;
        }
    }

    /** Waits, unless the run is aborted; @return whether it was. */
    private boolean waitAborted(final long ms) throws InterruptedException {
        return abort.await(ms, TimeUnit.MILLISECONDS);
    }
}
