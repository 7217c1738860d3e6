package io.tkv.client;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.PeerRole;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.RegionListEncoder;
import io.tkv.codec.Status;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The regions of a fake cluster, shared by its {@link FakeStore}s: checked as a real store checks a request (region
 * here, epoch version, keys in range), split on demand, and described in RegionLists for refusals and LocateRegion.
 * Ranges are over stored keys ({@code 'r' + key}).
 */
final class FakeRegions {
    /** A region: mutable by the test thread (split), read by the stores' threads. */
    record Region(long id, byte[] start, byte[] end, long confVer, long version, long leaderStoreId, long[] stores) {
        boolean contains(final byte[] stored) {
            return Arrays.compareUnsigned(stored, start) >= 0 && (end.length == 0 || Arrays.compareUnsigned(stored,
                end) < 0);
        }

        boolean onStore(final long storeId) {
            for (final long store : stores) {
                if (store == storeId) {
                    return true;
                }
            }
            return false;
        }

        RegionInfo info() {
            final List<RegionInfo.Peer> peers = new ArrayList<>();
            for (final long store : stores) {
                peers.add(new RegionInfo.Peer(id * 100 + store, store, false));
            }
            return new RegionInfo(id, start, end, confVer, version, leaderStoreId, peers);
        }
    }

    private final List<Region> regions = new CopyOnWriteArrayList<>();
    private final Set<Long> leaderUnlisted = ConcurrentHashMap.newKeySet();
    private volatile Status lastRefusal;

    /** One region over every key, led by {@code leaderStoreId}, on these stores. */
    FakeRegions(final long leaderStoreId, final long... stores) {
        regions.add(new Region(1, new byte[0], new byte[0], 1, 1, leaderStoreId, stores));
    }

    /** Splits the region holding the RawKV key at it; the new region takes the key and those after. */
    synchronized void split(final String userKey, final long newRegionId) {
        final byte[] at = RawKeys.stored(userKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        final Region parent = find(at);
        regions.remove(parent);
        regions.add(new Region(parent.id(), parent.start(), at, parent.confVer(), parent.version() + 1,
            parent.leaderStoreId(), parent.stores()));
        regions.add(new Region(newRegionId, at, parent.end(), parent.confVer(), parent.version() + 1,
            parent.leaderStoreId(), parent.stores()));
    }

    /** Moves a region's leader. */
    synchronized void leader(final long regionId, final long storeId) {
        final Region region = byId(regionId);
        regions.remove(region);
        regions.add(new Region(region.id(), region.start(), region.end(), region.confVer(), region.version(),
            storeId, region.stores()));
    }

    /** Moves a region's replicas to these stores, led by {@code leaderStoreId} (its conf version goes up). */
    synchronized void place(final long regionId, final long leaderStoreId, final long... stores) {
        final Region region = byId(regionId);
        regions.remove(region);
        regions.add(new Region(region.id(), region.start(), region.end(), region.confVer() + 1, region.version(),
            leaderStoreId, stores.clone()));
    }

    /**
     * The stores describe the region with no leader (0) in refusals and LocateRegion answers, as a store does for a
     * region a split just made whose election it has not seen end; requests still find its leader by trying.
     */
    void leaderUnlisted(final long regionId) {
        leaderUnlisted.add(regionId);
    }

    /** @return the region as the stores list it (its leader hidden if {@link #leaderUnlisted}). */
    RegionInfo listed(final Region region) {
        final RegionInfo info = region.info();
        return leaderUnlisted.contains(region.id()) ? new RegionInfo(info.regionId(), info.startKey(), info.endKey(),
            info.confVer(), info.version(), 0, info.peers()) : info;
    }

    Region byId(final long regionId) {
        for (final Region region : regions) {
            if (region.id() == regionId) {
                return region;
            }
        }
        return null;
    }

    Region find(final byte[] stored) {
        for (final Region region : regions) {
            if (region.contains(stored)) {
                return region;
            }
        }
        return null;
    }

    int size() {
        return regions.size();
    }

    /** @return the last status a check refused with, or null. */
    Status lastRefusal() {
        return lastRefusal;
    }

    /**
     * Checks a RawKV request on store {@code storeId}.
     *
     * @return null when it may run; else the refusal: status, the regions to carry, and NOT_LEADER's hint.
     */
    Refusal check(final long storeId, final int templateId, final DirectBuffer buffer, final int body,
        final int blockLength, final int version) {
        final int regionOffset = body + RawGetDecoder.regionEncodingOffset();
        final long regionId = buffer.getLong(regionOffset, ByteOrder.LITTLE_ENDIAN);
        final long epochVersion = buffer.getLong(regionOffset + 2 * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
        final Region region = byId(regionId);
        if (region == null || !region.onStore(storeId)) {
            return refuse(Status.REGION_NOT_FOUND, List.of(), 0);
        }
        if (region.leaderStoreId() != storeId) {
            return refuse(Status.NOT_LEADER, List.of(), region.leaderStoreId());
        }
        if (region.version() != epochVersion) {
            return refuse(Status.EPOCH_NOT_MATCH, around(region, storeId), 0);
        }
        final List<byte[]> keys = new ArrayList<>();
        final byte[][] range = keysOf(templateId, buffer, body, blockLength, version, keys);
        boolean fits = true;
        for (final byte[] key : keys) {
            fits &= region.contains(RawKeys.stored(key));
        }
        if (range != null) {
            final byte[] start = RawKeys.stored(range[0]);
            fits &= region.contains(start);
            if (range[1].length == 0) {
                fits &= region.end().length == 0 || (region.end()[0] & 0xFF) > 'r';
            } else if (region.end().length != 0) {
                fits &= Arrays.compareUnsigned(RawKeys.stored(range[1]), region.end()) <= 0;
            }
        }
        return fits ? null : refuse(Status.KEY_NOT_IN_REGION, around(region, storeId), 0);
    }

    /** @return a LocateRegion answer's regions for a stored key: the region holding it, if it is on the store. */
    List<Region> locate(final long storeId, final byte[] stored) {
        final Region region = find(stored);
        return region == null || !region.onStore(storeId) ? List.of() : List.of(region);
    }

    /** A refusal of a request. */
    record Refusal(Status status, List<Region> regions, long leaderStoreId) {
    }

    private Refusal refuse(final Status status, final List<Region> carried, final long leader) {
        lastRefusal = status;
        return new Refusal(status, carried, leader);
    }

    /** @return the region and its neighbours by key on the store, as a store sends them. */
    private List<Region> around(final Region region, final long storeId) {
        final List<Region> sorted = new ArrayList<>(regions.stream().filter(r -> r.onStore(storeId)).toList());
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.start(), b.start()));
        final int at = sorted.indexOf(region);
        return sorted.subList(Math.max(0, at - 1), Math.min(sorted.size(), at + 2));
    }

