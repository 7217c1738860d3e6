package io.tkv.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.function.ToIntFunction;
import java.util.zip.CRC32C;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private final RecordCodec codec = new RecordCodec();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);

    @Test
    void shouldRoundTripAnEntry() {
        final byte[] payload = LogTesting.payload(7, 42, 3);
        final int length = codec.encodeEntry(buffer, 99, 95, 7, 42, 3, 11, new UnsafeBuffer(payload), 0,
            payload.length);

        assertEquals(RecordCodec.ENTRY_OVERHEAD_BYTES + payload.length, length);
        assertEquals(RecordKind.ENTRY, codec.validate(buffer, length));
        assertEquals(99, RecordCodec.seq(buffer));
        assertEquals(95, RecordCodec.syncedSeq(buffer));
        assertEquals(7, RecordCodec.regionId(buffer));
        assertEquals(42, RecordCodec.a(buffer));
        assertEquals(3, RecordCodec.b(buffer));
        assertEquals(11, RecordCodec.entryType(buffer));
        assertEquals(payload.length, RecordCodec.payloadLength(buffer));
        final byte[] back = new byte[payload.length];
        buffer.getBytes(RecordCodec.PAYLOAD_OFFSET, back);
        assertArrayEquals(payload, back);
    }

    @Test
    void shouldRoundTripEveryOtherKind() {
        int length = codec.encodeTruncate(buffer, 1, 0, 5, 17);
        assertEquals(RecordKind.TRUNCATE, codec.validate(buffer, length));
        assertEquals(17, RecordCodec.a(buffer));

        length = codec.encodeHardState(buffer, 2, 1, 5, 8, 3, 40);
        assertEquals(RecordKind.HARD_STATE, codec.validate(buffer, length));
        assertEquals(8, RecordCodec.a(buffer));
        assertEquals(3, RecordCodec.b(buffer));
        assertEquals(40, RecordCodec.c(buffer));

        length = codec.encodeCompact(buffer, 3, 1, 5, 30, 7, true);
        assertEquals(RecordKind.COMPACT, codec.validate(buffer, length));
        assertEquals(30, RecordCodec.a(buffer));
        assertEquals(7, RecordCodec.b(buffer));
        assertEquals(1, RecordCodec.entryType(buffer));

        length = codec.encodeRemove(buffer, 4, 1, 5);
        assertEquals(RecordKind.REMOVE_REGION, codec.validate(buffer, length));
        assertEquals(5, RecordCodec.regionId(buffer));

        final RegionLog region = new RegionLog(9);
        region.compact(10, 2, false);
        region.append(11, 3, 1234);
        region.hardState(3, 2, 11);
        length = codec.encodeCheckpoint(buffer, 5, 4, region);
        assertEquals(RecordKind.CHECKPOINT, codec.validate(buffer, length));
        assertEquals(9, RecordCodec.regionId(buffer));
        assertEquals(10, RecordCodec.a(buffer));
        assertEquals(2, RecordCodec.b(buffer));
        assertEquals(11, RecordCodec.c(buffer));
        assertEquals(3, RecordCodec.d(buffer));
        assertEquals(2, RecordCodec.e(buffer));
        assertEquals(11, RecordCodec.f(buffer));

        length = codec.encodeOpen(buffer, 6, 5, 0x1234_0000_0005L, 1000);
        assertEquals(RecordKind.OPEN, codec.validate(buffer, length));
        assertEquals(0x1234_0000_0005L, RecordCodec.a(buffer));
        assertEquals(6, RecordCodec.seq(buffer));
        assertEquals(5, RecordCodec.syncedSeq(buffer));

        length = codec.encodeClose(buffer, 7, 6, 2000);
        assertEquals(RecordKind.CLOSE, codec.validate(buffer, length));
        assertEquals(2000, RecordCodec.a(buffer));
        assertEquals(6, RecordCodec.syncedSeq(buffer));
    }

    @Test
    void shouldSayWhichRecordsWereDurableOnlyWhenItKnows() {
        codec.encodeRemove(buffer, 1_000_000, 1_000_000 - 1 - 65_534, 1);
        assertEquals(1_000_000 - 1 - 65_534, RecordCodec.syncedSeq(buffer), "the longest lag that fits");
        codec.encodeRemove(buffer, 1_000_000, 1_000_000 - 1 - 65_535, 1);
        assertEquals(-1, RecordCodec.syncedSeq(buffer), "a longer lag says nothing");
        codec.encodeRemove(buffer, 10, -1, 1);
        assertEquals(-1, RecordCodec.syncedSeq(buffer), "no sync known");
        codec.encodeRemove(buffer, 10, 10, 1);
        assertEquals(-1, RecordCodec.syncedSeq(buffer), "a record cannot have been synced before it was written");
    }

    @Test
    void shouldReadLayoutVersion1WithoutSayingWhatWasDurable() {
        final int length = codec.encodeHardState(buffer, 12, 11, 3, 5, 2, 9);
        resealAsVersion1(length, (short) 0);
        assertEquals(RecordKind.HARD_STATE, codec.validate(buffer, length), "a version 1 record is still read");
        assertEquals(5, RecordCodec.a(buffer));
        assertEquals(-1, RecordCodec.syncedSeq(buffer), "version 1 said nothing about syncs");

        resealAsVersion1(length, (short) 1);
        assertNull(codec.validate(buffer, length), "version 1 kept those bytes zero");
        final int close = codec.encodeClose(buffer, 13, 12, 0);
        resealAsVersion1(close, (short) 0);
        assertNull(codec.validate(buffer, close), "version 1 had no CLOSE");
    }

    /** Rewrites the record in the buffer as layout version 1 with {@code reserved} at offset 2, CRC and all. */
    private void resealAsVersion1(final int length, final short reserved) {
        buffer.putByte(RecordCodec.VERSION_OFFSET, RecordCodec.VERSION_1);
        buffer.putShort(RecordCodec.SYNC_LAG_OFFSET, reserved, RecordCodec.ORDER);
        final CRC32C crc = new CRC32C();
        crc.update(buffer.byteArray(), 0, length - RecordCodec.CRC_BYTES);
        buffer.putInt(length - RecordCodec.CRC_BYTES, (int) crc.getValue(), RecordCodec.ORDER);
    }

    @Test
    void shouldRejectEveryFlippedBitOfEveryKind() {
        final UnsafeBuffer payload = new UnsafeBuffer(LogTesting.payload(1, 2, 3));
        final RegionLog region = new RegionLog(4);
        final List<ToIntFunction<ExpandableArrayBuffer>> encoders = List.of(
            b -> codec.encodeEntry(b, 1, 0, 1, 2, 3, 4, payload, 0, payload.capacity()),
            b -> codec.encodeTruncate(b, 2, 1, 1, 2),
            b -> codec.encodeHardState(b, 3, 1, 1, 2, 3, 4),
            b -> codec.encodeCompact(b, 4, 2, 1, 2, 3, false),
            b -> codec.encodeRemove(b, 5, 2, 1),
            b -> codec.encodeCheckpoint(b, 6, 5, region),
            b -> codec.encodeOpen(b, 7, 6, 8, 9),
            b -> codec.encodeClose(b, 8, 7, 9));
        for (final ToIntFunction<ExpandableArrayBuffer> encoder : encoders) {
            final int length = encoder.applyAsInt(buffer);
            final RecordKind kind = codec.validate(buffer, length);
            for (int i = 0; i < length; i++) {
                final byte original = buffer.getByte(i);
                for (int bit = 0; bit < 8; bit++) {
                    buffer.putByte(i, (byte) (original ^ (1 << bit)));
                    assertNull(codec.validate(buffer, length), kind + ": flipped bit " + bit + " of byte " + i);
                }
                buffer.putByte(i, original);
            }
            assertEquals(kind, codec.validate(buffer, length));
        }
    }

    @Test
    void shouldRejectWrongLengths() {
        final byte[] payload = LogTesting.payload(1, 2, 3);
        final int length = codec.encodeEntry(buffer, 1, 0, 1, 2, 3, 0, new UnsafeBuffer(payload), 0, payload.length);
        assertNull(codec.validate(buffer, length - 1));
        assertNull(codec.validate(buffer, length + 1));
        assertNull(codec.validate(buffer, 3));
        final int truncate = codec.encodeTruncate(buffer, 1, 0, 1, 2);
        assertNull(codec.validate(buffer, truncate + 4));
    }

    @Test
    void shouldRejectZeroes() {
        buffer.setMemory(0, 256, (byte) 0);
        for (int length = 0; length < 256; length++) {
            assertNull(codec.validate(buffer, length));
        }
    }
}
