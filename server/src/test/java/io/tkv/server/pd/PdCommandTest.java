package io.tkv.server.pd;

import io.tkv.storage.PdStoreRecord;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PdCommandTest {
    @Test
    void encodesAndReadsBackEveryType() {
        for (final byte type : new byte[] {PdCommand.TSO_LIMIT, PdCommand.ID_END, PdCommand.BOOTSTRAP,
            PdCommand.GC_SAFE_POINT}) {
            final byte[] data = PdCommand.encode(type, 1_796_621_862_121L);
            assertEquals(type, PdCommand.type(data));
            assertEquals(1_796_621_862_121L, PdCommand.value(data));
        }
    }

    @Test
    void anEntryOfAnotherFormatIsUnknownNotAnError() {
        final byte[] data = PdCommand.encode(PdCommand.TSO_LIMIT, 5);
        data[0] = 2;
        assertEquals(PdCommand.UNKNOWN, PdCommand.type(data));
        assertEquals(PdCommand.UNKNOWN, PdCommand.type(new byte[] {1, 1}));
        final byte[] unknownType = PdCommand.encode(PdCommand.TSO_LIMIT, 5);
        unknownType[1] = 9;
        assertEquals(PdCommand.UNKNOWN, PdCommand.type(unknownType));
        data[0] = 3;
        assertEquals(PdCommand.UNKNOWN, PdCommand.type(data));
    }

    @Test
    void aVersion2PutStoreCarriesTheWholeRecord() {
        final PdStoreRecord store = new PdStoreRecord(42, "10.0.0.7:20160", "zone=z1,rack=r2,host=h3",
            PdStoreRecord.State.OFFLINE);
        final byte[] data = PdCommand.encodePutStore(store);
        assertEquals(PdCommand.VERSION_2, data[0]);
        assertEquals(PdCommand.PUT_STORE, PdCommand.type(data));
        assertEquals(store, PdCommand.store(data));
        // Big-endian store id right after version and type: the documented layout.
        assertEquals(42, data[9]);
        assertEquals(2 + 8 + 1 + 2 + 14 + 2 + 23, data.length);
    }

    @Test
    void theLongestPutStoreFitsTheEntryBoundAndEmptyFieldsRoundTrip() {
        final PdStoreRecord longest = new PdStoreRecord(Long.MAX_VALUE, "a".repeat(PdStoreRecord.MAX_ADDRESS_BYTES),
            "b".repeat(PdStoreRecord.MAX_LABELS_BYTES), PdStoreRecord.State.TOMBSTONE);
        final byte[] data = PdCommand.encodePutStore(longest);
        assertEquals(PdCommand.MAX_LENGTH, data.length);
        assertEquals(longest, PdCommand.store(data));
        final PdStoreRecord bare = new PdStoreRecord(1, "", "", PdStoreRecord.State.UP);
        assertEquals(bare, PdCommand.store(PdCommand.encodePutStore(bare)));
    }

    @Test
    void aTruncatedPaddedOrOddPutStoreIsUnknown() {
        final byte[] data = PdCommand.encodePutStore(new PdStoreRecord(3, "127.0.0.1:1", "zone=a",
            PdStoreRecord.State.UP));
        for (int length = 0; length < data.length; length++) {
            assertEquals(PdCommand.UNKNOWN, PdCommand.type(Arrays.copyOf(data, length)), "truncated to " + length);
        }
        assertEquals(PdCommand.UNKNOWN, PdCommand.type(Arrays.copyOf(data, data.length + 1)), "a byte too many");
        final byte[] badState = data.clone();
        badState[10] = 3;
        assertEquals(PdCommand.UNKNOWN, PdCommand.type(badState));
        final byte[] zeroId = data.clone();
        zeroId[9] = 0;
        assertEquals(PdCommand.UNKNOWN, PdCommand.type(zeroId), "store ids are positive");
        final byte[] wrongType = data.clone();
        wrongType[1] = PdCommand.TSO_LIMIT;
        assertEquals(PdCommand.UNKNOWN, PdCommand.type(wrongType), "version 2 carries PUT_STORE only");
        assertThrows(IllegalArgumentException.class, () -> PdCommand.store(wrongType));
    }
}
