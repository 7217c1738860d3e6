package io.tkv.storage.command;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandReaderTest {
    private final CommandReader reader = new CommandReader();

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] command(final byte type, final int flags, final long ttlSeconds, final byte[]... items) {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(16);
        final CommandWriter writer = new CommandWriter().begin(out, 0, type, flags, 1_700_000_000_000L, 7, 2, 3,
            0xC1_1E47L, 42, 40, ttlSeconds);
        for (final byte[] item : items) {
            writer.item(item);
        }
        return Arrays.copyOf(out.byteArray(), writer.finish());
    }

    private boolean read(final byte[] command) {
        return reader.wrap(new UnsafeBuffer(command), 0, command.length);
    }

    private byte[] next() {
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        reader.nextItem(view);
        final byte[] bytes = new byte[view.capacity()];
        view.getBytes(0, bytes);
        return bytes;
    }

    @Test
    void shouldReadBackWhatTheWriterWrote() {
        final byte[] command = command(Command.COMPARE_AND_SWAP, Command.FLAG_EXPECT_ABSENT, 30, b("key"), b(""),
            b("new"));
        assertEquals(Command.HEADER_LENGTH + 3 * 4 + 6, command.length);
        assertTrue(read(command), reader.reason());
        assertEquals(Command.VERSION, reader.version());
        assertEquals(Command.COMPARE_AND_SWAP, reader.type());
        assertTrue(reader.expectAbsent());
        assertEquals(1_700_000_000_000L, reader.proposeTimeMs());
        assertEquals(7, reader.regionId());
        assertEquals(2, reader.confVer());
        assertEquals(3, reader.epochVersion());
        assertEquals(0xC1_1E47L, reader.clientId());
        assertEquals(42, reader.requestId());
        assertEquals(40, reader.firstIncompleteId());
        assertEquals(30, reader.ttlSeconds());
        assertEquals(3, reader.count());
        assertArrayEquals(b("key"), next());
        assertArrayEquals(b(""), next());
        assertArrayEquals(b("new"), next());
        assertThrows(IllegalStateException.class, this::next);
    }

    @Test
    void shouldAcceptEveryTypeWithItsCount() {
        assertTrue(read(command(Command.PUT, 0, 0, b("k"), b(""))), reader.reason());
        assertTrue(read(command(Command.BATCH_PUT, 0, 0)), reader.reason());
        assertTrue(read(command(Command.BATCH_PUT, 0, 0, b("a"), b("1"), b("b"), b("2"))), reader.reason());
        assertTrue(read(command(Command.DELETE, 0, 0, b("k"))), reader.reason());
        assertTrue(read(command(Command.BATCH_DELETE, 0, 0, b("a"), b("b"), b("c"))), reader.reason());
        assertTrue(read(command(Command.DELETE_RANGE, 0, 0, b(""), b(""))), "an open range: every key");
        assertTrue(read(command(Command.COMPARE_AND_SWAP, 0, 0, b("k"), b("old"), b("new"))), reader.reason());
    }

    @Test
    void shouldRefuseWrongCountsAndEmptyKeys() {
        assertFalse(read(command(Command.PUT, 0, 0, b("k"))));
        assertFalse(read(command(Command.PUT, 0, 0, b("k"), b("v"), b("x"))));
        assertFalse(read(command(Command.BATCH_PUT, 0, 0, b("a"), b("1"), b("b"))));
        assertFalse(read(command(Command.DELETE, 0, 0)));
        assertFalse(read(command(Command.DELETE_RANGE, 0, 0, b("a"))));
        assertFalse(read(command(Command.COMPARE_AND_SWAP, 0, 0, b("k"), b("v"))));
        assertFalse(read(command(Command.PUT, 0, 0, b(""), b("v"))));
        assertEquals("empty key", reader.reason());
        assertFalse(read(command(Command.BATCH_PUT, 0, 0, b("a"), b("1"), b(""), b("2"))));
        assertFalse(read(command(Command.BATCH_DELETE, 0, 0, b("a"), b(""))));
        assertFalse(read(command(Command.COMPARE_AND_SWAP, 0, 0, b(""), b("v"), b("w"))));
    }

    @Test
    void shouldRefuseUnknownVersionsTypesAndFlagsAndNegativeTtl() {
        final byte[] good = command(Command.PUT, 0, 0, b("k"), b("v"));
        for (final int version : new int[] {0, 1, 3, 255}) {
            final byte[] bad = good.clone();
            bad[0] = (byte)version;
            assertFalse(read(bad), "version " + version);
        }
        for (final int type : new int[] {0, Command.MAX_WRITE_TYPE + 1, Command.SPLIT - 1, Command.SPLIT + 1, 255}) {
            final byte[] bad = good.clone();
            bad[1] = (byte)type;
            assertFalse(read(bad), "type " + type);
        }
        for (final int flags : new int[] {2, 4, 0x80}) {
            final byte[] bad = good.clone();
            bad[2] = (byte)flags;
            assertFalse(read(bad), "flags " + flags);
        }
        final byte[] reserved = good.clone();
        reserved[3] = 1;
        assertFalse(read(reserved));
        assertFalse(read(command(Command.PUT, 0, -1, b("k"), b("v"))));
        assertEquals("negative ttl", reader.reason());
    }

    @Test
    void shouldReadASplitAndRefuseOneWithBadIdsOrAClientId() {
        final CommandWriter writer = new CommandWriter();
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(16);
        final int length = writer.begin(out, 0, Command.SPLIT, 0, 1, 7, 2, 3, 0, 42, 0, 0).item(b("rm")).id(9).id(91)
            .id(92).finish();
        final byte[] split = Arrays.copyOf(out.byteArray(), length);
        assertTrue(read(split), reader.reason());
        assertEquals(Command.SPLIT, reader.type());
        assertEquals(4, reader.count());
        assertArrayEquals(b("rm"), next());
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        assertEquals(9, reader.nextId(view));
        assertEquals(91, reader.nextId(view));
        assertEquals(92, reader.nextId(view));

        final int shortIdLength = writer.begin(out, 0, Command.SPLIT, 0, 1, 7, 2, 3, 0, 42, 0, 0).item(b("rm")).id(9)
            .item(b("1234567")).finish();
        assertFalse(read(Arrays.copyOf(out.byteArray(), shortIdLength)), "an id of 7 bytes");
        final int noPeersLength = writer.begin(out, 0, Command.SPLIT, 0, 1, 7, 2, 3, 0, 42, 0, 0).item(b("rm")).id(9)
            .finish();
        assertFalse(read(Arrays.copyOf(out.byteArray(), noPeersLength)), "a split with no peer");
        final int emptyKeyLength = writer.begin(out, 0, Command.SPLIT, 0, 1, 7, 2, 3, 0, 42, 0, 0).item(new byte[0])
            .id(9).id(91).finish();
        assertFalse(read(Arrays.copyOf(out.byteArray(), emptyKeyLength)), "an empty split key");
        final int withClientLength = writer.begin(out, 0, Command.SPLIT, 0, 1, 7, 2, 3, 5, 42, 0, 0).item(b("rm"))
            .id(9).id(91).finish();
        final byte[] withClient = Arrays.copyOf(out.byteArray(), withClientLength);
        assertFalse(read(withClient), "an admin command carries no client id");
    }

    @Test
    void shouldRefuseEveryCutAndEveryExtraByte() {
        final byte[] good = command(Command.BATCH_PUT, 0, 5, b("a"), b("one"), b("b"), b("two"));
        assertTrue(read(good));
        for (int cut = 0; cut < good.length; cut++) {
            assertFalse(read(Arrays.copyOf(good, cut)), "cut at " + cut);
            assertEquals(cut >= Command.HEADER_LENGTH, CommandReader.hasHeader(cut));
        }
        assertFalse(read(Arrays.copyOf(good, good.length + 1)));
    }

    @Test
    void shouldRefuseItemLengthsThatLeaveTheCommandIn64BitArithmetic() {
        final byte[] good = command(Command.PUT, 0, 0, b("k"), b("v"));
        for (final int length : new int[] {2, 1 << 30, Integer.MAX_VALUE, -1, -5}) {
            final byte[] bad = good.clone();
            new UnsafeBuffer(bad).putInt(Command.HEADER_LENGTH, length, ByteOrder.LITTLE_ENDIAN);
            assertFalse(read(bad), "key length " + length);
        }
        for (final int count : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, -1}) {
            final byte[] bad = good.clone();
            new UnsafeBuffer(bad).putInt(4, count, ByteOrder.LITTLE_ENDIAN);
            assertFalse(read(bad), "count " + count);
        }
    }

    @Test
    void shouldReadNothingPastTheCommandInALargerBuffer() {
        final byte[] good = command(Command.DELETE, 0, 0, b("key"));
        final byte[] padded = Arrays.copyOf(good, good.length + 64);
        Arrays.fill(padded, good.length, padded.length, (byte)0x7F);
        assertTrue(reader.wrap(new UnsafeBuffer(padded), 0, good.length));
        assertFalse(reader.wrap(new UnsafeBuffer(padded), 0, good.length + 4), "bytes after the items");
    }

    @Test
    void shouldNeverThrowOnRandomBytes() {
        final Random random = new Random(11);
        final byte[] good = command(Command.BATCH_PUT, 0, 0, b("a"), b("1"), b("b"), b("2"));
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            final byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
            } else {
                bytes = good.clone();
                bytes[random.nextInt(bytes.length)] = (byte)random.nextInt(256);
            }
            if (read(bytes)) {
                accepted++;
                for (int item = 0; item < reader.count(); item++) {
                    next();
                }
            }
        }
        assertTrue(accepted > 0, "mutations of fields like the time or ids leave a valid command");
    }
}
