package io.tkv.raft.snapshot;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshot data a SNAPSHOT message carries: a round trip, and what a hostile or broken peer may send. */
class SnapshotDataTest {
    @Test
    void shouldRoundTrip() {
        final SnapshotData data = new SnapshotData(0x1234_5678_9ABCL, 3,
            List.of(new SnapshotData.FileInfo("default.sst", 10, 7), new SnapshotData.FileInfo("raft.sst", 0, -1)),
            new byte[] {9, 8, 7});
        final SnapshotData back = SnapshotData.decode(data.encode());
        assertEquals(data.snapshotId(), back.snapshotId());
        assertEquals(data.senderStoreId(), back.senderStoreId());
        assertEquals(data.files(), back.files());
        assertArrayEquals(data.payload(), back.payload());
        assertEquals(10, back.totalBytes());
    }

    @Test
    void shouldRefuseTruncatedOrForeignBytes() {
        final byte[] encoded = new SnapshotData(1, 2, List.of(new SnapshotData.FileInfo("a", 1, 1)), new byte[4])
            .encode();
        for (int length = 0; length < encoded.length; length++) {
            final byte[] cut = Arrays.copyOf(encoded, length);
            assertThrows(IllegalArgumentException.class, () -> SnapshotData.decode(cut), "cut at " + length);
        }
        assertThrows(IllegalArgumentException.class, () -> SnapshotData.decode(new byte[64]));
    }

    @Test
    void shouldRefuseFileNamesThatLeaveTheDirectory() {
        assertFalse(SnapshotDirs.isSafeFileName("../etc/passwd"));
        assertFalse(SnapshotDirs.isSafeFileName("a/b"));
        assertFalse(SnapshotDirs.isSafeFileName(".hidden"));
        assertFalse(SnapshotDirs.isSafeFileName(""));
        assertTrue(SnapshotDirs.isSafeFileName("write.sst"));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotData.FileInfo("../x", 1, 1));
    }
}
