package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class RecordCodecTest {
    @Test
    void shouldRoundTripLocksWithEveryOptionalPart() {
        final Lock plain = new Lock(LockType.DELETE, bytes(1, 2), 10, 3_000, 0, 2, 0);
        assertEquals(plain, Lock.decode(plain.encode()));
        final Lock full = new Lock(LockType.PUT, bytes(9), Long.MAX_VALUE, 1, 12, 3, 13, new byte[255], true,
            List.of(bytes(1), bytes(), bytes(2, 3)), new long[] {5, 6});
        assertEquals(full, Lock.decode(full.encode()));
        final Lock pessimistic = new Lock(LockType.PESSIMISTIC, bytes(), 1, 0, 7, 0, 0).withRollbackTs(4);
        assertEquals(pessimistic, Lock.decode(pessimistic.encode()));
    }

    @Test
    void shouldRoundTripWrites() {
        for (final WriteType type : WriteType.values()) {
            final Write write = new Write(type, 77, type == WriteType.PUT ? bytes(1, 2, 3) : null, true, false);
            assertEquals(write, Write.decode(write.encode()));
        }
        assertEquals(Write.rollback(5, true), Write.decode(Write.rollback(5, true).encode()));
    }

    @Test
    void shouldRefuseValuesTooLongToInline() {
        assertThrows(IllegalArgumentException.class, () -> Write.of(WriteType.PUT, 1, new byte[256]));
        assertThrows(IllegalArgumentException.class,
            () -> new Lock(LockType.PUT, bytes(), 1, 0, 0, 0, 0).withShortValue(new byte[256]));
    }

    @Test
    void shouldRefuseEveryTruncationOfAValidRecord() {
        final byte[] lock = new Lock(LockType.PUT, bytes(1, 2, 3), 1L << 40, 3_000, 5, 2, 9, bytes(4, 5), true,
            List.of(bytes(6)), new long[] {8}).encode();
        for (int length = 0; length < lock.length; length++) {
            final byte[] cut = Arrays.copyOf(lock, length);
            assertThrows(MalformedRecordException.class, () -> Lock.decode(cut), "length " + length);
        }
        final byte[] write = Write.of(WriteType.PUT, 1L << 40, bytes(1)).encode();
        for (int length = 0; length < write.length; length++) {
            final byte[] cut = Arrays.copyOf(write, length);
            assertThrows(MalformedRecordException.class, () -> Write.decode(cut), "length " + length);
        }
        final byte[] trailing = Arrays.copyOf(write, write.length + 1);
        assertThrows(MalformedRecordException.class, () -> Write.decode(trailing));
    }

    @Test
    void shouldRefuseUnknownFormatTypeAndFlags() {
        final byte[] write = Write.of(WriteType.DELETE, 1, null).encode();
        write[0] = 2;
        assertThrows(MalformedRecordException.class, () -> Write.decode(write));
        write[0] = 1;
        write[1] = 9;
        assertThrows(MalformedRecordException.class, () -> Write.decode(write));
        write[1] = 2;
        write[2] = (byte)0x80;
        assertThrows(MalformedRecordException.class, () -> Write.decode(write));
        // An 11-byte varint, and a length far beyond the record.
        assertThrows(MalformedRecordException.class, () -> Write.decode(
            bytes(1, 1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)));
        assertThrows(MalformedRecordException.class, () -> Lock.decode(bytes(1, 1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F)));
    }

    @Test
    void shouldThrowOnlyMalformedRecordOnRandomAndMutatedBytes() {
        final SplittableRandom random = new SplittableRandom(20_26);
        final byte[] lock = new Lock(LockType.PUT, bytes(1, 2, 3), 1L << 40, 3_000, 5, 2, 9, bytes(4, 5), true,
            List.of(bytes(6), bytes(7, 8)), new long[] {8, 9}).encode();
        final byte[] write = new Write(WriteType.PUT, 1L << 40, bytes(1, 2), true, true).encode();
        int decoded = 0;
        for (int i = 0; i < 60_000; i++) {
            final byte[] input;
            switch (random.nextInt(3)) {
                case 0 -> {
                    input = new byte[random.nextInt(40)];
                    random.nextBytes(input);
                    if (input.length > 1) {
                        input[0] = 1;
                    }
                }
                case 1 -> input = mutate(random, lock);
                default -> input = mutate(random, write);
            }
            decoded += tryDecode(() -> Lock.decode(input));
            decoded += tryDecode(() -> Write.decode(input));
        }
        assertTrue(decoded > 0, "some mutations should stay valid");
    }

    @Test
    void shouldLayOutVersionKeysNewestFirst() {
        final byte[] key = TxnKeys.encode(bytes(1, 2));
        assertEquals('x', key[0]);
        assertArrayEquals(bytes(1, 2), TxnKeys.decode(key));
        final byte[] v5 = TxnKeys.withTs(key, 5);
        final byte[] v6 = TxnKeys.withTs(key, 6);
        assertTrue(Arrays.compareUnsigned(v6, v5) < 0, "newer version sorts first");
        assertEquals(5, TxnKeys.ts(v5));
        assertTrue(TxnKeys.isVersionOf(v5, key));
        assertArrayEquals(key, TxnKeys.stripTs(v5));
        // Versions of a key sort before the next key, whatever their ts.
        final byte[] next = TxnKeys.encode(bytes(1, 2, 0));
        assertTrue(Arrays.compareUnsigned(TxnKeys.withTs(key, 0), next) < 0);
        assertTrue(Arrays.compareUnsigned(TxnKeys.SPACE_START, key) < 0);
        assertTrue(Arrays.compareUnsigned(TxnKeys.withTs(key, 0), TxnKeys.SPACE_END) < 0);
        assertThrows(IllegalArgumentException.class, () -> TxnKeys.decode(bytes('r', 1)));
    }

    private static int tryDecode(final Runnable decode) {
        try {
            decode.run();
            return 1;
        } catch (final MalformedRecordException expected) {
            return 0;
        }
    }

    private static byte[] mutate(final SplittableRandom random, final byte[] valid) {
        final byte[] out = Arrays.copyOf(valid, random.nextInt(valid.length + 3));
        final int flips = random.nextInt(3);
        for (int i = 0; i < flips && out.length > 0; i++) {
            out[random.nextInt(out.length)] = (byte)random.nextInt(256);
        }
        return out;
    }

    private static byte[] bytes(final int... values) {
        final byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte)values[i];
        }
        return out;
    }
}
