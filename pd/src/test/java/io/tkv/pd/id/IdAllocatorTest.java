package io.tkv.pd.id;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdAllocatorTest {
    /** An {@link IdStore} whose saves the test confirms, loses, or makes durable silently. */
    private static final class FakeIdStore implements IdStore {
        private final ArrayDeque<Long> inFlight = new ArrayDeque<>();
        private long durable;
        private IdAllocator owner;
        private int saves;

        @Override
        public long loadEnd() {
            return durable;
        }

        @Override
        public void saveEnd(final long end) {
            saves++;
            inFlight.add(end);
        }

        void confirmAll() {
            while (!inFlight.isEmpty()) {
                final long end = inFlight.poll();
                durable = Math.max(durable, end);
                if (owner != null) {
                    owner.onEndSaved(end);
                }
            }
        }

        void persistSilently() {
            while (!inFlight.isEmpty()) {
                durable = Math.max(durable, inFlight.poll());
            }
        }
    }

    private static IdAllocator leader(final FakeIdStore store, final long step) {
        final IdAllocator ids = new IdAllocator(store, step);
        store.owner = ids;
        ids.becomeLeader();
        return ids;
    }

    @Test
    void shouldHandOutNothingUntilTheFirstRangeIsDurable() {
        final FakeIdStore store = new FakeIdStore();
        final IdAllocator ids = leader(store, 10);
        assertEquals(IdAllocator.NONE, ids.allocate());
        store.confirmAll();
        assertEquals(1, ids.allocate());
        assertEquals(2, ids.allocate());
    }

    @Test
    void shouldRenewAtHalfAStepAndRefuseWhenTheRangeRunsOut() {
        final FakeIdStore store = new FakeIdStore();
        final IdAllocator ids = leader(store, 10);
        store.confirmAll();
        for (long expected = 1; expected <= 5; expected++) {
            assertEquals(expected, ids.allocate());
        }
        assertEquals(1, store.saves);
        assertEquals(6, ids.allocate());
        assertEquals(2, store.saves, "renewal asked with less than half a step left");
        for (long expected = 7; expected <= 10; expected++) {
            assertEquals(expected, ids.allocate());
        }
        assertEquals(IdAllocator.NONE, ids.allocate());
        assertEquals(2, store.saves, "one renewal in flight is enough");
        store.confirmAll();
        assertEquals(11, ids.allocate());
    }

    @Test
    void shouldSkipUnusedIdsAfterALeaderChange() {
        final FakeIdStore store = new FakeIdStore();
        final IdAllocator first = leader(store, 1000);
        store.confirmAll();
        assertEquals(1, first.allocate());
        first.resign();
        assertEquals(IdAllocator.NONE, first.allocate());
        final IdAllocator second = leader(store, 1000);
        store.confirmAll();
        assertEquals(1001, second.allocate());
    }

    /** Seeded: leaders change and saves are confirmed, lost or made durable silently; no id is handed out twice. */
    @Test
    void shouldNeverReuseAnIdAcrossLeaderChangesAndRestarts() {
        for (long seed = 1; seed <= 100; seed++) {
            final SplittableRandom random = new SplittableRandom(seed);
            final FakeIdStore store = new FakeIdStore();
            final Set<Long> seen = new HashSet<>();
            IdAllocator ids = leader(store, random.nextLong(2, 50));
            for (int i = 0; i < 2000; i++) {
                final int action = random.nextInt(100);
                if (action < 3) {
                    ids.resign();
                    ids = leader(store, random.nextLong(2, 50));
                } else if (action < 15) {
                    store.confirmAll();
                } else if (action < 18) {
                    store.persistSilently();
                } else if (action < 20) {
                    store.inFlight.clear();
                } else {
                    final long id = ids.allocate();
                    if (id != IdAllocator.NONE) {
                        assertTrue(id <= store.durable, "seed " + seed + ": id " + id + " beyond the durable end");
                        assertTrue(seen.add(id), "seed " + seed + ": id " + id + " handed out twice");
                    }
                }
            }
            assertTrue(seen.size() > 100, "seed " + seed + " handed out only " + seen.size());
        }
    }
}
