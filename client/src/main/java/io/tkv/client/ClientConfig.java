package io.tkv.client;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Configuration of a {@link RawKvClient}, in the style of Aeron's contexts: fluent setters, getters of the
 * same name, defaults and units in the names, and {@link #conclude()} to validate and derive before use. A
 * context configures one client.
 *
 * <p>The client is given the stores of the cluster ({@link #storeEndpoints(String...)}, any of them: it finds the
 * leader itself) and how patiently to look for the leader: {@link #storeSilenceTimeoutMs(long)} (when a store that
 * says nothing is taken for lost) and {@link #retryBackoffInitialMs(long)} / {@link #retryBackoffMaxMs(long)} (how
 * long a request waits before it is resent after NOT_LEADER without a hint, SERVER_BUSY, or a lost store). Every
 * retry stays within the request's own {@link #requestTimeoutMs(long)}.
 */
public final class ClientConfig {
    /** Default store address (host:port of its client ingress). */
    public static final String DEFAULT_STORE_ENDPOINT = "127.0.0.1:20160";
    /** Default stream id of the store's client ingress. */
    public static final int DEFAULT_INGRESS_STREAM_ID = 1001;
    /** Default egress channel: loopback with an ephemeral port, resolved once bound. */
    public static final String DEFAULT_EGRESS_CHANNEL = "aeron:udp?endpoint=127.0.0.1:0";
    /** Default egress stream id. */
    public static final int DEFAULT_EGRESS_STREAM_ID = 1002;
    /** Default request timeout. */
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
    /**
     * Longest request timeout: 30 s. A store forgets a client's write outcomes once the client has been idle for 60 s
     * in a region that needs the room; the client stops resending a write at its timeout, so with at most half that
     * no retry of a write can come after the store forgot it and apply it a second time.
     */
    public static final long MAX_REQUEST_TIMEOUT_MS = 30_000;
    /** Default connect timeout. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    /** Default wait for a handshake reply before starting the handshake over. */
    public static final long DEFAULT_HANDSHAKE_RETRY_INTERVAL_MS = 1_000;
    /** Default bound on requests in flight. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    /** Default term length of the embedded driver's publications (small: a client sends small frames). */
    public static final int DEFAULT_EMBEDDED_DRIVER_TERM_LENGTH_BYTES = 4 * 1024 * 1024;
    /** Default first wait before a request is resent (NOT_LEADER without a hint, SERVER_BUSY, a store lost). */
    public static final long DEFAULT_RETRY_BACKOFF_INITIAL_MS = 10;
    /** Default longest wait between two resends of a request (the wait doubles from the initial one up to it). */
    public static final long DEFAULT_RETRY_BACKOFF_MAX_MS = 200;
    /** Default time a store may send nothing at all while requests wait on it before the client takes it for lost. */
    public static final long DEFAULT_STORE_SILENCE_TIMEOUT_MS = 500;

    private static final byte[] EMPTY = new byte[0];

    private boolean concluded;
    private List<String> storeEndpoints = List.of(DEFAULT_STORE_ENDPOINT);
    private boolean storeEndpointsSet;
    private String ingressChannel;
    private boolean ipcIngress;
    private int ingressStreamId = DEFAULT_INGRESS_STREAM_ID;
    private String egressChannel = DEFAULT_EGRESS_CHANNEL;
    private int egressStreamId = DEFAULT_EGRESS_STREAM_ID;
    private String aeronDirectoryName;
    private String embeddedAeronDirectoryName;
    private int embeddedDriverTermLengthBytes = DEFAULT_EMBEDDED_DRIVER_TERM_LENGTH_BYTES;
    private byte[] secret = EMPTY;
    private String clientName;
    private long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
    private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    private long handshakeRetryIntervalMs = DEFAULT_HANDSHAKE_RETRY_INTERVAL_MS;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private long retryBackoffInitialMs = DEFAULT_RETRY_BACKOFF_INITIAL_MS;
    private long retryBackoffMaxMs = DEFAULT_RETRY_BACKOFF_MAX_MS;
    private long storeSilenceTimeoutMs = DEFAULT_STORE_SILENCE_TIMEOUT_MS;
    private Supplier<IdleStrategy> idleStrategySupplier = () -> new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
    private final RoutingConfig routing = new RoutingConfig();
    private ErrorHandler errorHandler = ClientConfig::printError;

    /**
     * Validates the settings and derives the rest (ingress channel, client name, embedded driver directory).
     *
     * @return this.
     * @throws IllegalArgumentException if a setting is invalid.
     * @throws IllegalStateException    if this context was concluded before.
     */
    public ClientConfig conclude() {
        if (concluded) {
            throw new IllegalStateException("a ClientConfig configures one client; it was concluded already");
        }
        concludeStores();
        routing.conclude();
        Endpoints.checkChannel("egressChannel", egressChannel);
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(idleStrategySupplier, "idleStrategySupplier");
        Objects.requireNonNull(errorHandler, "errorHandler");
        positive("requestTimeoutMs", requestTimeoutMs);
        if (requestTimeoutMs > MAX_REQUEST_TIMEOUT_MS) {
            throw new IllegalArgumentException("requestTimeoutMs must be <= " + MAX_REQUEST_TIMEOUT_MS +
                " (a write is resent until its timeout, and stores forget idle clients' writes after 60 s): " +
                requestTimeoutMs);
        }
        positive("connectTimeoutMs", connectTimeoutMs);
        positive("handshakeRetryIntervalMs", handshakeRetryIntervalMs);
        positive("maxInFlight", maxInFlight);
        positive("retryBackoffInitialMs", retryBackoffInitialMs);
        positive("retryBackoffMaxMs", retryBackoffMaxMs);
        positive("storeSilenceTimeoutMs", storeSilenceTimeoutMs);
        if (retryBackoffMaxMs < retryBackoffInitialMs) {
            throw new IllegalArgumentException("retryBackoffMaxMs (" + retryBackoffMaxMs +
                ") must not be below retryBackoffInitialMs (" + retryBackoffInitialMs + ")");
        }
        if (Integer.bitCount(embeddedDriverTermLengthBytes) != 1 || embeddedDriverTermLengthBytes < 64 * 1024) {
            throw new IllegalArgumentException(
                "embeddedDriverTermLengthBytes must be a power of two >= 64 KiB: " + embeddedDriverTermLengthBytes);
        }
        if (clientName == null) {
            clientName = "tkv-client-" + ProcessHandle.current().pid();
        }
        if (aeronDirectoryName == null) {
            final File shm = new File("/dev/shm");
            final String base = shm.isDirectory() ? shm.getPath() : System.getProperty("java.io.tmpdir");
            embeddedAeronDirectoryName = new File(base, "tkv-client-" + ProcessHandle.current().pid() + "-" +
                Long.toHexString(ThreadLocalRandom.current().nextLong())).getPath();
        }
        concluded = true;
        return this;
    }

    /** @return whether {@link #conclude()} ran. */
    public boolean isConcluded() {
        return concluded;
    }

    /**
     * A cluster of one store: the same as {@code storeEndpoints(storeEndpoint)}.
     *
     * @param storeEndpoint host:port of the store's client ingress. Default {@value #DEFAULT_STORE_ENDPOINT}.
     * @return this.
     */
    public ClientConfig storeEndpoint(final String storeEndpoint) {
        return storeEndpoints(Arrays.asList(storeEndpoint));
    }

    /** @return host:port of the first configured store (the one the client tries first). */
    public String storeEndpoint() {
        return storeEndpoints.get(0);
    }

    /**
     * The stores of the cluster, each as host:port of its client ingress: any of them, not necessarily all, and not
     * necessarily the leader. The client opens a session with each, sends requests to the first, and from then on
     * follows the leader hints the stores give (also to stores not listed here) and moves on to the next listed
     * store when one says NOT_LEADER without a hint or cannot be reached. Order matters only as the order tried.
     * The ingress channel of each is {@code aeron:udp?endpoint=<endpoint>}, or {@link #ingressChannel(String)} with
     * its endpoint replaced. Validated by {@link #conclude()}: at least one, each host:port, no duplicates.
     *
     * @param storeEndpoints the stores. Default just {@value #DEFAULT_STORE_ENDPOINT}.
     * @return this.
     */
    public ClientConfig storeEndpoints(final String... storeEndpoints) {
        return storeEndpoints(Arrays.asList(Objects.requireNonNull(storeEndpoints, "storeEndpoints")));
    }

    /**
     * @param storeEndpoints the stores of the cluster; see {@link #storeEndpoints(String...)}. Copied.
     * @return this.
     */
    public ClientConfig storeEndpoints(final List<String> storeEndpoints) {
        checkMutable();
        this.storeEndpoints = new ArrayList<>(Objects.requireNonNull(storeEndpoints, "storeEndpoints"));
        this.storeEndpointsSet = true;
        return this;
    }

    /** @return the configured stores, in the order they are tried (unmodifiable). */
    public List<String> storeEndpoints() {
        return List.copyOf(storeEndpoints);
    }

    /**
     * @param ingressChannel a full Aeron channel to the stores, used for each store with its {@code endpoint}
     *                       parameter set to that store's endpoint (e.g. to add {@code term-length}). If it names an
     *                       endpoint and no {@link #storeEndpoints(String...)} are set, that endpoint is the one
     *                       store. An IPC channel reaches one store only (in the same media driver): then leader
     *                       hints cannot be followed. Default: derived.
     * @return this.
     */
    public ClientConfig ingressChannel(final String ingressChannel) {
        checkMutable();
        this.ingressChannel = ingressChannel;
        return this;
    }

    /**
     * @return the Aeron channel requests are published on, as configured, or derived by {@link #conclude()} for the
     *     first store; each store's own is {@code ingressChannel} with that store's endpoint.
     */
    public String ingressChannel() {
        return ingressChannel;
    }

    /**
     * @param ingressStreamId stream id of the store's client ingress. Default {@value #DEFAULT_INGRESS_STREAM_ID}.
     * @return this.
     */
    public ClientConfig ingressStreamId(final int ingressStreamId) {
        checkMutable();
        this.ingressStreamId = ingressStreamId;
        return this;
    }

    /** @return stream id of the store's client ingress. */
    public int ingressStreamId() {
        return ingressStreamId;
    }

    /**
     * @param egressChannel the channel the store replies on; port 0 picks a free port, and the resolved channel
     *                      is what the store is told. Default {@value #DEFAULT_EGRESS_CHANNEL}.
     * @return this.
     */
    public ClientConfig egressChannel(final String egressChannel) {
        checkMutable();
        this.egressChannel = egressChannel;
        return this;
    }

    /** @return the channel the store replies on, as configured. */
    public String egressChannel() {
        return egressChannel;
    }

    /**
     * @param egressStreamId stream id of the replies. Default {@value #DEFAULT_EGRESS_STREAM_ID}.
     * @return this.
     */
    public ClientConfig egressStreamId(final int egressStreamId) {
        checkMutable();
        this.egressStreamId = egressStreamId;
        return this;
    }

    /** @return stream id of the replies. */
    public int egressStreamId() {
        return egressStreamId;
    }

    /**
     * @param aeronDirectoryName the directory of an external, running media driver; null (default) launches an
     *                           embedded driver (SHARED threading, backoff idle, small terms) in a fresh
     *                           directory under /dev/shm, deleted on close.
     * @return this.
     */
    public ClientConfig aeronDirectoryName(final String aeronDirectoryName) {
        checkMutable();
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /** @return the external media driver's directory, or null for an embedded driver. */
    public String aeronDirectoryName() {
        return aeronDirectoryName;
    }

    /** @return the embedded driver's directory (set by {@link #conclude()}), or null with an external one. */
    public String embeddedAeronDirectoryName() {
        return embeddedAeronDirectoryName;
    }

    /**
     * @param embeddedDriverTermLengthBytes term length of the embedded driver's publications, a power of two.
     *                                      Default 4 MiB. Bounds the largest request (an eighth of it).
     * @return this.
     */
    public ClientConfig embeddedDriverTermLengthBytes(final int embeddedDriverTermLengthBytes) {
        checkMutable();
        this.embeddedDriverTermLengthBytes = embeddedDriverTermLengthBytes;
        return this;
    }

    /** @return term length of the embedded driver's publications. */
    public int embeddedDriverTermLengthBytes() {
        return embeddedDriverTermLengthBytes;
    }

    /**
     * The secret the session handshake proves. The client secret opens a client session, the admin secret an admin
     * session; with a PD member, the cluster secret opens a store session, the only kind PD takes store registration,
     * heartbeats and AskSplit from: a store's {@link PdClient} is this config with the store's cluster secret (the same
     * bytes as its {@code --cluster-secret-file}) and PD's endpoints, nothing else.
     *
     * @param secret the store's shared secret; default empty. Copied.
     * @return this.
     */
    public ClientConfig secret(final byte[] secret) {
        checkMutable();
        this.secret = Objects.requireNonNull(secret, "secret").clone();
        return this;
    }

    /**
     * @param secret the store's shared secret as text (UTF-8), as in the store's configuration.
     * @return this.
     */
    public ClientConfig secret(final String secret) {
        return secret(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** @return a copy of the shared secret. */
    public byte[] secret() {
        return secret.clone();
    }

    /**
     * @param clientName how the store logs this client. Default {@code tkv-client-<pid>}.
     * @return this.
     */
    public ClientConfig clientName(final String clientName) {
        checkMutable();
        this.clientName = clientName;
        return this;
    }

    /** @return how the store logs this client. */
    public String clientName() {
        return clientName;
    }

    /**
     * @param requestTimeoutMs how long a request may take, from the call (including waiting for an in-flight
     *                         slot or a reconnect) to the reply. Default {@value #DEFAULT_REQUEST_TIMEOUT_MS}, at
     *                         most {@value #MAX_REQUEST_TIMEOUT_MS}.
     * @return this.
     */
    public ClientConfig requestTimeoutMs(final long requestTimeoutMs) {
        checkMutable();
        this.requestTimeoutMs = requestTimeoutMs;
        return this;
    }

    /** @return how long a request may take. */
    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    /**
     * @param connectTimeoutMs how long {@link RawKvClient#connect(ClientConfig)} may take. Default
     *                         {@value #DEFAULT_CONNECT_TIMEOUT_MS}.
     * @return this.
     */
    public ClientConfig connectTimeoutMs(final long connectTimeoutMs) {
        checkMutable();
        this.connectTimeoutMs = connectTimeoutMs;
        return this;
    }

    /** @return how long connecting may take. */
    public long connectTimeoutMs() {
        return connectTimeoutMs;
    }

    /**
     * @param handshakeRetryIntervalMs how long to wait for a Challenge or Connected before sending a fresh
     *                                 Connect, and between attempts after a refusal. Default
     *                                 {@value #DEFAULT_HANDSHAKE_RETRY_INTERVAL_MS}.
     * @return this.
     */
    public ClientConfig handshakeRetryIntervalMs(final long handshakeRetryIntervalMs) {
        checkMutable();
        this.handshakeRetryIntervalMs = handshakeRetryIntervalMs;
        return this;
    }

    /** @return the handshake retry interval. */
    public long handshakeRetryIntervalMs() {
        return handshakeRetryIntervalMs;
    }

    /**
     * @param maxInFlight the most operations outstanding at once; callers beyond it wait for a slot (within their
     *                    timeout). Default {@value #DEFAULT_MAX_IN_FLIGHT}.
     * @return this.
     */
    public ClientConfig maxInFlight(final int maxInFlight) {
        checkMutable();
        this.maxInFlight = maxInFlight;
        return this;
    }

    /** @return the most operations outstanding at once. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * @param retryBackoffInitialMs how long a request waits before its first resend after NOT_LEADER without a
     *                              hint, SERVER_BUSY or a lost store (a NOT_LEADER with a hint is followed at
     *                              once); each further resend of it waits twice as long, up to
     *                              {@link #retryBackoffMaxMs(long)}. Default
     *                              {@value #DEFAULT_RETRY_BACKOFF_INITIAL_MS}.
     * @return this.
     */
    public ClientConfig retryBackoffInitialMs(final long retryBackoffInitialMs) {
        checkMutable();
        this.retryBackoffInitialMs = retryBackoffInitialMs;
        return this;
    }

    /** @return the wait before a request's first backed-off resend. */
    public long retryBackoffInitialMs() {
        return retryBackoffInitialMs;
    }

    /**
     * @param retryBackoffMaxMs the longest wait between two resends of one request, so a cluster in the middle of
     *                          an election is not hammered. Default {@value #DEFAULT_RETRY_BACKOFF_MAX_MS}.
     * @return this.
     */
    public ClientConfig retryBackoffMaxMs(final long retryBackoffMaxMs) {
        checkMutable();
        this.retryBackoffMaxMs = retryBackoffMaxMs;
        return this;
    }

    /** @return the longest wait between two resends of one request. */
    public long retryBackoffMaxMs() {
        return retryBackoffMaxMs;
    }

    /**
     * @param storeSilenceTimeoutMs how long a request may wait on a store from which nothing at all arrives before
     *                              the client takes the store for lost (a killed or frozen leader), opens a fresh
     *                              session with it and resends its requests to the next store; also how long the
     *                              client waits for a session with the store it routes to before it tries another.
     *                              Raise it for single operations that take the store longer than this. Default
     *                              {@value #DEFAULT_STORE_SILENCE_TIMEOUT_MS}.
     * @return this.
     */
    public ClientConfig storeSilenceTimeoutMs(final long storeSilenceTimeoutMs) {
        checkMutable();
        this.storeSilenceTimeoutMs = storeSilenceTimeoutMs;
        return this;
    }

    /** @return how long a silent store is waited on before it is taken for lost. */
    public long storeSilenceTimeoutMs() {
        return storeSilenceTimeoutMs;
    }

    /**
     * @param idleStrategySupplier the poller thread's idle strategy. Default a {@link BackoffIdleStrategy}
     *                             (spin, yield, then park 1 µs doubling to 1 ms); a
     *                             {@link org.agrona.concurrent.YieldingIdleStrategy} cuts latency at the cost of
     *                             a busier core, a {@link org.agrona.concurrent.SleepingMillisIdleStrategy}
     *                             saves CPU at the cost of latency.
     * @return this.
     */
    public ClientConfig idleStrategySupplier(final Supplier<IdleStrategy> idleStrategySupplier) {
        checkMutable();
        this.idleStrategySupplier = idleStrategySupplier;
        return this;
    }

    /** @return the poller's idle strategy supplier. */
    public Supplier<IdleStrategy> idleStrategySupplier() {
        return idleStrategySupplier;
    }

    /**
     * Pins the client to one region: every request names it, with this epoch, and goes to the store the client
     * follows, whatever its keys — no routing by key, no batch split, and region errors fail the request (tests and
     * tools that send a chosen epoch). Without it (the default) the client routes each key to its region.
     *
     * @param regionId      region id. Default 1.
     * @param regionConfVer the region's configuration version. Default 1.
     * @param regionVersion the region's range version. Default 1.
     * @return this.
     */
    public ClientConfig region(final long regionId, final long regionConfVer, final long regionVersion) {
        checkMutable();
        routing.region(regionId, regionConfVer, regionVersion);
        return this;
    }

    /**
     * Routes by PD: a region the client does not know is asked of PD (the stores when PD does not know it), and the
     * stores' addresses come from PD too. Without {@link #storeEndpoints(String...)} the client connects to the
     * stores PD lists. Default: none (regions come from the stores).
     *
     * @param pdEndpoints PD members, host:port each (any one is enough).
     * @return this.
     */
    public ClientConfig pdEndpoints(final String... pdEndpoints) {
        checkMutable();
        routing.pdEndpoints(Arrays.asList(pdEndpoints));
        return this;
    }

    /** @return how the client finds regions: pinned, by the stores, or by PD. */
    public RoutingConfig routing() {
        return routing;
    }

    /** @return whether the stores were set, rather than left to the default (or to PD). */
    boolean storeEndpointsSet() {
        return storeEndpointsSet;
    }

    /**
     * @param errorHandler hears errors no caller can be told about (poller and Aeron). Default: print to
     *                     stderr.
     * @return this.
     */
    public ClientConfig errorHandler(final ErrorHandler errorHandler) {
        checkMutable();
        this.errorHandler = errorHandler;
        return this;
    }

    /** @return the handler of asynchronous errors. */
    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    @Override
    public String toString() {
        return "ClientConfig{storeEndpoints=" + storeEndpoints + ", ingressChannel=" + ingressChannel +
            ", ingressStreamId=" + ingressStreamId + ", egressChannel=" + egressChannel + ", egressStreamId=" +
            egressStreamId + ", aeronDirectoryName=" + aeronDirectoryName + ", clientName=" + clientName +
            ", requestTimeoutMs=" + requestTimeoutMs + ", connectTimeoutMs=" + connectTimeoutMs +
            ", maxInFlight=" + maxInFlight + ", retryBackoffMs=" + retryBackoffInitialMs + ".." + retryBackoffMaxMs +
            ", storeSilenceTimeoutMs=" + storeSilenceTimeoutMs + ", routing: " + routing + '}';
    }

    /**
     * @param endpoint host:port of a store (configured, or named by a leader hint).
     * @return the ingress channel to that store: {@link #ingressChannel()} with its endpoint; for an IPC channel,
     *     the channel itself. Concluded contexts only.
     */
    String ingressChannelFor(final String endpoint) {
        return ipcIngress ? ingressChannel : Endpoints.withEndpoint(ingressChannel, endpoint);
    }

    /** @return whether requests can be sent to stores other than the configured one (false over IPC). */
    boolean canReachOtherStores() {
        return !ipcIngress;
    }

    private void concludeStores() {
        if (ingressChannel != null) {
            Endpoints.checkChannel("ingressChannel", ingressChannel);
            final ChannelUri uri = ChannelUri.parse(ingressChannel);
            ipcIngress = uri.isIpc();
            final String endpoint = uri.get(CommonContext.ENDPOINT_PARAM_NAME);
            if (!storeEndpointsSet && endpoint != null) {
                storeEndpoints = List.of(endpoint);
            }
            if (ipcIngress && storeEndpoints.size() > 1) {
                throw new IllegalArgumentException(
                    "an IPC ingressChannel reaches one store only, but storeEndpoints lists " + storeEndpoints);
            }
        }
        if (storeEndpoints.isEmpty()) {
            throw new IllegalArgumentException("storeEndpoints is empty: name at least one store");
        }
        Endpoints.checkList("storeEndpoints", storeEndpoints);
        storeEndpoints = List.copyOf(storeEndpoints);
        if (ingressChannel == null) {
            ingressChannel = "aeron:udp?endpoint=" + storeEndpoints.get(0);
        }
    }

    private void checkMutable() {
        if (concluded) {
            throw new IllegalStateException("ClientConfig is concluded and owned by a client");
        }
    }

    private static void positive(final String name, final long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void printError(final Throwable error) {
        System.err.println("tkv-client: " + error);
        error.printStackTrace(System.err);
    }
}
