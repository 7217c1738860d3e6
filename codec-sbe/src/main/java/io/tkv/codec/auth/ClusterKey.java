package io.tkv.codec.auth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The cluster key: what every store (and PD) of one cluster shares to authenticate the frames they send each other.
 * It comes from a cluster secret (a file, distinct from the client and admin secrets) and the cluster id; each
 * store-to-store stream gets a key of its own, {@code HMAC-SHA256(secret, "tkv peer frames v1/<stream>/<clusterId>")},
 * so a frame of one stream or cluster never verifies on another.
 *
 * <p>Anyone with the cluster secret can act as any store of the cluster: the secret is the membership credential,
 * kept on the stores' hosts only.
 */
public final class ClusterKey {
    /** The streams between stores, each under its own key. */
    public enum Stream {
        /** Raft messages (stream 1002 by default). */
        RAFT,
        /** Snapshot file transfers (stream 1003 by default). */
        SNAPSHOT,
        /** Store to PD and PD to PD (reserved). */
        PD
    }

    /** The fewest bytes a cluster secret may have. */
    public static final int MIN_SECRET_BYTES = 16;
    /** No secret: nothing sent under it verifies, and nothing can be sent. */
    public static final ClusterKey NONE = new ClusterKey(null, 0);

    private final byte[] secret;
    private final long clusterId;

    private ClusterKey(final byte[] secret, final long clusterId) {
        this.secret = secret;
        this.clusterId = clusterId;
    }

    /**
     * @param secret    the cluster secret (at least {@link #MIN_SECRET_BYTES} bytes); copied.
     * @param clusterId the cluster's id.
     * @return the key.
     * @throws IllegalArgumentException if the secret is too short.
     */
    public static ClusterKey fromSecret(final byte[] secret, final long clusterId) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("a cluster secret needs at least " + MIN_SECRET_BYTES + " bytes, got "
                + (secret == null ? 0 : secret.length));
        }
        return new ClusterKey(secret.clone(), clusterId);
    }

    /** @return whether there is a key (a secret was given). */
    public boolean isSet() {
        return secret != null;
    }

    /**
     * @param stream which stream.
     * @return that stream's 32-byte key.
     * @throws IllegalStateException if no secret was given.
     */
    public byte[] streamKey(final Stream stream) {
        if (secret == null) {
            throw new IllegalStateException("no cluster secret: store-to-store frames cannot be authenticated");
        }
        final String label = "tkv peer frames v1/" + stream.name().toLowerCase() + "/" + clusterId;
        return new HmacSha256(secret).mac(label.getBytes(StandardCharsets.UTF_8));
    }

    /** @return whether {@code other} is this key's secret (a client or admin secret must not be). */
    public boolean hasSecret(final byte[] other) {
        return secret != null && Arrays.equals(secret, other);
    }

    @Override
    public String toString() {
        return secret == null ? "ClusterKey{none}" : "ClusterKey{set, cluster " + clusterId + "}";
    }
}
