package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class KeySpaceTest {
    @Test
    void shouldPadKeysToTheirSizeAndSortThemByIndex() {
        final KeySpace keys = new KeySpace(100_000, 16);
        final byte[] out = keys.newKeyBuffer();
        assertArrayEquals("k000000000012345".getBytes(StandardCharsets.US_ASCII), keys.encode(12_345, out));
        final byte[] lower = keys.encode(99, keys.newKeyBuffer());
        final byte[] higher = keys.encode(100, keys.newKeyBuffer());
        assertTrue(Arrays.compareUnsigned(lower, higher) < 0);
    }

    @Test
    void shouldRefuseKeysTooShortForTheKeySpace() {
        assertThrows(IllegalArgumentException.class, () -> new KeySpace(100_000, 5));
        assertThrows(IllegalArgumentException.class, () -> new KeySpace(10, 16).encode(10, new byte[16]));
    }
}
