package io.tkv.raft.core;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfChangeTest {
    @Test
    void shouldCarryTheStoreAndTheContextThroughTheLog() {
        final ConfChange change = new ConfChange(ConfChange.Type.ADD_LEARNER, 1004, 4, 77);
        assertEquals(change, ConfChange.decode(change.encode()));
        assertEquals(25, change.encode().length);
    }

    @Test
    void shouldReadTheOlderFormWithThePeerIdAsItsStore() {
        final byte[] legacy = ByteBuffer.allocate(9).put((byte)ConfChange.Type.REMOVE_PEER.ordinal()).putLong(3)
            .array();
        assertEquals(new ConfChange(ConfChange.Type.REMOVE_PEER, 3, 3, 0), ConfChange.decode(legacy));
    }

    @Test
    void shouldRefuseWhatIsNotAChange() {
        final byte[] good = new ConfChange(ConfChange.Type.ADD_VOTER, 5, 2, 0).encode();
        for (final int length : new int[] {0, 1, 8, 10, 17, 24, 26}) {
            final byte[] cut = new byte[length];
            System.arraycopy(good, 0, cut, 0, Math.min(length, good.length));
            assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(cut), "length " + length);
        }
        final byte[] type = good.clone();
        type[0] = 3;
        assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(type));
        final byte[] store = good.clone();
        ByteBuffer.wrap(store, 9, 8).putLong(0);
        assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(store), "a peer on no store");
        assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(null));
    }
}
