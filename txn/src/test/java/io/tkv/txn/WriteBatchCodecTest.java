package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tkv.storage.ColumnFamily;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class WriteBatchCodecTest {
    @Test
    void shouldRoundTripPutsAndDeletesOfEveryFamilyInOrder() {
        final byte[] key = TxnKeys.encode(new byte[] {1, 2});
        final List<Modify> modifies = List.of(
            new Modify(ColumnFamily.LOCK, key, new Lock(LockType.PUT, key, 10, 3_000, 0, 1, 0).encode()),
            new Modify(ColumnFamily.DEFAULT, TxnKeys.withTs(key, 10), new byte[300]),
            new Modify(ColumnFamily.WRITE, TxnKeys.withTs(key, 11), Write.rollback(10, true).encode()),
            new Modify(ColumnFamily.LOCK, key, null),
            new Modify(ColumnFamily.WRITE, TxnKeys.withTs(key, 9), null),
            new Modify(ColumnFamily.DEFAULT, TxnKeys.withTs(key, 8), new byte[0]));
        assertSame(modifies, WriteBatchCodec.decode(WriteBatchCodec.encode(modifies)));
        assertEquals(List.of(), WriteBatchCodec.decode(WriteBatchCodec.encode(List.of())));
    }

    @Test
    void shouldRefuseToEncodeWhatABatchMayNotHold() {
        final byte[] raw = {'r', 1};
        assertThrows(IllegalArgumentException.class,
            () -> WriteBatchCodec.encode(List.of(new Modify(ColumnFamily.DEFAULT, raw, raw))));
        final byte[] key = TxnKeys.encode(new byte[] {1});
        assertThrows(IllegalArgumentException.class,
            () -> WriteBatchCodec.encode(List.of(new Modify(ColumnFamily.RAFT, key, key))));
    }

    @Test
    void shouldRefuseEveryTruncationAndTrailingBytes() {
        final byte[] valid = WriteBatchCodec.encode(sample(new SplittableRandom(7), 5));
        for (int length = 0; length < valid.length; length++) {
            final byte[] cut = Arrays.copyOf(valid, length);
            assertThrows(MalformedRecordException.class, () -> WriteBatchCodec.decode(cut), "length " + length);
        }
        final byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        assertThrows(MalformedRecordException.class, () -> WriteBatchCodec.decode(trailing));
    }

    @Test
    void shouldRefuseUnknownVersionOpFamilyAndKeysOutsideTheTxnSpace() {
        final byte[] key = TxnKeys.encode(new byte[] {1});
        final byte[] valid = WriteBatchCodec.encode(List.of(new Modify(ColumnFamily.LOCK, key, null)));
        // version, count, op, cf, key length, key...
        assertRefused(valid, 0, 2, "unknown version");
        assertRefused(valid, 2, 2, "unknown op");
        assertRefused(valid, 3, 3, "unknown column family");
        assertRefused(valid, 5, 'r', "outside the transactional space");
        assertRefused(new byte[] {1, (byte)0xFF, (byte)0xFF, 0x7F}, 1, (byte)0xFF, "cannot fit");
        final byte[] emptyKey = {1, 1, 1, 1, 0};
        assertThrows(MalformedRecordException.class, () -> WriteBatchCodec.decode(emptyKey));
    }

    /**
     * Random and mutated batches: the decoder either returns modifications or throws MalformedRecordException, never
     * anything else, and what it returns re-encodes to a batch that decodes the same.
     */
    @Test
    void shouldNeverFailOtherwiseOnFuzzedInput() {
        final SplittableRandom random = new SplittableRandom(42);
        int decoded = 0;
        for (int round = 0; round < 20_000; round++) {
            final byte[] input;
            if (round % 4 == 0) {
                input = new byte[random.nextInt(40)];
                random.nextBytes(input);
                if (input.length > 0) {
                    input[0] = 1;
                }
            } else {
                input = WriteBatchCodec.encode(sample(random, 1 + random.nextInt(4)));
                final int flips = 1 + random.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    input[random.nextInt(input.length)] = (byte)random.nextInt(256);
                }
            }
            final List<Modify> modifies;
            try {
                modifies = WriteBatchCodec.decode(input);
            } catch (final MalformedRecordException expected) {
                continue;
            }
            decoded++;
            assertSame(modifies, WriteBatchCodec.decode(WriteBatchCodec.encode(modifies)));
        }
        // The mutations must not all be caught at the first byte: some survive and are checked above.
        assertEquals(true, decoded > 100, "only " + decoded + " fuzzed batches decoded");
    }

    private static void assertRefused(final byte[] valid, final int index, final int value, final String why) {
        final byte[] bad = valid.clone();
        bad[index] = (byte)value;
        final MalformedRecordException ex =
            assertThrows(MalformedRecordException.class, () -> WriteBatchCodec.decode(bad));
        assertEquals(true, ex.getMessage().contains(why), ex.getMessage());
    }

    private static List<Modify> sample(final SplittableRandom random, final int count) {
        final ColumnFamily[] families = {ColumnFamily.DEFAULT, ColumnFamily.LOCK, ColumnFamily.WRITE};
        final List<Modify> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final byte[] userKey = new byte[random.nextInt(6)];
            random.nextBytes(userKey);
            byte[] value = null;
            if (random.nextBoolean()) {
                value = new byte[random.nextInt(10)];
                random.nextBytes(value);
            }
            out.add(new Modify(families[random.nextInt(3)], TxnKeys.encode(userKey), value));
        }
        return out;
    }

    private static void assertSame(final List<Modify> expected, final List<Modify> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).family(), actual.get(i).family(), "modify " + i);
            assertArrayEquals(expected.get(i).key(), actual.get(i).key(), "modify " + i);
            assertArrayEquals(expected.get(i).value(), actual.get(i).value(), "modify " + i);
        }
    }
}
