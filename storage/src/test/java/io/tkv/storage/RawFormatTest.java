package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RawFormatTest {
    @Test
    void shouldComputeExpiryAndSaturate() {
        assertEquals(RawFormat.NO_EXPIRY, RawFormat.expiryMs(1_000, 0));
        assertEquals(6_000, RawFormat.expiryMs(1_000, 5));
        assertEquals(RawFormat.NO_EXPIRY, RawFormat.expiryMs(1_000, Long.MAX_VALUE / 1000));
        assertThrows(IllegalArgumentException.class, () -> RawFormat.expiryMs(1_000, -1));
    }

    @Test
    void shouldEncodeHeaderWithAndWithoutExpiry() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[32]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[] {7, 8});
        assertEquals(3, RawFormat.encodeValue(out, value, 0, 2, RawFormat.NO_EXPIRY));
        assertEquals(1, RawFormat.headerLength(out, 3));
        assertFalse(RawFormat.isExpired(out, Long.MAX_VALUE));

        assertEquals(11, RawFormat.encodeValue(out, value, 0, 2, 500));
        assertEquals(9, RawFormat.headerLength(out, 11));
        assertFalse(RawFormat.isExpired(out, 499));
        assertTrue(RawFormat.isExpired(out, 500));
        assertEquals(7, out.getByte(9));
    }

    @Test
    void shouldRefuseTruncatedOrUnknownHeaders() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[] {RawFormat.FLAG_TTL, 0, 0});
        assertThrows(StorageException.class, () -> RawFormat.headerLength(out, 3));
        assertThrows(StorageException.class, () -> RawFormat.headerLength(out, 0));
        out.putByte(0, (byte)0x02);
        assertThrows(StorageException.class, () -> RawFormat.headerLength(out, 3));
    }

    @Test
    void shouldCompareBytesUnsignedThenByLength() {
        final UnsafeBuffer a = new UnsafeBuffer(new byte[] {0x01, (byte)0xFF});
        final UnsafeBuffer b = new UnsafeBuffer(new byte[] {0x01, 0x00, 0x00});
        assertTrue(Bytes.compare(a, 0, 2, b, 0, 3) > 0);
        assertTrue(Bytes.compare(b, 0, 1, b, 0, 2) < 0);
        assertEquals(0, Bytes.compare(a, 0, 1, b, 0, 1));
        assertTrue(Bytes.equals(a, 0, 1, b, 0, 1));
        assertFalse(Bytes.equals(a, 0, 2, b, 0, 2));
    }
}
