package io.tkv.server.pd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PdPendingTest {
    @Test
    void aStaleTokenOfAReusedSlotIsIgnoredAndTheTableIsBounded() {
        final PdPending pending = new PdPending(2);
        final long first = pending.add(null, 11, 1, 3);
        final long second = pending.add(null, 12, 2, 0);
        assertTrue(first >= PdPending.FIRST_TOKEN && second >= PdPending.FIRST_TOKEN);
        assertEquals(0, pending.add(null, 13, 1, 1), "full");
        final int slot = pending.slotOf(first);
        assertEquals(11, pending.correlationId(slot));
        assertEquals(3, pending.count(slot));
        pending.remove(slot);
        final long reused = pending.add(null, 14, 1, 1);
        assertEquals(slot, pending.slotOf(reused));
        assertNotEquals(first, reused);
        assertEquals(-1, pending.slotOf(first), "the old token of a reused slot");
        assertEquals(-1, pending.slotOf(1), "the service's own tokens are not slots");
        assertEquals(2, pending.size());
    }
}
