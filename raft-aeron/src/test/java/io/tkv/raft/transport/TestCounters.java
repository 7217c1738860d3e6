package io.tkv.raft.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.nio.ByteBuffer;

/** {@link TransportCounters} in plain memory, for tests without a media driver. */
public final class TestCounters {
    private TestCounters() {
    }

    /** @return counters in plain memory. */
    public static TransportCounters create() {
        final CountersManager manager = new CountersManager(new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024)));
        return new TransportCounters((typeId, label) -> manager.newCounter(label, typeId));
    }
}
