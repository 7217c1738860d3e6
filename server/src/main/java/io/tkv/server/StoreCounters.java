package io.tkv.server;

import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The store's counters, kept in the Aeron driver's counters file so that tools (AeronStat, tkv-ctl) can read
 * them from outside the process while it runs.
 */
public final class StoreCounters implements AutoCloseable {
    /** Counter type id band for tkv store counters. */
    public static final int TYPE_ID_BASE = 7011_00;

    private final AtomicCounter requests;
    private final AtomicCounter malformed;
    private final AtomicCounter unauthenticated;
    private final AtomicCounter tooLarge;
    private final AtomicCounter serverBusy;
    private final AtomicCounter repliesDropped;
    private final AtomicCounter sessions;
    private final AtomicCounter duplicateWrites;
    private final AtomicCounter staleWrites;
    private final AtomicCounter proposalsDropped;

    /** @param aeron the client whose driver holds the counters. */
    public StoreCounters(final Aeron aeron) {
        requests = aeron.addCounter(TYPE_ID_BASE, "tkv requests");
        malformed = aeron.addCounter(TYPE_ID_BASE + 1, "tkv malformed frames");
        unauthenticated = aeron.addCounter(TYPE_ID_BASE + 2, "tkv unauthenticated frames");
        tooLarge = aeron.addCounter(TYPE_ID_BASE + 3, "tkv too-large requests");
        serverBusy = aeron.addCounter(TYPE_ID_BASE + 4, "tkv server-busy rejections");
        repliesDropped = aeron.addCounter(TYPE_ID_BASE + 5, "tkv replies dropped (back-pressure)");
        sessions = aeron.addCounter(TYPE_ID_BASE + 7, "tkv open sessions");
        duplicateWrites = aeron.addCounter(TYPE_ID_BASE + 8, "tkv duplicate writes answered from dedup records");
        staleWrites = aeron.addCounter(TYPE_ID_BASE + 9, "tkv stale write copies dropped");
        proposalsDropped = aeron.addCounter(TYPE_ID_BASE + 10, "tkv proposals dropped (leader change)");
    }

    public AtomicCounter requests() {
        return requests;
    }

    public AtomicCounter malformed() {
        return malformed;
    }

    public AtomicCounter unauthenticated() {
        return unauthenticated;
    }

    public AtomicCounter tooLarge() {
        return tooLarge;
    }

    public AtomicCounter serverBusy() {
        return serverBusy;
    }

    public AtomicCounter repliesDropped() {
        return repliesDropped;
    }

    public AtomicCounter sessions() {
        return sessions;
    }

    public AtomicCounter duplicateWrites() {
        return duplicateWrites;
    }

    public AtomicCounter staleWrites() {
        return staleWrites;
    }

    public AtomicCounter proposalsDropped() {
        return proposalsDropped;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(requests, malformed, unauthenticated, tooLarge, serverBusy, repliesDropped, sessions,
            duplicateWrites, staleWrites, proposalsDropped);
    }
}
