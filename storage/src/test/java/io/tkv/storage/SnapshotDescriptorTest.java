package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;

class SnapshotDescriptorTest {
    private static final SnapshotDescriptor DESCRIPTOR = new SnapshotDescriptor(7, 1234, 5,
        KeyRange.of("a".getBytes(StandardCharsets.UTF_8), "m".getBytes(StandardCharsets.UTF_8)),
        List.of(new SnapshotFile(ColumnFamily.DEFAULT, 4096, 0xCAFEBABE), new SnapshotFile(ColumnFamily.RAFT, 77, -1)));

    /** Rewrites the trailing CRC so a test reaches the check behind it. */
    private static byte[] resealed(final byte[] bytes) {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - Integer.BYTES);
        ByteBuffer.wrap(bytes).putInt(bytes.length - Integer.BYTES, (int)crc.getValue());
        return bytes;
    }

    @Test
    void shouldRoundTrip() {
        final SnapshotDescriptor decoded = SnapshotDescriptor.decode(DESCRIPTOR.encode());
        assertEquals(DESCRIPTOR, decoded);
        assertEquals(4096 + 77, decoded.totalBytes());
        assertEquals("default.sst", decoded.file(ColumnFamily.DEFAULT).fileName());
        assertEquals(null, decoded.file(ColumnFamily.LOCK));
        final SnapshotDescriptor whole = new SnapshotDescriptor(1, 0, 0, KeyRange.WHOLE, List.of());
        assertEquals(whole, SnapshotDescriptor.decode(whole.encode()));
    }

    @Test
    void shouldRejectEveryTruncationAndTrailingBytes() {
        final byte[] bytes = DESCRIPTOR.encode();
        for (int length = 0; length < bytes.length; length++) {
            final byte[] truncated = Arrays.copyOf(bytes, length);
            assertThrows(SnapshotException.class, () -> SnapshotDescriptor.decode(truncated), "length " + length);
        }
        assertThrows(SnapshotException.class, () -> SnapshotDescriptor.decode(Arrays.copyOf(bytes, bytes.length + 1)));
        assertThrows(SnapshotException.class, () -> SnapshotDescriptor.decode(null));
    }

    @Test
    void shouldRejectEveryFlippedBit() {
        final byte[] bytes = DESCRIPTOR.encode();
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            final byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            assertThrows(SnapshotException.class, () -> SnapshotDescriptor.decode(flipped), "bit " + bit);
        }
    }

    @Test
    void shouldRejectRandomGarbage() {
        final Random random = new Random(11);
        for (int i = 0; i < 1_000; i++) {
            final byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            assertThrows(SnapshotException.class, () -> SnapshotDescriptor.decode(garbage));
        }
    }

    @Test
    void shouldRejectWellSealedNonsenseWithAClearMessage() {
        final byte[] version = DESCRIPTOR.encode();
        version[5] = 2;
        assertTrue(assertThrows(SnapshotException.class, () -> SnapshotDescriptor.decode(resealed(version)))
            .getMessage().contains("version 2"));

        final byte[] badFamily = DESCRIPTOR.encode();
        final int nameAt = indexOf(badFamily, "default".getBytes(StandardCharsets.UTF_8));
        badFamily[nameAt] = 'x';
        assertTrue(assertThrows(SnapshotException.class, () -> SnapshotDescriptor.decode(resealed(badFamily)))
            .getMessage().contains("unknown column family"));

        final byte[] twice = new SnapshotDescriptor(1, 0, 0, KeyRange.WHOLE, List.of(
            new SnapshotFile(ColumnFamily.LOCK, 1, 1), new SnapshotFile(ColumnFamily.RAFT, 2, 2))).encode();
        // "raft" and "lock" have the same length: renaming one makes a well-formed descriptor with LOCK twice.
        System.arraycopy("lock".getBytes(StandardCharsets.UTF_8), 0, twice,
            indexOf(twice, "raft".getBytes(StandardCharsets.UTF_8)), 4);
        assertTrue(assertThrows(SnapshotException.class, () -> SnapshotDescriptor.decode(resealed(twice)))
            .getMessage().contains("two files"));

        final byte[] negative = DESCRIPTOR.encode();
        negative[14] = (byte)0x80;
        assertTrue(assertThrows(SnapshotException.class, () -> SnapshotDescriptor.decode(resealed(negative)))
            .getMessage().contains("negative"));
    }

    @Test
    void shouldRefuseTheSameColumnFamilyTwice() {
        assertThrows(IllegalArgumentException.class, () -> new SnapshotDescriptor(1, 0, 0, KeyRange.WHOLE,
            List.of(new SnapshotFile(ColumnFamily.LOCK, 1, 1), new SnapshotFile(ColumnFamily.LOCK, 2, 2))));
    }

    private static int indexOf(final byte[] haystack, final byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
