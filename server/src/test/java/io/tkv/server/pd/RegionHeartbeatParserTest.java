package io.tkv.server.pd;

import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.PeerRole;
import io.tkv.codec.RegionHeartbeatDecoder;
import io.tkv.codec.RegionHeartbeatEncoder;
import io.tkv.codec.RegionListEncoder;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionHeartbeatParserTest {
    private static final int MAX_KEY = 64;

    /** What a test changes of a sound heartbeat of region 7 ([a, m), epoch 3/4, peers 71..73 on 1..3, leader 71). */
    private static final class Spec {
        long storeId = 1;
        long leaderPeerId = 71;
        long leaderStoreId = 1;
        long regionId = 7;
        long confVer = 3;
        long term = 9;
        long size = 100;
        long bytesWritten = 4_096;
        long keysWritten = 32;
        byte[] start = bytes("a");
        byte[] end = bytes("m");
        List<long[]> peers = new ArrayList<>(List.of(new long[] {71, 1, 0}, new long[] {72, 2, 0},
            new long[] {73, 3, 1}));
        long[] down = {72};
        long[] pending = {73};
        int regions = 1;
    }

    private final RegionHeartbeatParser parser = new RegionHeartbeatParser(MAX_KEY);

    @Test
    void shouldReadASoundHeartbeatIntoTheRegistrysRegion() {
        final RegionInfo region = parser.parse(frame(spec -> { }));
        assertEquals(7, region.id());
        assertArrayEquals(bytes("a"), region.startKey());
        assertArrayEquals(bytes("m"), region.endKey());
        assertEquals(3, region.epoch().confVer());
        assertEquals(4, region.epoch().version());
        assertEquals(List.of(Peer.voter(71, 1), Peer.voter(72, 2), Peer.learner(73, 3)), region.peers());
        assertEquals(Peer.voter(71, 1), region.leader());
        assertEquals(9, region.leaderTerm());
        assertEquals(100, region.approximateSizeBytes());
        assertEquals(4_096, region.writtenBytes(), "written since the region's previous heartbeat");
        assertEquals(32, region.writtenKeys());
        assertEquals(List.of(Peer.voter(72, 2)), region.downPeers());
        assertEquals(List.of(Peer.learner(73, 3)), region.pendingPeers());
        assertEquals(0, parser.parse(frame(spec -> spec.end = new byte[0])).endKey().length, "no end");
    }

    @Test
    void shouldRefuseWhatTheNetworkMustNotHandTheRegistry() {
        final List<Consumer<Spec>> bad = List.of(
            spec -> spec.leaderPeerId = 99,
            spec -> spec.leaderPeerId = 73,
            spec -> spec.storeId = 2,
            spec -> spec.leaderStoreId = 3,
            spec -> spec.regionId = 0,
            spec -> spec.confVer = -1,
            spec -> spec.term = -1,
            spec -> spec.size = -5,
            spec -> spec.bytesWritten = -1,
            spec -> spec.keysWritten = -1,
            spec -> spec.start = bytes("z"),
            spec -> spec.end = bytes("a"),
            spec -> spec.start = new byte[MAX_KEY + 1],
            spec -> spec.peers.add(new long[] {74, 1, 0}),
            spec -> spec.peers.add(new long[] {71, 4, 0}),
            spec -> spec.peers.add(new long[] {0, 4, 0}),
            spec -> spec.peers.add(new long[] {75, 5, 7}),
            spec -> spec.down = new long[] {99},
            spec -> spec.pending = new long[] {73, 73},
            spec -> {
                for (int i = 4; i <= RegionHeartbeatParser.MAX_PEERS + 1; i++) {
                    spec.peers.add(new long[] {70 + i, i, 1});
                }
            },
            spec -> spec.down = new long[RegionHeartbeatParser.MAX_PEERS + 1],
            spec -> spec.regions = 2,
            spec -> spec.regions = 0);
        for (int i = 0; i < bad.size(); i++) {
            final RegionHeartbeatDecoder heartbeat = frame(bad.get(i));
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> parser.parse(heartbeat), "case " + i);
            assertTrue(ex.getMessage() != null && !ex.getMessage().isEmpty(), "case " + i + " says why");
        }
    }

    private static RegionHeartbeatDecoder frame(final Consumer<Spec> change) {
        final Spec spec = new Spec();
        change.accept(spec);
        final ExpandableArrayBuffer list = new ExpandableArrayBuffer(256);
        final RegionListEncoder regionList = new RegionListEncoder().wrapAndApplyHeader(list, 0,
            new MessageHeaderEncoder());
        final RegionListEncoder.RegionsEncoder regions = regionList.regionsCount(spec.regions);
        for (int r = 0; r < spec.regions; r++) {
            regions.next().regionId(spec.regionId + r).confVer(spec.confVer).version(4)
                .leaderStoreId(spec.leaderStoreId);
            final RegionListEncoder.RegionsEncoder.PeersEncoder peers = regions.peersCount(spec.peers.size());
            for (final long[] p : spec.peers) {
                peers.next().peerId(p[0]).storeId(p[1]).role(p[2] == 0 ? PeerRole.VOTER
                    : p[2] == 1 ? PeerRole.LEARNER : PeerRole.NULL_VAL);
            }
            regions.putStartKey(spec.start, 0, spec.start.length).putEndKey(spec.end, 0, spec.end.length);
        }
        final int listLength = MessageHeaderEncoder.ENCODED_LENGTH + regionList.encodedLength();

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
        final RegionHeartbeatEncoder encoder = new RegionHeartbeatEncoder().wrapAndApplyHeader(buffer, 0,
            new MessageHeaderEncoder()).correlationId(1).sessionToken(2).storeId(spec.storeId)
            .leaderPeerId(spec.leaderPeerId).term(spec.term).approximateSize(spec.size).approximateKeys(1)
            .bytesWritten(spec.bytesWritten).keysWritten(spec.keysWritten);
        final RegionHeartbeatEncoder.DownPeersEncoder down = encoder.downPeersCount(spec.down.length);
        for (final long id : spec.down) {
            down.next().peerId(id).downSeconds(60);
        }
        final RegionHeartbeatEncoder.PendingPeersEncoder pending = encoder.pendingPeersCount(spec.pending.length);
        for (final long id : spec.pending) {
            pending.next().peerId(id);
        }
        encoder.putRegion(list, 0, listLength);
        return new RegionHeartbeatDecoder().wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH,
            RegionHeartbeatEncoder.BLOCK_LENGTH, RegionHeartbeatEncoder.SCHEMA_VERSION);
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
