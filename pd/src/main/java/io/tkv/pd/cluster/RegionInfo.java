package io.tkv.pd.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One region as its leader last reported it: range, epoch, peers, leader, unhealthy peers and load. Immutable
 * (keys are copied in and never handed out for writing); {@link #toBuilder()} makes a changed copy.
 */
public final class RegionInfo {
    /**
     * What an empty or unmeasured region weighs in a store's score: it still costs the store a Raft group (PD
     * counts an empty region as 1 MB), so a store full of empty regions is not "empty".
     */
    public static final long MIN_SCORE_SIZE_BYTES = 1 << 20;

    private final long id;
    private final byte[] startKey;
    private final byte[] endKey;
    private final RegionEpoch epoch;
    private final List<Peer> peers;
    private final Peer leader;
    private final long leaderTerm;
    private final List<Peer> downPeers;
    private final List<Peer> pendingPeers;
    private final long approximateSizeBytes;
    private final long approximateKeys;
    private final long writtenBytes;
    private final long writtenKeys;

    private RegionInfo(final Builder b) {
        if (b.leader != null && !b.peers.contains(b.leader)) {
            throw new IllegalArgumentException("region " + b.id + ": leader " + b.leader + " is not one of its peers");
        }
        this.id = b.id;
        this.startKey = b.startKey.clone();
        this.endKey = b.endKey.clone();
        this.epoch = b.epoch;
        this.peers = List.copyOf(b.peers);
        this.leader = b.leader;
        this.leaderTerm = b.leaderTerm;
        this.downPeers = List.copyOf(b.downPeers);
        this.pendingPeers = List.copyOf(b.pendingPeers);
        this.approximateSizeBytes = b.approximateSizeBytes;
        this.approximateKeys = b.approximateKeys;
        this.writtenBytes = b.writtenBytes;
        this.writtenKeys = b.writtenKeys;
    }

    /** @return a builder for a region with this id, over the whole key space, epoch (1, 1), no peers. */
    public static Builder builder(final long id) {
        return new Builder(id);
    }

    /** @return a builder holding this region's fields. */
    public Builder toBuilder() {
        final Builder b = new Builder(id);
        b.startKey = startKey;
        b.endKey = endKey;
        b.epoch = epoch;
        b.peers = new ArrayList<>(peers);
        b.leader = leader;
        b.leaderTerm = leaderTerm;
        b.downPeers = new ArrayList<>(downPeers);
        b.pendingPeers = new ArrayList<>(pendingPeers);
        b.approximateSizeBytes = approximateSizeBytes;
        b.approximateKeys = approximateKeys;
        b.writtenBytes = writtenBytes;
        b.writtenKeys = writtenKeys;
        return b;
    }

    /** @return the region id. */
    public long id() {
        return id;
    }

    /** @return a copy of the start key (empty: -∞). */
    public byte[] startKey() {
        return startKey.clone();
    }

    /** @return a copy of the end key (empty: +∞). */
    public byte[] endKey() {
        return endKey.clone();
    }

    byte[] startKeyUnsafe() {
        return startKey;
    }

    byte[] endKeyUnsafe() {
        return endKey;
    }

    /** @return whether the region's range holds {@code key}. */
    public boolean contains(final byte[] key) {
        return Keys.inRange(key, startKey, endKey);
    }

    /** @return whether the two regions' ranges share a key. */
    public boolean overlaps(final RegionInfo other) {
        return Keys.overlap(startKey, endKey, other.startKey, other.endKey);
    }

    /** @return whether both regions cover exactly the same range. */
    public boolean sameRange(final RegionInfo other) {
        return Arrays.equals(startKey, other.startKey) && Arrays.equals(endKey, other.endKey);
    }

    /** @return the epoch. */
    public RegionEpoch epoch() {
        return epoch;
    }

    /** @return every peer, voters and learners. */
    public List<Peer> peers() {
        return peers;
    }

    /** @return the leader, or null if the region reported none. */
    public Peer leader() {
        return leader;
    }

    /** @return the leader's Raft term when it reported, 0 if unknown. */
    public long leaderTerm() {
        return leaderTerm;
    }

    /** @return peers the leader has not heard from for a while. */
    public List<Peer> downPeers() {
        return downPeers;
    }

    /** @return peers whose log is behind (e.g. a learner still catching up by snapshot). */
    public List<Peer> pendingPeers() {
        return pendingPeers;
    }

    /** @return the approximate size of the region's data. */
    public long approximateSizeBytes() {
        return approximateSizeBytes;
    }

    /** @return the size this region weighs in a store's score: its approximate size, at least 1 MiB. */
    public long scoreSizeBytes() {
        return Math.max(MIN_SCORE_SIZE_BYTES, approximateSizeBytes);
    }

    /** @return the approximate number of keys. */
    public long approximateKeys() {
        return approximateKeys;
    }

    /** @return bytes written since the previous heartbeat. */
    public long writtenBytes() {
        return writtenBytes;
    }

    /** @return keys written since the previous heartbeat. */
    public long writtenKeys() {
        return writtenKeys;
    }

    /** @return the peer on a store, or null. */
    public Peer peerOnStore(final long storeId) {
        for (final Peer p : peers) {
            if (p.storeId() == storeId) {
                return p;
            }
        }
        return null;
    }

    /** @return the voters. */
    public List<Peer> voters() {
        final List<Peer> out = new ArrayList<>(peers.size());
        for (final Peer p : peers) {
            if (p.isVoter()) {
                out.add(p);
            }
        }
        return out;
    }

    /** @return the learners. */
    public List<Peer> learners() {
        final List<Peer> out = new ArrayList<>(2);
        for (final Peer p : peers) {
            if (!p.isVoter()) {
                out.add(p);
            }
        }
        return out;
    }

    /** @return whether the store holds the region's leader. */
    public boolean leaderOn(final long storeId) {
        return leader != null && leader.storeId() == storeId;
    }

    @Override
    public String toString() {
        return "Region{id=" + id + ", range=[" + hex(startKey) + ", " + hex(endKey) + "), epoch=" + epoch.confVer()
            + "/" + epoch.version() + ", peers=" + peers + ", leader=" + (leader == null ? "-" : leader.storeId())
            + "}";
    }

    private static String hex(final byte[] key) {
        final StringBuilder sb = new StringBuilder(key.length * 2);
        for (final byte b : key) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    /** Builds a {@link RegionInfo}; every field has a default so tests set only what they mean. */
    public static final class Builder {
        private final long id;
        private byte[] startKey = Keys.EMPTY;
        private byte[] endKey = Keys.EMPTY;
        private RegionEpoch epoch = new RegionEpoch(1, 1);
        private List<Peer> peers = new ArrayList<>();
        private Peer leader;
        private long leaderTerm;
        private List<Peer> downPeers = new ArrayList<>();
        private List<Peer> pendingPeers = new ArrayList<>();
        private long approximateSizeBytes;
        private long approximateKeys;
        private long writtenBytes;
        private long writtenKeys;

        private Builder(final long id) {
            this.id = id;
        }

        /** @return this, with the range {@code [start, end)}. */
        public Builder range(final byte[] start, final byte[] end) {
            this.startKey = start.clone();
            this.endKey = end.clone();
            return this;
        }

        /** @return this, with the epoch. */
        public Builder epoch(final RegionEpoch newEpoch) {
            this.epoch = newEpoch;
            return this;
        }

        /** @return this, with the epoch {@code (confVer, version)}. */
        public Builder epoch(final long confVer, final long version) {
            return epoch(new RegionEpoch(confVer, version));
        }

        /** @return this, with the peers. */
        public Builder peers(final List<Peer> newPeers) {
            this.peers = new ArrayList<>(newPeers);
            return this;
        }

        /** @return this, with the leader (one of the peers, or null). */
        public Builder leader(final Peer newLeader) {
            this.leader = newLeader;
            return this;
        }

        /** @return this, with the leader's term. */
        public Builder leaderTerm(final long term) {
            this.leaderTerm = term;
            return this;
        }

        /** @return this, with the down peers. */
        public Builder downPeers(final List<Peer> newDownPeers) {
            this.downPeers = new ArrayList<>(newDownPeers);
            return this;
        }

        /** @return this, with the pending peers. */
        public Builder pendingPeers(final List<Peer> newPendingPeers) {
            this.pendingPeers = new ArrayList<>(newPendingPeers);
            return this;
        }

        /** @return this, with the approximate size and keys. */
        public Builder approximate(final long sizeBytes, final long keys) {
            this.approximateSizeBytes = sizeBytes;
            this.approximateKeys = keys;
            return this;
        }

        /** @return this, with the write flow since the previous heartbeat. */
        public Builder written(final long bytes, final long keys) {
            this.writtenBytes = bytes;
            this.writtenKeys = keys;
            return this;
        }

        /** @return the region. */
        public RegionInfo build() {
            return new RegionInfo(this);
        }
    }
}
