package io.tkv.codec.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class MemComparableTest {
    @Test
    void shouldEncodeAsTikvDoes() {
        assertArrayEquals(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0xF7), MemComparable.encode(new byte[0]));
        assertArrayEquals(bytes(1, 2, 3, 0, 0, 0, 0, 0, 0xFA), MemComparable.encode(bytes(1, 2, 3)));
        assertArrayEquals(bytes(1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0xF7),
            MemComparable.encode(bytes(1, 2, 3, 4, 5, 6, 7, 8)));
        assertArrayEquals(bytes(1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 9, 0, 0, 0, 0, 0, 0, 0, 0xF8),
            MemComparable.encode(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9)));
        assertEquals(9, MemComparable.encodedLength(7));
        assertEquals(18, MemComparable.encodedLength(8));
    }

    @Test
    void shouldRoundTripAndKeepOrderOfRandomKeys() {
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 5_000; i++) {
            final byte[] a = randomKey(random);
            final byte[] b = randomKey(random);
            final byte[] ea = MemComparable.encode(a);
            final byte[] eb = MemComparable.encode(b);
            assertArrayEquals(a, MemComparable.decode(ea));
            assertEquals(Integer.signum(Arrays.compareUnsigned(a, b)), Integer.signum(Arrays.compareUnsigned(ea, eb)),
                () -> Arrays.toString(a) + " vs " + Arrays.toString(b));
            // A suffix (a timestamp) after the encoding leaves the order of the keys unchanged.
            final byte[] sa = Arrays.copyOf(ea, ea.length + 8);
            Arrays.fill(sa, ea.length, sa.length, (byte)0xFF);
            final byte[] sb = Arrays.copyOf(eb, eb.length + 8);
            if (Arrays.compareUnsigned(a, b) < 0) {
                assertTrue(Arrays.compareUnsigned(sa, sb) < 0);
            }
            assertEquals(ea.length, MemComparable.encodedLengthAt(sa, 0, sa.length));
        }
    }

    @Test
    void shouldRefuseMalformedBytesWithIllegalArgumentOnly() {
        assertThrows(IllegalArgumentException.class, () -> MemComparable.decode(bytes(1, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> MemComparable.decode(bytes(1, 0, 0, 0, 0, 0, 0, 0, 0xF0)));
        assertThrows(IllegalArgumentException.class, () -> MemComparable.decode(bytes(1, 2, 3, 0, 0, 0, 0, 0, 0xF9)));
        assertThrows(IllegalArgumentException.class, () -> MemComparable.decode(bytes(1, 2, 3, 4, 5, 6, 7, 8, 0xFF)));
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            final byte[] junk = new byte[random.nextInt(30)];
            random.nextBytes(junk);
            if (random.nextBoolean() && junk.length > 0) {
                // Make a plausible final marker more likely, to get past the first check.
                junk[junk.length - 1] = (byte)(0xF7 + random.nextInt(9));
            }
            try {
                final byte[] key = MemComparable.decode(junk);
                assertArrayEquals(junk, MemComparable.encode(key));
            } catch (final IllegalArgumentException expected) {
                // the documented refusal
            }
        }
    }

    private static byte[] randomKey(final SplittableRandom random) {
        final byte[] key = new byte[random.nextInt(20)];
        for (int i = 0; i < key.length; i++) {
            // Few distinct values, so prefixes and zero bytes (the padding) are common.
            key[i] = (byte)(random.nextInt(3) == 0 ? 0 : random.nextInt(4) * 0x55);
        }
        return key;
    }

    private static byte[] bytes(final int... values) {
        final byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte)values[i];
        }
        return out;
    }
}
