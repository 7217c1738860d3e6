package io.tkv.raft.transport;

import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.function.BiFunction;

/**
 * The transport's counters. In a store they live in the Aeron driver's counters file (made with
 * {@code aeron::addCounter}), so tools can read them from outside the process.
 */
public final class TransportCounters implements AutoCloseable {
    /** Counter type id band for tkv Raft transport counters. */
    public static final int TYPE_ID_BASE = 7011_20;

    private final AtomicCounter framesSent;
    private final AtomicCounter messagesSent;
    private final AtomicCounter messagesDropped;
    private final AtomicCounter backPressured;
    private final AtomicCounter framesReceived;
    private final AtomicCounter messagesReceived;
    private final AtomicCounter malformed;
    private final AtomicCounter wrongCluster;
    private final AtomicCounter faultDropped;
    private final AtomicCounter unauthenticated;
    private final AtomicCounter replayed;
    private final AtomicCounter notMember;

    /** @param factory makes a counter from a type id and a label, e.g. {@code aeron::addCounter}. */
    public TransportCounters(final BiFunction<Integer, String, AtomicCounter> factory) {
        framesSent = factory.apply(TYPE_ID_BASE, "tkv raft frames sent");
        messagesSent = factory.apply(TYPE_ID_BASE + 1, "tkv raft messages sent");
        messagesDropped = factory.apply(TYPE_ID_BASE + 2, "tkv raft messages dropped (not sent)");
        backPressured = factory.apply(TYPE_ID_BASE + 3, "tkv raft offers back-pressured");
        framesReceived = factory.apply(TYPE_ID_BASE + 4, "tkv raft frames received");
        messagesReceived = factory.apply(TYPE_ID_BASE + 5, "tkv raft messages received");
        malformed = factory.apply(TYPE_ID_BASE + 6, "tkv raft malformed frames");
        wrongCluster = factory.apply(TYPE_ID_BASE + 7, "tkv raft frames of another cluster or store");
        faultDropped = factory.apply(TYPE_ID_BASE + 8, "tkv raft frames dropped by a fault hook");
        unauthenticated = factory.apply(TYPE_ID_BASE + 9, "tkv peer frames failing authentication");
        replayed = factory.apply(TYPE_ID_BASE + 10, "tkv peer frames replayed");
        notMember = factory.apply(TYPE_ID_BASE + 11, "tkv peer frames or messages from non-members");
    }

    public AtomicCounter framesSent() {
        return framesSent;
    }

    public AtomicCounter messagesSent() {
        return messagesSent;
    }

    public AtomicCounter messagesDropped() {
        return messagesDropped;
    }

    public AtomicCounter backPressured() {
        return backPressured;
    }

    public AtomicCounter framesReceived() {
        return framesReceived;
    }

    public AtomicCounter messagesReceived() {
        return messagesReceived;
    }

    public AtomicCounter malformed() {
        return malformed;
    }

    public AtomicCounter wrongCluster() {
        return wrongCluster;
    }

    public AtomicCounter faultDropped() {
        return faultDropped;
    }

    /** Frames on a store-to-store stream (Raft or snapshot) whose tag did not verify. */
    public AtomicCounter unauthenticated() {
        return unauthenticated;
    }

    /** Authentic frames not newer than one already accepted from their sender. */
    public AtomicCounter replayed() {
        return replayed;
    }

    /**
     * Frames from a store that is not in this store's cluster, and Raft messages from a peer that is not a member of
     * the region's configuration (or not on the store that sent it).
     */
    public AtomicCounter notMember() {
        return notMember;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(framesSent, messagesSent, messagesDropped, backPressured, framesReceived,
            messagesReceived, malformed, wrongCluster, faultDropped, unauthenticated, replayed, notMember);
    }
}
