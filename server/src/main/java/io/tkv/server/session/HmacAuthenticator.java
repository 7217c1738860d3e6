package io.tkv.server.session;

import io.tkv.codec.auth.HmacSha256;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Proves a client knows a secret of the store: the store sends a random nonce, the client answers with
 * HMAC-SHA256(secret, nonce). The secret never crosses the wire, and a recorded answer is useless for another
 * nonce. Three secrets open three kinds of session: the client secret a client session, the admin secret an admin
 * session (which may also make admin requests), and, where the authenticator is given one (a PD member), the cluster
 * secret a store session (a store registering and heartbeating with PD). An empty client secret means every client
 * uses the empty secret (allowed on loopback only, see {@code ServerConfig}); an empty admin or cluster secret opens no
 * session of its kind. A store's own authenticator gets no cluster secret: stores take no store sessions.
 */
public final class HmacAuthenticator {
    /** Bytes of nonce per challenge. */
    public static final int NONCE_LENGTH = 32;

    /** What a proof opened. */
    public enum Role {
        /** The proof matched no secret. */
        NONE,
        /** A client session: reads and writes. */
        CLIENT,
        /** An admin session: reads, writes and admin requests. */
        ADMIN,
        /** A store session (PD only): a store's registration, heartbeats and split ids; proved the cluster secret. */
        STORE
    }

    private final HmacSha256 client;
    private final HmacSha256 admin;
    private final HmacSha256 store;
    private final SecureRandom random = new SecureRandom();

    /** @param secret the client secret (UTF-8). */
    public HmacAuthenticator(final String secret) {
        this(secret, "");
    }

    /**
     * @param secret      the client secret (UTF-8).
     * @param adminSecret the admin secret (UTF-8); empty: no admin sessions.
     */
    public HmacAuthenticator(final String secret, final String adminSecret) {
        this(secret, adminSecret, "");
    }

    /**
     * @param secret        the client secret (UTF-8).
     * @param adminSecret   the admin secret (UTF-8); empty: no admin sessions.
     * @param clusterSecret the cluster secret (UTF-8) stores prove to PD; empty: no store sessions.
     */
    public HmacAuthenticator(final String secret, final String adminSecret, final String clusterSecret) {
        this.client = new HmacSha256(secret.getBytes(StandardCharsets.UTF_8));
        this.admin = adminSecret.isEmpty() ? null : new HmacSha256(adminSecret.getBytes(StandardCharsets.UTF_8));
        this.store = clusterSecret.isEmpty() ? null
            : new HmacSha256(clusterSecret.getBytes(StandardCharsets.UTF_8));
    }

    /** @return a fresh random nonce. */
    public byte[] newNonce() {
        final byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        return nonce;
    }

    /** @return a random non-zero id (tokens and handshake ids). */
    public long newId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /**
     * @param nonce the challenge sent.
     * @param proof what the client answered.
     * @return the role the proof opens (compared in constant time): ADMIN for HMAC-SHA256(admin secret, nonce),
     *     CLIENT for HMAC-SHA256(client secret, nonce), else NONE.
     */
    public Role verify(final byte[] nonce, final byte[] proof) {
        return verify(nonce, new byte[0], proof);
    }

    /**
     * @param nonce     the challenge sent.
     * @param clientKey the client key the Authenticate carried (empty from a version 2 client).
     * @param proof     what the client answered.
     * @return the role the proof opens (compared in constant time): ADMIN for HMAC-SHA256(admin secret, nonce ||
     *     clientKey), STORE for HMAC-SHA256(cluster secret, nonce || clientKey), CLIENT for HMAC-SHA256(client secret,
     *     nonce || clientKey), else NONE. The secrets are distinct ({@code ServerConfig} checks it).
     */
    public Role verify(final byte[] nonce, final byte[] clientKey, final byte[] proof) {
        final byte[] message = new byte[nonce.length + clientKey.length];
        System.arraycopy(nonce, 0, message, 0, nonce.length);
        System.arraycopy(clientKey, 0, message, nonce.length, clientKey.length);
        // Every configured one is computed, so the time taken does not tell which secret a proof was close to.
        final boolean isAdmin = admin != null && HmacSha256.tagsEqual(admin.mac(message), proof);
        final boolean isStore = store != null && HmacSha256.tagsEqual(store.mac(message), proof);
        final boolean isClient = HmacSha256.tagsEqual(client.mac(message), proof);
        return isAdmin ? Role.ADMIN : isStore ? Role.STORE : isClient ? Role.CLIENT : Role.NONE;
    }
}
