package io.tkv.server.raft;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The reads waiting for a read point: what is kept, and the bounds that make the router answer SERVER_BUSY. */
class PendingReadsTest {
    private final PendingReads reads = new PendingReads();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[64 * 1024]);

    /** A read that Raft accepted and that must wait: its frame is copied. */
    private long waitingRead(final int length) {
        final long id = reads.begin(1, 2, frame, 0, length);
        if (id != 0) {
            reads.accepted();
        }
        return id;
    }

    @Test
    void shouldKeepACopyOfAReadThatWaitsAndNothingOfOneHandedOverAtOnce() {
        frame.putLong(8, 0x1234);
        final long waiting = waitingRead(16);
        assertArrayEquals(Arrays.copyOf(frame.byteArray(), 16), reads.get(waiting).frame);
        assertEquals(16, reads.bytes());

        final long served = reads.begin(1, 2, frame, 0, 16);
        reads.currentHandedOver();
        reads.accepted();
        assertNull(reads.get(served));
        assertEquals(1, reads.size());

        reads.remove(waiting);
        assertEquals(0, reads.size());
        assertEquals(0, reads.bytes());
    }

    @Test
    void shouldRefuseAReadOnceTheMostReadsWait() {
        long first = 0;
        for (int i = 0; i < PendingReads.MAX_WAITING_READS; i++) {
            final long id = waitingRead(32);
            assertNotEquals(0, id, "read " + i);
            first = first == 0 ? id : first;
        }
        assertEquals(0, reads.begin(1, 2, frame, 0, 32), "one more is refused, before Raft sees it");
        assertEquals(PendingReads.MAX_WAITING_READS, reads.size());

        reads.remove(first);
        assertNotEquals(0, waitingRead(32), "room again once a read was handed over");
    }

    @Test
    void shouldRefuseAReadWhoseFrameWouldTakeTheWaitingBytesOverTheirBound() {
        final int large = frame.capacity();
        final int fit = (int)(PendingReads.MAX_WAITING_READ_BYTES / large);
        for (int i = 0; i < fit; i++) {
            assertNotEquals(0, waitingRead(large), "read " + i);
        }
        assertEquals(PendingReads.MAX_WAITING_READ_BYTES, reads.bytes());
        assertEquals(0, reads.begin(1, 2, frame, 0, 1), "the bytes are spent");
        assertEquals(fit, reads.size());
    }
}
