package io.tkv.client;

import io.tkv.codec.AllocIdResponseDecoder;
import io.tkv.codec.BootstrapResponseDecoder;
import io.tkv.codec.GetMembersResponseDecoder;
import io.tkv.codec.IsBootstrappedResponseDecoder;
import io.tkv.codec.auth.ClientIds;

import java.util.concurrent.CompletableFuture;

/**
 * A client of the Placement Driver: timestamps from PD's TSO and ids, from whichever PD member leads. It connects to
 * the members of {@link ClientConfig#storeEndpoints} (any one is enough: GetMembers and NOT_LEADER hints name the
 * others, and the client opens sessions with them as it is told of them), with the same authenticated session
 * handshake as to a store, and follows the leader as a {@link RawKvClient} follows a region's leader; a leader
 * still making its window durable answers SERVER_BUSY, which the client retries after a backoff. Thread safe.
 *
 * <p>{@link #getTimestamp()} is batched: concurrent callers of one client share one round trip (see
 * {@link TsoBatcher}).
 */
public final class PdClient implements AutoCloseable {
    private final ClientConfig ctx;
    private final ClientRuntime runtime;
    private final RequestSubmitter requests;
    private final TsoBatcher tso;

    private PdClient(final ClientConfig ctx) {
        this.ctx = ctx;
        this.runtime = ClientRuntime.start(ctx, ClientIds.newKey());
        this.requests = runtime.submitter();
        this.tso = new TsoBatcher(requests);
    }

    /**
     * Connects to PD and waits for a session with one of its members.
     *
     * @param ctx the settings; {@link ClientConfig#storeEndpoints} are PD members' endpoints (one is enough).
     * @return the connected client.
     * @throws TkvTimeoutException if no member answered within the connect timeout.
     */
    public static PdClient connect(final ClientConfig ctx) {
        ctx.conclude();
        return new PdClient(ctx);
    }

    /** @return the configuration this client runs with. */
    public ClientConfig context() {
        return ctx;
    }

    /**
     * @return a timestamp ({@code physical_ms << 18 | logical}) greater than every timestamp PD handed out to anyone
     *     before this call began.
     * @throws TkvException on failure (a timeout after the request timeout, with failovers in between).
     */
    public long getTimestamp() {
        return requests.await(tso.next());
    }

    /** @return completes with a timestamp, as {@link #getTimestamp()}, on the client's poller thread. */
    public CompletableFuture<Long> getTimestampAsync() {
        return tso.next();
    }

    /** @return a fresh id (for a store, region or peer), never 0, never handed out before. */
    public long allocId() {
        return allocIds(1).first();
    }

    /**
     * @param count how many ids, in [1, 10000].
     * @return consecutive fresh ids; possibly fewer than asked when PD's durable range ran out (ask again).
     */
    public IdRange allocIds(final int count) {
        if (count < 1 || count > 10_000) {
            throw new IllegalArgumentException("count " + count + " outside [1, 10000]");
        }
        return requests.await(requests.submit("allocId", AllocIdResponseDecoder.TEMPLATE_ID,
            id -> PdRequestEncoder.current().allocId(id, count)));
    }

    /** @return the members and the leader, as the member this client's request reached sees them. */
    public PdMembers members() {
        return requests.await(requests.submit("getMembers", GetMembersResponseDecoder.TEMPLATE_ID,
            id -> PdRequestEncoder.current().getMembers(id)));
    }

    /** @return the cluster id the cluster was bootstrapped with, or 0 if it is not bootstrapped. */
    public long bootstrappedClusterId() {
        final Long clusterId = requests.await(requests.submit("isBootstrapped",
            IsBootstrappedResponseDecoder.TEMPLATE_ID, id -> PdRequestEncoder.current().isBootstrapped(id)));
        return clusterId;
    }

    /**
     * Marks the cluster bootstrapped (admin: the client must use the admin secret).
     *
     * @param clusterId PD's cluster id (a different one is refused MALFORMED).
     * @return whether it was bootstrapped already.
     */
    public boolean bootstrap(final long clusterId) {
        final Boolean already = requests.await(requests.submit("bootstrap", BootstrapResponseDecoder.TEMPLATE_ID,
            id -> PdRequestEncoder.current().bootstrap(id, clusterId)));
        return already;
    }

    /** @return the endpoint of the member requests go to now. */
    public String leaderEndpoint() {
        return runtime.leaderEndpoint();
    }

    /** @return Tso requests sent so far: fewer than timestamps handed out when callers shared round trips. */
    public long tsoBatches() {
        return tso.batches();
    }

    /** Sends Disconnect to every member with a session, stops the poller and fails what is still waiting. */
    @Override
    public void close() {
        runtime.close();
    }
}