    /** Encodes regions as a RegionList frame, as the stores list them. */
    byte[] encode(final List<Region> regions) {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
        final RegionListEncoder encoder = new RegionListEncoder().wrapAndApplyHeader(out, 0,
            new MessageHeaderEncoder());
        final RegionListEncoder.RegionsEncoder group = encoder.regionsCount(regions.size());
        for (final Region region : regions) {
            group.next().regionId(region.id()).confVer(region.confVer()).version(region.version())
                .leaderStoreId(listed(region).leaderStoreId());
            final RegionListEncoder.RegionsEncoder.PeersEncoder peers = group.peersCount(region.stores().length);
            for (final long store : region.stores()) {
                peers.next().peerId(region.id() * 100 + store).storeId(store).role(PeerRole.VOTER);
            }
            group.putStartKey(region.start(), 0, region.start().length).putEndKey(region.end(), 0,
                region.end().length);
        }
        final byte[] frame = new byte[MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()];
        out.getBytes(0, frame);
        return frame;
    }

    /** @return a range request's {start, end}; the keys of a key request go to {@code keys}. */
    private static byte[][] keysOf(final int templateId, final DirectBuffer buffer, final int body,
        final int blockLength, final int version, final List<byte[]> keys) {
        switch (templateId) {
            case RawGetDecoder.TEMPLATE_ID -> {
                final RawGetDecoder d = new RawGetDecoder().wrap(buffer, body, blockLength, version);
                keys.add(bytes(d.keyLength(), d::getKey));
            }
            case RawPutDecoder.TEMPLATE_ID -> {
                final RawPutDecoder d = new RawPutDecoder().wrap(buffer, body, blockLength, version);
                keys.add(bytes(d.keyLength(), d::getKey));
            }
            case RawDeleteDecoder.TEMPLATE_ID -> {
                final RawDeleteDecoder d = new RawDeleteDecoder().wrap(buffer, body, blockLength, version);
                keys.add(bytes(d.keyLength(), d::getKey));
            }
            case RawCompareAndSwapDecoder.TEMPLATE_ID -> {
                final RawCompareAndSwapDecoder d =
                    new RawCompareAndSwapDecoder().wrap(buffer, body, blockLength, version);
                keys.add(bytes(d.keyLength(), d::getKey));
            }
            case RawBatchGetDecoder.TEMPLATE_ID -> {
                for (final RawBatchGetDecoder.KeysDecoder k :
                    new RawBatchGetDecoder().wrap(buffer, body, blockLength, version).keys()) {
                    keys.add(bytes(k.keyLength(), k::getKey));
                }
            }
            case RawBatchDeleteDecoder.TEMPLATE_ID -> {
                for (final RawBatchDeleteDecoder.KeysDecoder k :
                    new RawBatchDeleteDecoder().wrap(buffer, body, blockLength, version).keys()) {
                    keys.add(bytes(k.keyLength(), k::getKey));
                }
            }
            case RawBatchPutDecoder.TEMPLATE_ID -> {
                for (final RawBatchPutDecoder.PairsDecoder p :
                    new RawBatchPutDecoder().wrap(buffer, body, blockLength, version).pairs()) {
                    keys.add(bytes(p.keyLength(), p::getKey));
                    p.skipValue();
                }
            }
            case RawScanDecoder.TEMPLATE_ID -> {
                final RawScanDecoder d = new RawScanDecoder().wrap(buffer, body, blockLength, version);
                final byte[] start = bytes(d.startKeyLength(), d::getStartKey);
                return new byte[][] {start, bytes(d.endKeyLength(), d::getEndKey)};
            }
            case RawDeleteRangeDecoder.TEMPLATE_ID -> {
                final RawDeleteRangeDecoder d = new RawDeleteRangeDecoder().wrap(buffer, body, blockLength, version);
                final byte[] start = bytes(d.startKeyLength(), d::getStartKey);
                return new byte[][] {start, bytes(d.endKeyLength(), d::getEndKey)};
            }
            default -> {
            }
        }
        return null;
    }

    private interface Getter {
        int get(byte[] dst, int offset, int length);
    }

    private static byte[] bytes(final int length, final Getter getter) {
        final byte[] bytes = new byte[length];
        getter.get(bytes, 0, length);
        return bytes;
    }
}
