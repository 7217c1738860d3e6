package io.tkv.pd.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test helpers for regions with string keys. */
final class Regions {
    private Regions() {
    }

    static byte[] key(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A region over {@code [start, end)} (empty strings: unbounded), epoch (confVer, version), voters on 1, 2, 3. */
    static RegionInfo region(final long id, final String start, final String end, final long confVer,
        final long version) {
        final List<Peer> peers = List.of(Peer.voter(id * 10 + 1, 1), Peer.voter(id * 10 + 2, 2),
            Peer.voter(id * 10 + 3, 3));
        return RegionInfo.builder(id).range(key(start), key(end)).epoch(confVer, version).peers(peers)
            .leader(peers.get(0)).approximate(1 << 20, 1000).build();
    }
}
