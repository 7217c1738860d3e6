package io.tkv.storage;

import io.tkv.codec.keys.KeySpace;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionDescriptorTest {
    private static final List<RegionDescriptor.Peer> PEERS = List.of(
        new RegionDescriptor.Peer(11, 1, RegionDescriptor.Role.VOTER),
        new RegionDescriptor.Peer(12, 2, RegionDescriptor.Role.VOTER),
        new RegionDescriptor.Peer(13, 3, RegionDescriptor.Role.LEARNER));

    @TempDir
    Path dir;

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static UnsafeBuffer u(final String text) {
        return new UnsafeBuffer(b(text));
    }

    /** A region over the raw keys [b, m): stored keys ['rb', 'rm'). */
    private static RegionDescriptor bToM() {
        return new RegionDescriptor(7, b("rb"), b("rm"), 3, 5, PEERS);
    }

    private static boolean hasRaw(final RegionDescriptor region, final String key) {
        return region.containsKey(KeySpace.RAW, u(key), 0, key.length());
    }

    private static boolean hasRawRange(final RegionDescriptor region, final String start, final String end) {
        return region.containsRange(KeySpace.RAW, u(start), 0, start.length(), u(end), 0, end.length());
    }

    @Test
    void shouldRoundTripItsPersistedForm() {
        final RegionDescriptor region = bToM();
        final RegionDescriptor decoded = RegionDescriptor.decode(7, region.encode());
        assertEquals(region, decoded);
        assertArrayEquals(b("rb"), decoded.start());
        assertArrayEquals(b("rm"), decoded.end());
        assertEquals(3, decoded.confVer());
        assertEquals(5, decoded.version());
        assertEquals(PEERS, decoded.peers());
        assertArrayEquals(new long[] {11, 12}, decoded.voterIds());
        assertArrayEquals(new long[] {13}, decoded.learnerIds());
        assertEquals(12, decoded.peerOnStore(2).id());
        assertNull(decoded.peerOnStore(4));
        assertEquals(KeyRange.of(b("rb"), b("rm")), decoded.range());
    }

    @Test
    void shouldRefuseCorruptValues() {
        final byte[] good = bToM().encode();
        assertThrows(StorageException.class, () -> RegionDescriptor.decode(8, good), "stored under another id");
        for (int cut = 0; cut < good.length; cut++) {
            final byte[] cutValue = Arrays.copyOf(good, cut);
            assertThrows(StorageException.class, () -> RegionDescriptor.decode(7, cutValue), "cut at " + cut);
        }
        assertThrows(StorageException.class, () -> RegionDescriptor.decode(7, Arrays.copyOf(good, good.length + 1)));
        final byte[] format = good.clone();
        format[0] = 2;
        assertThrows(StorageException.class, () -> RegionDescriptor.decode(7, format));
        final byte[] role = good.clone();
        role[role.length - 1] = 9;
        assertThrows(StorageException.class, () -> RegionDescriptor.decode(7, role));
    }

    @Test
    void shouldRefuseImpossibleRegions() {
        assertThrows(IllegalArgumentException.class, () -> new RegionDescriptor(1, b("rm"), b("rb"), 1, 1, PEERS));
        assertThrows(IllegalArgumentException.class, () -> new RegionDescriptor(1, b("rb"), b("rb"), 1, 1, PEERS));
        assertThrows(IllegalArgumentException.class, () -> new RegionDescriptor(1, b(""), b(""), 0, 1, PEERS));
        assertThrows(IllegalArgumentException.class, () -> new RegionDescriptor(1, b(""), b(""), 1, 1,
            List.of(PEERS.get(0), new RegionDescriptor.Peer(14, 1, RegionDescriptor.Role.LEARNER))),
            "two peers on one store");
    }

    @Test
    void shouldPlaceRawKeysByTheirStoredForm() {
        final RegionDescriptor region = bToM();
        assertFalse(hasRaw(region, "a"));
        assertFalse(hasRaw(region, "azzzz"));
        assertTrue(hasRaw(region, "b"), "the start is inclusive");
        assertTrue(hasRaw(region, "b\0"));
        assertTrue(hasRaw(region, "lzzzz"));
        assertFalse(hasRaw(region, "m"), "the end is exclusive");
        assertFalse(hasRaw(region, "z"));
        assertFalse(hasRaw(region, ""), "the empty raw key is 'r', before 'rb'");

        final RegionDescriptor whole = RegionDescriptor.founding(1, new long[] {1, 2, 3});
        assertTrue(hasRaw(whole, ""));
        assertTrue(hasRaw(whole, "\u00ff\u00ff"));
        assertArrayEquals(new long[] {1, 2, 3}, whole.voterIds());

        final RegionDescriptor before = new RegionDescriptor(2, b(""), b("rb"), 1, 2, PEERS);
        assertTrue(hasRaw(before, ""));
        assertTrue(hasRaw(before, "a"));
        assertFalse(hasRaw(before, "b"));
        final RegionDescriptor after = new RegionDescriptor(3, b("rm"), b(""), 1, 2, PEERS);
        assertTrue(hasRaw(after, "m"));
        assertTrue(hasRaw(after, "zz"));
        assertFalse(hasRaw(after, "l"));
    }

    @Test
    void shouldContainOnlyRangesWithinIt() {
        final RegionDescriptor region = bToM();
        assertTrue(hasRawRange(region, "b", "m"));
        assertTrue(hasRawRange(region, "c", "d"));
        assertFalse(hasRawRange(region, "a", "d"), "starts before");
        assertFalse(hasRawRange(region, "c", "n"), "ends after");
        assertFalse(hasRawRange(region, "c", ""), "runs to the end of the raw space");
        assertFalse(hasRawRange(region, "m", "n"), "starts at the end");

        final RegionDescriptor tail = new RegionDescriptor(3, b("rm"), b("s"), 1, 2, PEERS);
        assertTrue(hasRawRange(tail, "m", ""), "reaches the end of the raw space");
        final RegionDescriptor pastRaw = new RegionDescriptor(4, b("rm"), b("x"), 1, 2, PEERS);
        assertTrue(hasRawRange(pastRaw, "m", ""));
        final RegionDescriptor shortOfRaw = new RegionDescriptor(5, b("rm"), b("r\u00ff"), 1, 2, PEERS);
        assertFalse(hasRawRange(shortOfRaw, "m", ""));
        assertTrue(hasRawRange(RegionDescriptor.founding(1, new long[] {1}), "", ""));
    }

    @Test
    void shouldPersistWithTheAppliedIndexAndTravelWithASnapshot() {
        try (StorageEngine engine = StorageEngine.open(RawKvTestSupport.smallConfig(dir.resolve("source")));
             StorageEngine target = StorageEngine.open(RawKvTestSupport.smallConfig(dir.resolve("target")));
             ApplyBatch batch = new ApplyBatch(engine, DedupTable.load(engine))) {
            final RegionDescriptor region = bToM();
            final RegionDescriptor other = new RegionDescriptor(9, b("rm"), b(""), 1, 5, PEERS);
            assertNull(RegionDescriptor.load(engine, 7));
            final RegionApplyState state = RegionApplyState.load(engine, 7);
            batch.begin(state);
            assertThrows(IllegalStateException.class, () -> batch.putRegion(region), "no entry begun");
            batch.beginEntry(1, 1, ApplyTestSupport.T0);
            assertThrows(IllegalArgumentException.class, () -> batch.putRegion(other), "another region's");
            for (final String key : List.of("a", "c", "k", "n")) {
                batch.put(u(key), 0, key.length(), u("v"), 0, 1, 0);
            }
            batch.putRegion(region);
            batch.commit();
            RegionDescriptor.persistFounding(engine, other);
            assertEquals(region, RegionDescriptor.load(engine, 7));
            assertEquals(List.of(region, other), RegionDescriptor.loadAll(engine));

            final Path snapshot = dir.resolve("snapshot");
            final SnapshotDescriptor exported = new RegionSnapshot(engine, DedupTable.load(engine)).export(7, snapshot);
            assertEquals(region.range(), exported.dataRange(), "the snapshot covers the region's range only");
            new RegionSnapshot(target, DedupTable.load(target)).ingest(7, snapshot, exported);
            assertEquals(region, RegionDescriptor.load(target, 7), "the descriptor travels in the region's band");
            assertEquals(List.of("rc", "rk"), ApplyTestSupport.dump(target, ColumnFamily.DEFAULT).keySet().stream()
                .map(hex -> new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8)).toList());
        }
    }
}
