package io.tkv.server.pd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PdCommandTest {
    @Test
    void encodesAndReadsBackEveryType() {
        for (final byte type : new byte[] {PdCommand.TSO_LIMIT, PdCommand.ID_END, PdCommand.BOOTSTRAP}) {
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
    }
}
