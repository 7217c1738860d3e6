package io.tkv.server.gc;

import io.tkv.server.StoreCounters;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The GC driver's counters, beside the store's other counters in the Aeron counters file (AeronStat, tkv-ctl read them
 * while the store runs), with type ids from {@link StoreCounters#TYPE_ID_BASE} + 30 up, apart from the store's.
 */
public final class GcCounters implements AutoCloseable {
    private final AtomicCounter regionsCollected;
    private final AtomicCounter versionsDeleted;
    private final AtomicCounter locksResolved;
    private final AtomicCounter lastSafePoint;

    /** @param factory makes each counter (the store's Aeron client, or a CountersManager in tests). */
    public GcCounters(final StoreCounters.Factory factory) {
        regionsCollected = factory.newCounter(StoreCounters.TYPE_ID_BASE + 30, "tkv gc regions collected");
        versionsDeleted = factory.newCounter(StoreCounters.TYPE_ID_BASE + 31, "tkv gc versions deleted");
        locksResolved = factory.newCounter(StoreCounters.TYPE_ID_BASE + 32, "tkv gc locks resolved");
        lastSafePoint = factory.newCounter(StoreCounters.TYPE_ID_BASE + 33, "tkv gc last safe point run");
    }

    /** @return region runs completed. */
    public AtomicCounter regionsCollected() {
        return regionsCollected;
    }

    /** @return write records deleted by completed runs. */
    public AtomicCounter versionsDeleted() {
        return versionsDeleted;
    }

    /** @return locks handed to the resolver by completed runs. */
    public AtomicCounter locksResolved() {
        return locksResolved;
    }

    /** @return the safe point of the last pass in which every led region was collected. */
    public AtomicCounter lastSafePoint() {
        return lastSafePoint;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(regionsCollected, versionsDeleted, locksResolved, lastSafePoint);
    }
}
