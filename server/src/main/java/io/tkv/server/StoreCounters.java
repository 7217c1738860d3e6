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
    private final AtomicCounter bytesWritten;
    private final AtomicCounter keysWritten;
    private final AtomicCounter handshakesDropped;
    private final AtomicCounter handshakesRefused;
    private final AtomicCounter handshakesExpired;
    private final AtomicCounter pendingHandshakes;

    /** Makes a counter with a type id and a label. */
    @FunctionalInterface
    public interface Factory {
        /** @return a new counter. */
        AtomicCounter newCounter(int typeId, String label);
    }

    /** @param aeron the client whose driver holds the counters. */
    public StoreCounters(final Aeron aeron) {
        this(aeron::addCounter);
    }

    /** @param factory makes each counter: the Aeron client's, or (tests) a CountersManager over plain buffers. */
    public StoreCounters(final Factory factory) {
        requests = factory.newCounter(TYPE_ID_BASE, "tkv requests");
        malformed = factory.newCounter(TYPE_ID_BASE + 1, "tkv malformed frames");
        unauthenticated = factory.newCounter(TYPE_ID_BASE + 2, "tkv unauthenticated frames");
        tooLarge = factory.newCounter(TYPE_ID_BASE + 3, "tkv too-large requests");
        serverBusy = factory.newCounter(TYPE_ID_BASE + 4, "tkv server-busy rejections");
        repliesDropped = factory.newCounter(TYPE_ID_BASE + 5, "tkv replies dropped (back-pressure)");
        sessions = factory.newCounter(TYPE_ID_BASE + 7, "tkv open sessions");
        duplicateWrites = factory.newCounter(TYPE_ID_BASE + 8, "tkv duplicate writes answered from dedup records");
        staleWrites = factory.newCounter(TYPE_ID_BASE + 9, "tkv stale write copies dropped");
        proposalsDropped = factory.newCounter(TYPE_ID_BASE + 10, "tkv proposals dropped (leader change)");
        bytesWritten = factory.newCounter(TYPE_ID_BASE + 11, "tkv bytes written (keys and values applied)");
        keysWritten = factory.newCounter(TYPE_ID_BASE + 12, "tkv keys written (applied)");
        // Handshake counters take type ids 20-29, apart from the ids above that other counters may grow into.
        handshakesDropped = factory.newCounter(TYPE_ID_BASE + 20, "tkv handshakes dropped (over the rate)");
        handshakesRefused = factory.newCounter(TYPE_ID_BASE + 21, "tkv handshakes refused (bad proof)");
        handshakesExpired = factory.newCounter(TYPE_ID_BASE + 22, "tkv handshakes expired or evicted");
        pendingHandshakes = factory.newCounter(TYPE_ID_BASE + 23, "tkv pending handshakes");
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

    /** @return bytes of keys and values this store applied (puts, deletes, swaps), for PD's store heartbeat. */
    public AtomicCounter bytesWritten() {
        return bytesWritten;
    }

    /** @return keys this store applied writes to, for PD's store heartbeat. */
    public AtomicCounter keysWritten() {
        return keysWritten;
    }

    /** @return Connects dropped unanswered because they came faster than {@code max-handshakes-per-second}. */
    public AtomicCounter handshakesDropped() {
        return handshakesDropped;
    }

    /** @return handshakes refused at Authenticate: a proof of no secret, or a malformed client key. */
    public AtomicCounter handshakesRefused() {
        return handshakesRefused;
    }

    /**
     * @return handshakes given up on: no Authenticate within {@code handshake-timeout-ms}, or evicted as the oldest
     *     when {@code max-pending-handshakes} were in progress.
     */
    public AtomicCounter handshakesExpired() {
        return handshakesExpired;
    }

    /** @return handshakes in progress now (a gauge). */
    public AtomicCounter pendingHandshakes() {
        return pendingHandshakes;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(requests, malformed, unauthenticated, tooLarge, serverBusy, repliesDropped, sessions,
            duplicateWrites, staleWrites, proposalsDropped, bytesWritten, keysWritten, handshakesDropped,
            handshakesRefused, handshakesExpired, pendingHandshakes);
    }
}
