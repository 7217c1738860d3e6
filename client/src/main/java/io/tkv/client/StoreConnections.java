package io.tkv.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every store the client has a connection with: the configured ones, opened when the client starts (so a failover
 * finds their sessions open already), and those leader hints named, opened when first hinted. Several are live at
 * once; which one a request goes to is the {@link LeaderRouter}'s choice. Hands the handshake replies to the
 * connection whose correlation id they carry, and image losses to the connection whose session used the image.
 *
 * <p>Connections are added only by the poller; other threads only read the list (on close).
 */
final class StoreConnections implements StoreConnection.Listener {
    /** Bounds the connections leader hints can make the client open (a confused or hostile store). */
    static final int MAX_HINTED_CONNECTIONS = 16;

    private final ClientConfig ctx;
    private final ClientTransport transport;
    private final HandshakeFrames handshake;
    private final List<StoreConnection> all = new CopyOnWriteArrayList<>();
    private final int configured;
    private StoreConnection.Listener listener;

    /**
     * Adds an ingress publication to every configured store (not waiting for them to connect).
     *
     * @param ctx       concluded.
     * @param transport the client's Aeron resources.
     * @param handshake the client's handshake frames.
     * @param nowNs     the clock now.
     */
    StoreConnections(final ClientConfig ctx, final ClientTransport transport, final HandshakeFrames handshake,
        final long nowNs) {
        this.ctx = ctx;
        this.transport = transport;
        this.handshake = handshake;
        for (final String endpoint : ctx.storeEndpoints()) {
            final String channel = ctx.ingressChannelFor(endpoint);
            all.add(new StoreConnection(endpoint, channel, true, transport, transport.addIngress(channel), -1,
                handshake, this, ctx, nowNs));
        }
        this.configured = all.size();
    }

    /** Who hears about sessions; set once, before the poller starts. */
    void listener(final StoreConnection.Listener listener) {
        this.listener = listener;
    }

    /** @return the first configured store. */
    StoreConnection first() {
        return all.get(0);
    }

    /** @return connections, configured first, in the order they were made. */
    List<StoreConnection> all() {
        return all;
    }

    /** @return the connection to this endpoint, or null. */
    StoreConnection byEndpoint(final String endpoint) {
        for (final StoreConnection connection : all) {
            if (connection.endpoint().equals(endpoint)) {
                return connection;
            }
        }
        return null;
    }

    /** @return the connection whose session is with this store id, or null. */
    StoreConnection byStoreId(final long storeId) {
        if (storeId <= 0) {
            return null;
        }
        for (final StoreConnection connection : all) {
            if (connection.storeId() == storeId) {
                return connection;
            }
        }
        return null;
    }

    /**
     * The connection to a store a leader hint names, opened (asynchronously) if there is none. Poller thread only.
     *
     * @param endpoint the hint's host:port.
     * @return the connection, or null when the hint cannot be followed: not host:port, an IPC ingress, or too
     *     many hinted connections already.
     */
    StoreConnection connect(final String endpoint, final long nowNs) {
        final StoreConnection existing = byEndpoint(endpoint);
        if (existing != null) {
            return existing;
        }
        if (!ctx.canReachOtherStores() || !Endpoints.isValid(endpoint) ||
            all.size() - configured >= MAX_HINTED_CONNECTIONS) {
            return null;
        }
        final String channel = ctx.ingressChannelFor(endpoint);
        final StoreConnection connection = new StoreConnection(endpoint, channel, false, transport, null,
            transport.asyncAddIngress(channel), handshake, this, ctx, nowNs);
        all.add(connection);
        return connection;
    }

    /**
     * The store to try when {@code from} will not do: the next one after it with an open session, configured or
     * hinted; if none has one, the next configured store (round robin; {@code from} itself when it is the only one).
     */
    StoreConnection nextAfter(final StoreConnection from) {
        final int size = all.size();
        final int at = Math.max(0, all.indexOf(from));
        for (int i = 1; i < size; i++) {
            final StoreConnection candidate = all.get((at + i) % size);
            if (candidate.isActive()) {
                return candidate;
            }
        }
        final int nextConfigured = at < configured ? (at + 1) % configured : 0;
        return all.get(nextConfigured);
    }

    /** @return a connection other than {@code other} with an open session, or null. */
    StoreConnection anyActiveBut(final StoreConnection other) {
        for (final StoreConnection connection : all) {
            if (connection != other && connection.isActive()) {
                return connection;
            }
        }
        return null;
    }

    /** Runs every connection's session state machine. Poller thread only. */
    int doWork(final long nowNs) {
        int work = 0;
        for (int i = 0, size = all.size(); i < size; i++) {
            work += all.get(i).doWork(nowNs);
        }
        return work;
    }

    void onChallenge(final long correlationId, final long handshakeId, final byte[] nonce, final long nowNs) {
        for (final StoreConnection connection : all) {
            if (connection.onChallenge(correlationId, handshakeId, nonce, nowNs)) {
                return;
            }
        }
    }

    void onConnected(final long correlationId, final short statusRaw, final long sessionToken,
        final SessionLimits limits, final String errorMessage, final int imageSessionId, final long storeId,
        final long nowNs) {
        for (final StoreConnection connection : all) {
            if (connection.onConnected(correlationId, statusRaw, sessionToken, limits, errorMessage, imageSessionId,
                storeId, nowNs)) {
                return;
            }
        }
    }

    /** An egress image went away; with stores sharing a media driver (and so the image) each of them is lost. */
    void onImageLost(final int imageSessionId) {
        for (final StoreConnection connection : all) {
            connection.onImageLost(imageSessionId);
        }
    }

    /** @return connections with an open session. Any thread. */
    int activeCount() {
        int active = 0;
        for (final StoreConnection connection : all) {
            if (connection.isActive()) {
                active++;
            }
        }
        return active;
    }

    /** @return sessions re-established after each connection's first. */
    long reconnects() {
        long reconnects = 0;
        for (final StoreConnection connection : all) {
            reconnects += connection.reconnects();
        }
        return reconnects;
    }

    /** Best-effort Disconnect of every open session. Any thread (close). */
    void disconnectAll() {
        for (final StoreConnection connection : all) {
            connection.sendDisconnect();
        }
    }

    /** The Aeron client is gone: no session can open any more. Poller thread only. */
    void terminate(final TkvException cause) {
        for (final StoreConnection connection : all) {
            connection.terminate(cause);
        }
    }

    /** @return where each connection stands, for a connect-timeout message. */
    String describe() {
        final List<String> states = new ArrayList<>();
        for (final StoreConnection connection : all) {
            states.add(connection.describe());
        }
        return String.join("; ", states);
    }

    @Override
    public void onActivated(final StoreConnection connection) {
        listener.onActivated(connection);
    }

    @Override
    public void onRefused(final StoreConnection connection, final TkvException refusal) {
        listener.onRefused(connection, refusal);
    }

    @Override
    public void onLost(final StoreConnection connection, final String reason) {
        listener.onLost(connection, reason);
    }
}
