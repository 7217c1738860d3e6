package io.tkv.client;

import io.aeron.ChannelUri;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Configuration of a {@link RawKvClient}, in the style of Aeron's contexts: fluent setters, getters of the
 * same name, defaults and units in the names, and {@link #conclude()} to validate and derive before use. A
 * context configures one client.
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
    /** Default connect timeout. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    /** Default wait for a handshake reply before starting the handshake over. */
    public static final long DEFAULT_HANDSHAKE_RETRY_INTERVAL_MS = 1_000;
    /** Default bound on requests in flight. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    /** Default term length of the embedded driver's publications (small: a client sends small frames). */
    public static final int DEFAULT_EMBEDDED_DRIVER_TERM_LENGTH_BYTES = 4 * 1024 * 1024;

    private static final byte[] EMPTY = new byte[0];

    private boolean concluded;
    private String storeEndpoint = DEFAULT_STORE_ENDPOINT;
    private String ingressChannel;
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
    private Supplier<IdleStrategy> idleStrategySupplier = () -> new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
    private long regionId = 1;
    private long regionConfVer = 1;
    private long regionVersion = 1;
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
        if (ingressChannel == null) {
            checkEndpoint(storeEndpoint);
            ingressChannel = "aeron:udp?endpoint=" + storeEndpoint;
        }
        checkChannel("ingressChannel", ingressChannel);
        checkChannel("egressChannel", egressChannel);
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(idleStrategySupplier, "idleStrategySupplier");
        Objects.requireNonNull(errorHandler, "errorHandler");
        positive("requestTimeoutMs", requestTimeoutMs);
        positive("connectTimeoutMs", connectTimeoutMs);
        positive("handshakeRetryIntervalMs", handshakeRetryIntervalMs);
        positive("maxInFlight", maxInFlight);
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
     * @param storeEndpoint host:port of the store's client ingress; the ingress channel is
     *                      {@code aeron:udp?endpoint=<storeEndpoint>} unless {@link #ingressChannel(String)}
     *                      is set. Default {@value #DEFAULT_STORE_ENDPOINT}.
     * @return this.
     */
    public ClientConfig storeEndpoint(final String storeEndpoint) {
        checkMutable();
        this.storeEndpoint = storeEndpoint;
        return this;
    }

    /** @return host:port of the store's client ingress. */
    public String storeEndpoint() {
        return storeEndpoint;
    }

    /**
     * @param ingressChannel a full Aeron channel to the store, overriding {@link #storeEndpoint(String)}
     *                       (e.g. to add {@code term-length} or use IPC). Default: derived.
     * @return this.
     */
    public ClientConfig ingressChannel(final String ingressChannel) {
        checkMutable();
        this.ingressChannel = ingressChannel;
        return this;
    }

    /** @return the Aeron channel requests are published on (derived by {@link #conclude()} if not set). */
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
     *                         slot or a reconnect) to the reply. Default {@value #DEFAULT_REQUEST_TIMEOUT_MS}.
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
     * The region every request names (a single region until routing arrives).
     *
     * @param regionId      region id. Default 1.
     * @param regionConfVer the region's configuration version. Default 1.
     * @param regionVersion the region's range version. Default 1.
     * @return this.
     */
    public ClientConfig region(final long regionId, final long regionConfVer, final long regionVersion) {
        checkMutable();
        this.regionId = regionId;
        this.regionConfVer = regionConfVer;
        this.regionVersion = regionVersion;
        return this;
    }

    /** @return the region id requests carry. */
    public long regionId() {
        return regionId;
    }

    /** @return the region conf version requests carry. */
    public long regionConfVer() {
        return regionConfVer;
    }

    /** @return the region version requests carry. */
    public long regionVersion() {
        return regionVersion;
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
        return "RawKvClient.ClientConfig{storeEndpoint=" + storeEndpoint + ", ingressChannel=" + ingressChannel +
            ", ingressStreamId=" + ingressStreamId + ", egressChannel=" + egressChannel + ", egressStreamId=" +
            egressStreamId + ", aeronDirectoryName=" + aeronDirectoryName + ", clientName=" + clientName +
            ", requestTimeoutMs=" + requestTimeoutMs + ", connectTimeoutMs=" + connectTimeoutMs +
            ", maxInFlight=" + maxInFlight + ", region=" + regionId + '/' + regionConfVer + '/' + regionVersion +
            '}';
    }

    private void checkMutable() {
        if (concluded) {
            throw new IllegalStateException("ClientConfig is concluded and owned by a client");
        }
    }

    private static void checkEndpoint(final String endpoint) {
        Objects.requireNonNull(endpoint, "storeEndpoint");
        final int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("storeEndpoint must be host:port: " + endpoint);
        }
        final int port;
        try {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        } catch (final NumberFormatException ex) {
            throw new IllegalArgumentException("storeEndpoint has a bad port: " + endpoint, ex);
        }
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("storeEndpoint port out of range: " + endpoint);
        }
    }

    private static void checkChannel(final String name, final String channel) {
        Objects.requireNonNull(channel, name);
        try {
            ChannelUri.parse(channel);
        } catch (final RuntimeException ex) {
            throw new IllegalArgumentException(name + " is not an Aeron channel: " + channel, ex);
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
