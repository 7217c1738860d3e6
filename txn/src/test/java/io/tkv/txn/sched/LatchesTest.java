package io.tkv.txn.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class LatchesTest {
    private final Latches<String> latches = new Latches<>(256, 16);

    @Test
    void shouldRunCommandsOnTheSameKeyOneAfterAnotherInArrivalOrder() {
        final Latches.Request<String> a = request("a", "k");
        final Latches.Request<String> b = request("b", "k", "m");
        final Latches.Request<String> c = request("c", "k");
        assertEquals(Latches.Acquire.ACQUIRED, latches.acquire(a));
        assertEquals(Latches.Acquire.QUEUED, latches.acquire(b));
        assertEquals(Latches.Acquire.QUEUED, latches.acquire(c));
        assertEquals(2, latches.waiting());
        assertEquals(List.of("b"), latches.release(a));
        assertTrue(b.isAcquired());
        assertFalse(c.isAcquired());
        assertEquals(List.of("c"), latches.release(b));
        assertEquals(List.of(), latches.release(c));
        assertEquals(0, latches.waiting());
    }

    @Test
    void shouldNotBlockCommandsOnOtherKeysEvenInTheSameSlot() {
        final Latches<String> oneSlot = new Latches<>(1, 16);
        final Latches.Request<String> a = oneSlot.request(keys("k1", "k2"), "a");
        final Latches.Request<String> b = oneSlot.request(keys("k3"), "b");
        assertEquals(Latches.Acquire.ACQUIRED, oneSlot.acquire(a));
        assertEquals(Latches.Acquire.ACQUIRED, oneSlot.acquire(b));
        final Latches.Request<String> c = oneSlot.request(keys("k2", "k3"), "c");
        assertEquals(Latches.Acquire.QUEUED, oneSlot.acquire(c));
        assertEquals(List.of(), oneSlot.release(b));
        assertEquals(List.of("c"), oneSlot.release(a));
    }

    @Test
    void shouldLatchADuplicatedKeyOnce() {
        final Latches.Request<String> a = request("a", "k", "k", "k");
        assertEquals(1, a.latchCount());
        assertEquals(Latches.Acquire.ACQUIRED, latches.acquire(a));
        assertEquals(List.of(), latches.release(a));
    }

    @Test
    void shouldNotDeadlockWhenOverlappingCommandsNameTheirKeysInOppositeOrders() {
        // x and y each hold one key; a and b need both, named in opposite orders. Taking latches in hash order, one
        // of them waits on the smaller hash holding nothing else, so both run in turn whichever is released first.
        for (final boolean xFirst : new boolean[] {true, false}) {
            final Latches<String> fresh = new Latches<>(256, 16);
            final Latches.Request<String> x = fresh.request(keys("k1"), "x");
            final Latches.Request<String> y = fresh.request(keys("k2"), "y");
            assertEquals(Latches.Acquire.ACQUIRED, fresh.acquire(x));
            assertEquals(Latches.Acquire.ACQUIRED, fresh.acquire(y));
            final Latches.Request<String> a = fresh.request(keys("k1", "k2"), "a");
            final Latches.Request<String> b = fresh.request(keys("k2", "k1"), "b");
            assertEquals(Latches.Acquire.QUEUED, fresh.acquire(a));
            assertEquals(Latches.Acquire.QUEUED, fresh.acquire(b));
            final List<String> ran = new ArrayList<>(fresh.release(xFirst ? x : y));
            ran.addAll(fresh.release(xFirst ? y : x));
            assertEquals(1, ran.size(), "a and b share keys: one runs at a time");
            final Latches.Request<String> first = ran.get(0).equals("a") ? a : b;
            final List<String> second = fresh.release(first);
            assertEquals(List.of(first == a ? "b" : "a"), second);
            assertEquals(List.of(), fresh.release(first == a ? b : a));
            assertEquals(0, fresh.waiting());
        }
    }

    @Test
    void shouldRefuseANewCommandThatWouldWaitBeyondTheBound() {
        final Latches<String> bounded = new Latches<>(64, 2);
        final Latches.Request<String> a = bounded.request(keys("k"), "a");
        assertEquals(Latches.Acquire.ACQUIRED, bounded.acquire(a));
        final Latches.Request<String> b = bounded.request(keys("k"), "b");
        final Latches.Request<String> c = bounded.request(keys("j", "k"), "c");
        assertEquals(Latches.Acquire.QUEUED, bounded.acquire(b));
        assertEquals(Latches.Acquire.QUEUED, bounded.acquire(c));
        final Latches.Request<String> refused = bounded.request(keys("i", "k"), "d");
        assertEquals(Latches.Acquire.BUSY, bounded.acquire(refused));
        assertEquals(2, bounded.waiting());
        // A command that needs no waiting still runs, and the refused one held nothing ("i" is free).
        assertEquals(Latches.Acquire.ACQUIRED, bounded.acquire(bounded.request(keys("i"), "e")));
        assertEquals(List.of("b"), bounded.release(a));
        assertEquals(1, bounded.waiting());
        assertEquals(Latches.Acquire.QUEUED, bounded.acquire(bounded.request(keys("k"), "f")));
        assertThrows(IllegalStateException.class, () -> bounded.acquire(b));
        assertThrows(IllegalStateException.class, () -> bounded.release(c));
    }

    /**
     * Many commands over few keys, each naming its keys in a random order, released in a random order: no two running
     * commands share a key, every command runs (no deadlock), and commands on the same single key or on the same key
     * set run in arrival order. (Commands on different but overlapping sets may not: as in TiKV, a command enters a
     * key's queue only once it holds the keys hashed before it, so a later command can be ahead on that key.)
     */
    @Test
    void shouldKeepExclusionFairnessAndProgressUnderRandomLoad() {
        for (long seed = 1; seed <= 20; seed++) {
            runRandomLoad(seed);
        }
    }

    private static void runRandomLoad(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final Latches<Integer> small = new Latches<>(8, 1_000);
        final List<Latches.Request<Integer>> requests = new ArrayList<>();
        final List<Set<String>> keysOf = new ArrayList<>();
        final List<Integer> running = new ArrayList<>();
        final Set<String> held = new HashSet<>();
        final Map<Set<String>, Integer> lastRunOfSet = new HashMap<>();
        int completed = 0;
        int submitted = 0;
        while (completed < 300) {
            if (submitted < 300 && (running.isEmpty() || random.nextInt(3) > 0)) {
                final List<byte[]> keys = new ArrayList<>();
                final int count = 1 + random.nextInt(3);
                for (int i = 0; i < count; i++) {
                    keys.add(("k" + random.nextInt(6)).getBytes(StandardCharsets.UTF_8));
                }
                final int id = submitted++;
                final Set<String> set = new HashSet<>();
                keys.forEach(key -> set.add(new String(key, StandardCharsets.UTF_8)));
                keysOf.add(set);
                final Latches.Request<Integer> request = small.request(keys, id);
                requests.add(request);
                if (small.acquire(request) == Latches.Acquire.ACQUIRED) {
                    start(id, keysOf.get(id), held, lastRunOfSet, seed);
                    running.add(id);
                }
                continue;
            }
            assertFalse(running.isEmpty(), "seed " + seed + ": commands wait but none runs (deadlock)");
            final int id = running.remove(random.nextInt(running.size()));
            held.removeAll(keysOf.get(id));
            completed++;
            for (final int next : small.release(requests.get(id))) {
                start(next, keysOf.get(next), held, lastRunOfSet, seed);
                running.add(next);
            }
        }
        assertEquals(0, small.waiting(), "seed " + seed);
    }

    private static void start(
        final int id, final Set<String> keys, final Set<String> held,
        final Map<Set<String>, Integer> lastRunOfSet, final long seed) {
        for (final String key : keys) {
            assertTrue(held.add(key), "seed " + seed + ": two running commands hold " + key);
        }
        final Integer previous = lastRunOfSet.put(keys, id);
        assertTrue(previous == null || previous < id,
            "seed " + seed + ": command " + id + " overtook " + previous + " on the same keys " + keys);
    }

    private Latches.Request<String> request(final String owner, final String... keys) {
        return latches.request(keys(keys), owner);
    }

    private static List<byte[]> keys(final String... keys) {
        final List<byte[]> out = new ArrayList<>();
        for (final String key : keys) {
            out.add(key.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
