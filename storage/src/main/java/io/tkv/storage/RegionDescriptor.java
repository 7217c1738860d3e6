package io.tkv.storage;

import io.tkv.codec.keys.KeySpace;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * What a store knows of one region: its key range {@code [start, end)}, its epoch and its peers, as TiKV's
 * {@code metapb.Region}. The epoch has two counters: {@code confVer} rises with every membership change,
 * {@code version} with every split or merge (every change of the range); a request names the epoch its sender knows,
 * and one that is behind is refused EPOCH_NOT_MATCH.
 *
 * <p>Persisted in the region's band of the {@code raft} column family ({@link RegionKeys}), written only in the same
 * write batch as the applied index of the entry that made it ({@link ApplyBatch#putRegion}), so a restarted store
 * finds the descriptor that matches its data; a snapshot carries it with the band. Immutable.
 *
 * <pre>
 *   uint8  format (1)
 *   int64  region id, int64 confVer, int64 version
 *   uint32 start length, start bytes, uint32 end length, end bytes (empty: no end)
 *   uint32 peer count, then per peer: int64 peer id, int64 store id, uint8 role
 * </pre>
 * Big-endian.
 */
public final class RegionDescriptor {
    /** A peer's part in the region's Raft group. */
    public enum Role {
        /** Votes and counts in the quorum. */
        VOTER,
        /** Receives the log but does not vote: a replica catching up before it is promoted. */
        LEARNER
    }

    /** One replica of the region: a Raft peer on a store. */
    public record Peer(long id, long storeId, Role role) {
    }

    private static final byte FORMAT = 1;
    private static final byte[] EMPTY = new byte[0];

    private final long id;
    private final byte[] start;
    private final byte[] end;
    private final long confVer;
    private final long version;
    private final List<Peer> peers;

    /**
     * @param start inclusive start key; empty for the first key. Copied.
     * @param end   exclusive end key; empty for no end. Copied.
     * @throws IllegalArgumentException if the range is empty, an epoch counter is below 1, or peers repeat.
     */
    public RegionDescriptor(
        final long id, final byte[] start, final byte[] end, final long confVer, final long version,
        final List<Peer> peers) {
        if (end.length != 0 && Arrays.compareUnsigned(start, end) >= 0) {
            throw new IllegalArgumentException("region " + id + ": empty range");
        }
        if (confVer < 1 || version < 1) {
            throw new IllegalArgumentException("region " + id + ": epoch (" + confVer + ", " + version + ")");
        }
        for (int i = 0; i < peers.size(); i++) {
            for (int j = i + 1; j < peers.size(); j++) {
                if (peers.get(i).id() == peers.get(j).id() || peers.get(i).storeId() == peers.get(j).storeId()) {
                    throw new IllegalArgumentException("region " + id + ": peers repeat a peer or a store " + peers);
                }
            }
        }
        this.id = id;
        this.start = start.clone();
        this.end = end.clone();
        this.confVer = confVer;
        this.version = version;
        this.peers = List.copyOf(peers);
    }

    /**
     * The region a founding store creates: the whole key space, epoch (1, 1), every store of the initial cluster a
     * voter whose peer id is its store id.
     */
    public static RegionDescriptor founding(final long id, final long[] storeIds) {
        final List<Peer> peers = new ArrayList<>(storeIds.length);
        for (final long storeId : storeIds) {
            peers.add(new Peer(storeId, storeId, Role.VOTER));
        }
        return new RegionDescriptor(id, EMPTY, EMPTY, 1, 1, peers);
    }

    public long id() {
        return id;
    }

    public long confVer() {
        return confVer;
    }

    public long version() {
        return version;
    }

    /** @return a copy of the inclusive start; empty for the first key. */
    public byte[] start() {
        return start.clone();
    }

    /** @return a copy of the exclusive end; empty for no end. */
    public byte[] end() {
        return end.clone();
    }

    public List<Peer> peers() {
        return peers;
    }

    /** @return the region's data range. */
    public KeyRange range() {
        return KeyRange.of(start, end);
    }

    /** @return the peer on a store, or null. */
    public Peer peerOnStore(final long storeId) {
        for (final Peer peer : peers) {
            if (peer.storeId() == storeId) {
                return peer;
            }
        }
        return null;
    }

    /** @return the voters' peer ids. */
    public long[] voterIds() {
        return peers.stream().filter(peer -> peer.role() == Role.VOTER).mapToLong(Peer::id).toArray();
    }

    /** @return the learners' peer ids. */
    public long[] learnerIds() {
        return peers.stream().filter(peer -> peer.role() == Role.LEARNER).mapToLong(Peer::id).toArray();
    }

    /**
     * @param space the key's {@link KeySpace}: the stored key is {@code space + key}.
     * @return whether the stored key lies in the region's range. Allocation-free.
     */
    public boolean containsKey(final byte space, final DirectBuffer key, final int offset, final int length) {
        return compare(space, key, offset, length, start) >= 0
            && (end.length == 0 || compare(space, key, offset, length, end) < 0);
    }

    /** @return whether a stored key (its key space's byte first) lies in the region's range. Allocation-free. */
    public boolean containsStoredKey(final DirectBuffer key, final int offset, final int length) {
        return compareStored(key, offset, length, start) >= 0
            && (end.length == 0 || compareStored(key, offset, length, end) < 0);
    }

    /** @return whether a stored key lies inside the region and after its start: a key the region can split at. */
    public boolean canSplitAt(final byte[] key) {
        return Arrays.compareUnsigned(key, start) > 0 && (end.length == 0 || Arrays.compareUnsigned(key, end) < 0);
    }

    /** @return whether a stored key sorts before the region's start. Allocation-free. */
    public boolean startsAfter(final DirectBuffer key, final int offset, final int length) {
        return compareStored(key, offset, length, start) < 0;
    }

    private static int compareStored(final DirectBuffer key, final int offset, final int length, final byte[] bound) {
        final int common = Math.min(length, bound.length);
        for (int i = 0; i < common; i++) {
            final int diff = (key.getByte(offset + i) & 0xFF) - (bound[i] & 0xFF);
            if (diff != 0) {
                return diff;
            }
        }
        return Integer.compare(length, bound.length);
    }

    /**
     * Whether the stored keys {@code [space + rangeStart, space + rangeEnd)} lie within the region — an empty
     * {@code rangeEnd} meaning the end of the key space, as RawKV's ranges have it. Allocation-free.
     */
    public boolean containsRange(
        final byte space, final DirectBuffer rangeStart, final int startOffset, final int startLength,
        final DirectBuffer rangeEnd, final int endOffset, final int endLength) {
        if (!containsKey(space, rangeStart, startOffset, startLength)) {
            return false;
        }
        if (end.length == 0) {
            return true;
        }
        if (endLength == 0) {
            // The range runs to the end of the space: the region must reach the next space's first key.
            return (end[0] & 0xFF) >= (space & 0xFF) + 1;
        }
        return compare(space, rangeEnd, endOffset, endLength, end) <= 0;
    }

    /** Compares {@code space + key} with {@code bound} bytewise, unsigned, as RocksDB orders keys. */
    private static int compare(
        final byte space, final DirectBuffer key, final int offset, final int length, final byte[] bound) {
        if (bound.length == 0) {
            return 1;
        }
        final int first = (space & 0xFF) - (bound[0] & 0xFF);
        if (first != 0) {
            return first;
        }
        final int common = Math.min(length, bound.length - 1);
        for (int i = 0; i < common; i++) {
            final int diff = (key.getByte(offset + i) & 0xFF) - (bound[1 + i] & 0xFF);
            if (diff != 0) {
                return diff;
            }
        }
        return Integer.compare(length, bound.length - 1);
    }

    /** @return the persisted form. */
    public byte[] encode() {
        final int length = 1 + 3 * Long.BYTES + 2 * Integer.BYTES + start.length + end.length + Integer.BYTES
            + peers.size() * (2 * Long.BYTES + 1);
        final ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
        out.put(FORMAT).putLong(id).putLong(confVer).putLong(version);
        out.putInt(start.length).put(start).putInt(end.length).put(end);
        out.putInt(peers.size());
        for (final Peer peer : peers) {
            out.putLong(peer.id()).putLong(peer.storeId()).put((byte)peer.role().ordinal());
        }
        return out.array();
    }

    /**
     * @param regionId the region the value was stored under.
     * @return the descriptor.
     * @throws StorageException if the value is corrupt or of another region.
     */
    public static RegionDescriptor decode(final long regionId, final byte[] value) {
        try {
            final ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.BIG_ENDIAN);
            if (in.get() != FORMAT) {
                throw new StorageException("region " + regionId + ": descriptor of unknown format " + value[0]);
            }
            final long id = in.getLong();
            final long confVer = in.getLong();
            final long version = in.getLong();
            final byte[] start = bytes(in);
            final byte[] end = bytes(in);
            final int count = in.getInt();
            if (count < 0 || count > in.remaining() / (2 * Long.BYTES + 1)) {
                throw new StorageException("region " + regionId + ": descriptor with " + count + " peers");
            }
            final List<Peer> peers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                final long peerId = in.getLong();
                final long storeId = in.getLong();
                final int role = in.get();
                if (role < 0 || role >= Role.values().length) {
                    throw new StorageException("region " + regionId + ": peer of unknown role " + role);
                }
                peers.add(new Peer(peerId, storeId, Role.values()[role]));
            }
            if (in.hasRemaining() || id != regionId) {
                throw new StorageException("region " + regionId + ": corrupt descriptor");
            }
            return new RegionDescriptor(id, start, end, confVer, version, peers);
        } catch (final RuntimeException ex) {
            if (ex instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("region " + regionId + ": corrupt descriptor: " + ex.getMessage(), ex);
        }
    }

    private static byte[] bytes(final ByteBuffer in) {
        final int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new StorageException("key of " + length + " bytes in a descriptor");
        }
        final byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    /**
     * @return the descriptor persisted for the region, or null if it has none.
     * @throws StorageException if it is corrupt or RocksDB fails.
     */
    public static RegionDescriptor load(final StorageEngine engine, final long regionId) {
        try {
            final byte[] value = engine.db().get(engine.handle(ColumnFamily.RAFT), RegionKeys.regionKey(regionId));
            return value == null ? null : decode(regionId, value);
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot read region " + regionId + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Writes the founding region's descriptor on its own (synced): only for a store whose state a build from before
     * the region registry applied, which has the region's data and applied index but not its descriptor. Every other
     * descriptor is written with the applied index of the entry that made it ({@link ApplyBatch#putRegion}).
     *
     * @throws StorageException if RocksDB fails.
     */
    public static void persistFounding(final StorageEngine engine, final RegionDescriptor region) {
        try (WriteOptions synced = new WriteOptions().setSync(true)) {
            engine.db().put(engine.handle(ColumnFamily.RAFT), synced, RegionKeys.regionKey(region.id()),
                region.encode());
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot write region " + region.id() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return every region descriptor persisted on the store, by region id.
     * @throws StorageException if one is corrupt or RocksDB fails.
     */
    public static List<RegionDescriptor> loadAll(final StorageEngine engine) {
        final List<RegionDescriptor> regions = new ArrayList<>();
        try (RocksIterator iterator = engine.db().newIterator(engine.handle(ColumnFamily.RAFT))) {
            final byte[] bandsEnd = RegionKeys.allBandsEnd();
            for (iterator.seek(RegionKeys.allBandsStart()); iterator.isValid(); iterator.next()) {
                final byte[] key = iterator.key();
                if (Arrays.compareUnsigned(key, bandsEnd) >= 0) {
                    break;
                }
                if (RegionKeys.isRegionKey(key)) {
                    final long regionId = RegionKeys.regionId(new UnsafeBuffer(key));
                    regions.add(decode(regionId, iterator.value()));
                }
            }
            iterator.status();
        } catch (final RocksDBException ex) {
            throw new StorageException("cannot list regions: " + ex.getMessage(), ex);
        }
        return regions;
    }

    /** @return whether the two describe the same region state. */
    @Override
    public boolean equals(final Object other) {
        return other instanceof RegionDescriptor that && id == that.id && confVer == that.confVer
            && version == that.version && Arrays.equals(start, that.start) && Arrays.equals(end, that.end)
            && peers.equals(that.peers);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + Long.hashCode(version) * 7 + Long.hashCode(confVer);
    }

    @Override
    public String toString() {
        return "Region{" + id + " [" + HexFormat.of().formatHex(start) + ", "
            + (end.length == 0 ? "end" : HexFormat.of().formatHex(end)) + ") epoch (" + confVer + ", " + version
            + ") peers " + peers + '}';
    }
}
