package io.tkv.server.pd;

import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.PeerRole;
import io.tkv.codec.RegionHeartbeatDecoder;
import io.tkv.codec.RegionListDecoder;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a RegionHeartbeat frame into the {@code pd} module's {@link RegionInfo}, checking everything the network
 * sent before any of it reaches the registry: the region is one RegionList entry (validated as a frame first) with
 * 1 to {@link #MAX_PEERS} peers on distinct stores and with distinct positive ids, keys within the bound and in order,
 * a non-negative epoch, the leader one of its voters and on the sending store, down and pending peers (at most one
 * entry per peer) peers of the region, sizes not negative. Anything else is refused with the reason. One thread.
 */
final class RegionHeartbeatParser {
    /** The most peers a region has (and so the most down or pending peers a heartbeat names). */
    static final int MAX_PEERS = Protocol.PD_MAX_GROUP_ENTRIES;

    private final FrameValidator validator = Protocol.regionListValidator();
    private final RegionListDecoder regionList = new RegionListDecoder();
    private final UnsafeBuffer regionView = new UnsafeBuffer(0, 0);
    private final int maxKeyBytes;

    /** @param maxKeyBytes the longest region boundary key taken. */
    RegionHeartbeatParser(final int maxKeyBytes) {
        this.maxKeyBytes = maxKeyBytes;
    }

    /**
     * @param heartbeat the frame, wrapped (its groups not read yet).
     * @return the region as reported.
     * @throws IllegalArgumentException naming what is wrong.
     */
    RegionInfo parse(final RegionHeartbeatDecoder heartbeat) {
        final long storeId = heartbeat.storeId();
        final long leaderPeerId = heartbeat.leaderPeerId();
        final long term = heartbeat.term();
        final long size = heartbeat.approximateSize();
        final long keys = heartbeat.approximateKeys();
        final long bytesWritten = heartbeat.bytesWritten();
        final long keysWritten = heartbeat.keysWritten();
        require(term >= 0 && size >= 0 && keys >= 0 && bytesWritten >= 0 && keysWritten >= 0,
            "term, sizes and written counts must not be negative");
        final RegionHeartbeatDecoder.DownPeersDecoder down = heartbeat.downPeers();
        require(down.count() <= MAX_PEERS, down.count() + " down peers, at most " + MAX_PEERS);
        final long[] downIds = new long[down.count()];
        for (int i = 0; i < downIds.length; i++) {
            downIds[i] = down.next().peerId();
        }
        final RegionHeartbeatDecoder.PendingPeersDecoder pending = heartbeat.pendingPeers();
        require(pending.count() <= MAX_PEERS, pending.count() + " pending peers, at most " + MAX_PEERS);
        final long[] pendingIds = new long[pending.count()];
        for (int i = 0; i < pendingIds.length; i++) {
            pendingIds[i] = pending.next().peerId();
        }
        heartbeat.wrapRegion(regionView);
        final RegionInfo.Builder region = readRegion(storeId, leaderPeerId);
        final RegionInfo parsed = region.leaderTerm(term).approximate(size, keys).written(bytesWritten, keysWritten)
            .build();
        region.downPeers(peersOf(parsed, downIds, "down"));
        region.pendingPeers(peersOf(parsed, pendingIds, "pending"));
        return region.build();
    }

    private RegionInfo.Builder readRegion(final long storeId, final long leaderPeerId) {
        require(regionView.capacity() > 0, "no region in the heartbeat");
        require(validator.validate(regionView, 0, regionView.capacity()) == FrameValidator.VALID,
            "region: " + validator.lastError());
        regionList.wrap(regionView, MessageHeaderDecoder.ENCODED_LENGTH, validator.blockLength(), validator.version());
        final RegionListDecoder.RegionsDecoder regions = regionList.regions();
        require(regions.count() == 1, "a heartbeat carries one region, not " + regions.count());
        final RegionListDecoder.RegionsDecoder r = regions.next();
        final long regionId = r.regionId();
        final long confVer = r.confVer();
        final long version = r.version();
        final long leaderStoreId = r.leaderStoreId();
        require(regionId > 0, "region id " + regionId + " must be positive");
        require(confVer >= 0 && version >= 0, "region " + regionId + ": negative epoch");
        require(leaderStoreId == 0 || leaderStoreId == storeId,
            "region " + regionId + " names store " + leaderStoreId + " its leader, but store " + storeId + " sent it");
        final RegionListDecoder.RegionsDecoder.PeersDecoder peers = r.peers();
        require(peers.count() >= 1 && peers.count() <= MAX_PEERS,
            "region " + regionId + " has " + peers.count() + " peers, not 1 to " + MAX_PEERS);
        final List<Peer> list = new ArrayList<>(peers.count());
        Peer leader = null;
        for (final RegionListDecoder.RegionsDecoder.PeersDecoder p : peers) {
            final long peerId = p.peerId();
            final long peerStore = p.storeId();
            final PeerRole role = p.role();
            require(peerId > 0 && peerStore > 0, "region " + regionId + ": peer ids and store ids must be positive");
            require(role == PeerRole.VOTER || role == PeerRole.LEARNER, "region " + regionId + ": unknown peer role");
            for (final Peer other : list) {
                require(other.peerId() != peerId && other.storeId() != peerStore,
                    "region " + regionId + ": two peers share an id or a store");
            }
            final Peer peer = role == PeerRole.VOTER ? Peer.voter(peerId, peerStore) : Peer.learner(peerId, peerStore);
            list.add(peer);
            if (peerId == leaderPeerId) {
                leader = peer;
            }
        }
        require(leader != null && leader.isVoter() && leader.storeId() == storeId,
            "region " + regionId + ": leader peer " + leaderPeerId + " is not a voter of it on store " + storeId);
        final byte[] start = key(r.startKeyLength(), regionId, "start");
        r.getStartKey(start, 0, start.length);
        final byte[] end = key(r.endKeyLength(), regionId, "end");
        r.getEndKey(end, 0, end.length);
        require(end.length == 0 || Arrays.compareUnsigned(start, end) < 0,
            "region " + regionId + ": start key not before its end key");
        return RegionInfo.builder(regionId).range(start, end).epoch(confVer, version).peers(list).leader(leader);
    }

    private byte[] key(final int length, final long regionId, final String which) {
        require(length <= maxKeyBytes, "region " + regionId + ": " + which + " key of " + length + " bytes, at most "
            + maxKeyBytes);
        return new byte[length];
    }

    private static List<Peer> peersOf(final RegionInfo region, final long[] ids, final String what) {
        final List<Peer> out = new ArrayList<>(ids.length);
        for (final long id : ids) {
            Peer found = null;
            for (final Peer p : region.peers()) {
                if (p.peerId() == id) {
                    found = p;
                }
            }
            require(found != null, "region " + region.id() + ": " + what + " peer " + id + " is not one of its peers");
            require(!out.contains(found), "region " + region.id() + ": " + what + " peer " + id + " named twice");
            out.add(found);
        }
        return out;
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
