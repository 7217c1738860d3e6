package io.tkv.server.config;

import io.tkv.codec.auth.ClusterKey;
import io.tkv.log.RaftLogConfig;
import io.tkv.raft.transport.RaftCodec;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.command.Command;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Every knob of a store, with its default and its unit in its name. Filled from the TOML file, then from the
 * command line; {@link #conclude()} checks it before any agent exists.
 */
public final class ServerConfig {
    /** How the store's agents map onto threads. */
    public enum ThreadingMode {
        /** Ingress and apply agents share one thread (the default on a 2-core machine). */
        SHARED,
        /** One thread per agent. */
        DEDICATED,
        /**
         * Ingress and apply agents and the embedded media driver all on one thread: no thread hand-offs between
         * the network and the store, and one idle park instead of two. Needs the embedded driver.
         */
        INVOKER
    }

    private long clusterId = 1;
    private long storeId = 1;
    /** Whether the store id was set (file, flag or code): a store with PD and none gets one from PD. */
    private boolean storeIdGiven;
    private String listenEndpoint = "127.0.0.1:20160";
    private int ingressStreamId = 1001;
    private Path dataDir = Paths.get("data");
    private String aeronDir;
    private boolean embeddedDriver = true;
    private int termLengthBytes = 4 * 1024 * 1024;
    private ThreadingMode threadingMode = ThreadingMode.SHARED;
    private String idleStrategy = "backoff";
    private String driverIdleStrategy = "backoff";
    private int ringBufferBytes = 8 * 1024 * 1024;
    private String secret = "";
    private String adminSecret = "";
    private String clusterSecret = "";
    private int maxKeyBytes = 8 * 1024;
    private int maxValueBytes = 256 * 1024;
    private int maxBatchSize = 1024;
    private int maxScanLimit = 10_000;
    private int maxSessions = 1024;
    private int maxPendingHandshakes = 64;
    private int maxHandshakesPerSecond = 30;
    private long handshakeTimeoutMs = 10_000;
    private FsyncPolicy fsyncPolicy = FsyncPolicy.SYNC;
    private long syncIntervalMs = 10;
    private long blockCacheBytes = 64L * 1024 * 1024;
    private long writeBufferBytes = 32L * 1024 * 1024;
    private String compression = "lz4";
    private final RaftSettings raft = new RaftSettings();
    private final StorePdSettings storePd = new StorePdSettings();
    private final SplitCheckSettings split = new SplitCheckSettings();
    private final TxnSettings txn = new TxnSettings();
    private final GcSettings gc = new GcSettings();
    private final PdSettings pd = new PdSettings();

    /**
     * Checks every setting and fills derived defaults.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public ServerConfig conclude() {
        HostPort.parse(listenEndpoint);
        require(ingressStreamId != 0, "ingress-stream-id must not be 0");
        require(Integer.bitCount(termLengthBytes) == 1 && termLengthBytes >= 64 * 1024
            && termLengthBytes <= 1024 * 1024 * 1024, "term-length must be a power of two in [64 KiB, 1 GiB]");
        require(Integer.bitCount(ringBufferBytes) == 1 && ringBufferBytes >= 64 * 1024,
            "ring-buffer-bytes must be a power of two >= 64 KiB");
        require(maxKeyBytes > 0, "max-key-bytes must be > 0");
        require(maxValueBytes >= 0, "max-value-bytes must be >= 0");
        require(ringBufferBytes >= termLengthBytes,
            "ring-buffer-kb must be at least term-length-kb: the apply ring must carry any entry a peer can send");
        require((long)maxKeyBytes + maxValueBytes + 256 <= maxRequestBytes(),
            "max-key-bytes + max-value-bytes must fit a request the store can carry (" + maxRequestBytes()
                + " bytes: the Raft frame, the apply ring and the log record, see maxRequestBytes)");
        require(maxBatchSize > 0 && maxBatchSize <= 0xFFFF, "max-batch-size must be in [1, 65535]");
        require(maxScanLimit > 0 && maxScanLimit < 0xFFFF, "max-scan-limit must be in [1, 65534]");
        require(maxSessions > 0, "max-sessions must be > 0");
        require(maxPendingHandshakes > 0, "max-pending-handshakes must be > 0");
        require(maxHandshakesPerSecond > 0, "max-handshakes-per-second must be > 0");
        require(syncIntervalMs > 0, "sync-interval-ms must be > 0");
        require(handshakeTimeoutMs > 0, "handshake-timeout-ms must be > 0");
        require(threadingMode != ThreadingMode.INVOKER || embeddedDriver,
            "threads.mode = invoker needs the embedded media driver");
        IdleStrategies.parse(idleStrategy);
        IdleStrategies.parse(driverIdleStrategy);
        if (aeronDir == null || aeronDir.isEmpty()) {
            aeronDir = defaultAeronDir(HostPort.parse(listenEndpoint).port());
        }
        require(storeId > 0, "server.store-id must be > 0");
        storePd.conclude();
        split.conclude();
        txn.conclude();
        gc.conclude();
        raft.conclude(storeId, listenEndpoint, dataDir, storePd.enabled());
        pd.conclude();
        checkSecrets();
        return this;
    }

    /**
     * The secrets, as ARCHITECTURE.md's security section wants them: a store never listens beyond loopback without a
     * client secret, never talks to other stores without a cluster secret, and the three secrets are distinct (the
     * client secret opens client sessions only, the admin secret admin sessions, the cluster secret stores' frames).
     */
    private void checkSecrets() {
        require(HostPort.parse(listenEndpoint).isLoopback() || !secret.isEmpty(),
            "listen = " + listenEndpoint + " is not a loopback address, and no client secret is set: anyone who "
                + "reaches it could read and write every key. Give --secret-file (security.secret-file), or listen on "
                + "127.0.0.1");
        require(adminSecret.isEmpty() || !adminSecret.equals(secret),
            "the admin secret must differ from the client secret");
        require(clusterSecret.isEmpty() || (!clusterSecret.equals(secret) && !clusterSecret.equals(adminSecret)),
            "the cluster secret must differ from the client and admin secrets");
        require(clusterSecret.isEmpty()
            || clusterSecret.getBytes(StandardCharsets.UTF_8).length >= ClusterKey.MIN_SECRET_BYTES,
            "the cluster secret needs at least " + ClusterKey.MIN_SECRET_BYTES + " bytes");
        require(!storePd.enabled() || !clusterSecret.isEmpty(),
            "pd.endpoints is set and no cluster secret is: a store's session with PD proves the cluster secret. Give "
                + "--cluster-secret-file (security.cluster-secret-file), the one PD and every store share");
        final long others = raft.initialCluster().stream().filter(store -> store.storeId() != storeId).count();
        require(others == 0 || !clusterSecret.isEmpty(),
            "raft.initial-cluster names " + others + " other store(s), and no cluster secret is set: frames between "
                + "stores must be authenticated. Give every store of the cluster the same --cluster-secret-file "
                + "(security.cluster-secret-file), distinct from the client secret");
    }

    /** @return how this store talks to PD as a client (section {@code [pd]}; no endpoints: PD-less). */
    public StorePdSettings storePd() {
        return storePd;
    }

    /** @return when the store splits regions it leads by itself (section {@code [split]}; with PD only). */
    public SplitCheckSettings split() {
        return split;
    }

    /** @return the store's GC (section {@code [gc]}). */
    public GcSettings gc() {
        return gc;
    }

    /** @return pessimistic lock waiting on this store (section {@code [txn]}). */
    public TxnSettings txn() {
        return txn;
    }

    /** @return the key frames to and from other stores are authenticated under ({@link ClusterKey#NONE}: none). */
    public ClusterKey clusterKey() {
        return clusterSecret.isEmpty()
            ? ClusterKey.NONE : ClusterKey.fromSecret(clusterSecret.getBytes(StandardCharsets.UTF_8), clusterId);
    }

    /** @return the replication settings (section {@code [raft]}). */
    public RaftSettings raft() {
        return raft;
    }

    /** @return a PD member's scheduling settings (sections {@code [replication]} and {@code [schedule]}). */
    public PdSettings pd() {
        return pd;
    }

    private static String defaultAeronDir(final int port) {
        final String shm = "/dev/shm";
        final String base = new java.io.File(shm).isDirectory() ? shm : System.getProperty("java.io.tmpdir");
        return base + "/tkv-store-" + port;
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return the largest frame either direction may carry: Aeron's limit for the term length. */
    public int maxFrameBytes() {
        return termLengthBytes / 8;
    }

    /**
     * The largest request frame this store accepts: what its entry (the request's {@link Command}: at most the frame
     * and the command's header) can be carried through end to end — alone in a Raft frame to another store (a term
     * / 8, less the frame's headers and authentication trailer), as one record of the apply ring (a ring / 8), and as
     * one record of the Raft log. A larger request is refused TOO_LARGE at ingress, the limit is told to clients in
     * Connected, and the Raft driver refuses a larger proposal as a last line (an entry that cannot be sent would stall
     * the region).
     *
     * @return the limit, in bytes.
     */
    public int maxRequestBytes() {
        final int entry = Math.min(RaftCodec.maxEntryDataBytes(maxFrameBytes()),
            Math.min(ringBufferBytes / 8 - CommandQueue.ENTRY_HEADER_LENGTH,
                RaftLogConfig.maxPayloadBytes(RaftLogConfig.DEFAULT_BLOCK_SIZE_BYTES)));
        return entry - Command.HEADER_LENGTH;
    }

    /** @return the Aeron channel the store listens on for clients. */
    public String ingressChannel() {
        return "aeron:udp?endpoint=" + listenEndpoint + "|term-length=" + termLengthBytes;
    }

    public long clusterId() {
        return clusterId;
    }

    public ServerConfig clusterId(final long clusterId) {
        this.clusterId = clusterId;
        return this;
    }

    public long storeId() {
        return storeId;
    }

    public ServerConfig storeId(final long storeId) {
        this.storeId = storeId;
        this.storeIdGiven = true;
        return this;
    }

    /** @return whether the store id was set; a store with PD and none takes one from PD ({@code StoreIdentity}). */
    public boolean storeIdGiven() {
        return storeIdGiven;
    }

    public String listenEndpoint() {
        return listenEndpoint;
    }

    public ServerConfig listenEndpoint(final String listenEndpoint) {
        this.listenEndpoint = listenEndpoint;
        return this;
    }

    public int ingressStreamId() {
        return ingressStreamId;
    }

    public ServerConfig ingressStreamId(final int ingressStreamId) {
        this.ingressStreamId = ingressStreamId;
        return this;
    }

    public Path dataDir() {
        return dataDir;
    }

    public ServerConfig dataDir(final Path dataDir) {
        this.dataDir = dataDir;
        return this;
    }

    public String aeronDir() {
        return aeronDir;
    }

    public ServerConfig aeronDir(final String aeronDir) {
        this.aeronDir = aeronDir;
        return this;
    }

    public boolean embeddedDriver() {
        return embeddedDriver;
    }

    public ServerConfig embeddedDriver(final boolean embeddedDriver) {
        this.embeddedDriver = embeddedDriver;
        return this;
    }

    public int termLengthBytes() {
        return termLengthBytes;
    }

    public ServerConfig termLengthBytes(final int termLengthBytes) {
        this.termLengthBytes = termLengthBytes;
        return this;
    }

    public ThreadingMode threadingMode() {
        return threadingMode;
    }

    public ServerConfig threadingMode(final ThreadingMode threadingMode) {
        this.threadingMode = threadingMode;
        return this;
    }

    public String idleStrategy() {
        return idleStrategy;
    }

    public ServerConfig idleStrategy(final String idleStrategy) {
        this.idleStrategy = idleStrategy;
        return this;
    }

    public String driverIdleStrategy() {
        return driverIdleStrategy;
    }

    public ServerConfig driverIdleStrategy(final String driverIdleStrategy) {
        this.driverIdleStrategy = driverIdleStrategy;
        return this;
    }

    public int ringBufferBytes() {
        return ringBufferBytes;
    }

    public ServerConfig ringBufferBytes(final int ringBufferBytes) {
        this.ringBufferBytes = ringBufferBytes;
        return this;
    }

    public String secret() {
        return secret;
    }

    public ServerConfig secret(final String secret) {
        this.secret = secret;
        return this;
    }

    /** @return the admin secret: a session that proves it may make admin requests ("": admin requests refused). */
    public String adminSecret() {
        return adminSecret;
    }

    public ServerConfig adminSecret(final String adminSecret) {
        this.adminSecret = adminSecret;
        return this;
    }

    /** @return the cluster secret the stores' frames are authenticated under ("": none, a store alone). */
    public String clusterSecret() {
        return clusterSecret;
    }

    public ServerConfig clusterSecret(final String clusterSecret) {
        this.clusterSecret = clusterSecret;
        return this;
    }

    public int maxKeyBytes() {
        return maxKeyBytes;
    }

    public ServerConfig maxKeyBytes(final int maxKeyBytes) {
        this.maxKeyBytes = maxKeyBytes;
        return this;
    }

    public int maxValueBytes() {
        return maxValueBytes;
    }

    public ServerConfig maxValueBytes(final int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
        return this;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public ServerConfig maxBatchSize(final int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
        return this;
    }

    public int maxScanLimit() {
        return maxScanLimit;
    }

    public ServerConfig maxScanLimit(final int maxScanLimit) {
        this.maxScanLimit = maxScanLimit;
        return this;
    }

    public int maxSessions() {
        return maxSessions;
    }

    public ServerConfig maxSessions(final int maxSessions) {
        this.maxSessions = maxSessions;
        return this;
    }

    /** @return the most handshakes in progress (Connect seen, no valid Authenticate yet), apart from sessions. */
    public int maxPendingHandshakes() {
        return maxPendingHandshakes;
    }

    public ServerConfig maxPendingHandshakes(final int maxPendingHandshakes) {
        this.maxPendingHandshakes = maxPendingHandshakes;
        return this;
    }

    /** @return Connects taken a second (a token bucket holding a second's worth); more are dropped unanswered. */
    public int maxHandshakesPerSecond() {
        return maxHandshakesPerSecond;
    }

    public ServerConfig maxHandshakesPerSecond(final int maxHandshakesPerSecond) {
        this.maxHandshakesPerSecond = maxHandshakesPerSecond;
        return this;
    }

    public long handshakeTimeoutMs() {
        return handshakeTimeoutMs;
    }

    public ServerConfig handshakeTimeoutMs(final long handshakeTimeoutMs) {
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        return this;
    }

    public FsyncPolicy fsyncPolicy() {
        return fsyncPolicy;
    }

    public ServerConfig fsyncPolicy(final FsyncPolicy fsyncPolicy) {
        this.fsyncPolicy = fsyncPolicy;
        return this;
    }

    public long syncIntervalMs() {
        return syncIntervalMs;
    }

    public ServerConfig syncIntervalMs(final long syncIntervalMs) {
        this.syncIntervalMs = syncIntervalMs;
        return this;
    }

    public long blockCacheBytes() {
        return blockCacheBytes;
    }

    public ServerConfig blockCacheBytes(final long blockCacheBytes) {
        this.blockCacheBytes = blockCacheBytes;
        return this;
    }

    public long writeBufferBytes() {
        return writeBufferBytes;
    }

    public ServerConfig writeBufferBytes(final long writeBufferBytes) {
        this.writeBufferBytes = writeBufferBytes;
        return this;
    }

    public String compression() {
        return compression;
    }

    public ServerConfig compression(final String compression) {
        this.compression = compression;
        return this;
    }

    @Override
    public String toString() {
        return "ServerConfig{clusterId=" + clusterId + ", storeId=" + storeId + ", listen=" + listenEndpoint
            + ", dataDir=" + dataDir + ", aeronDir=" + aeronDir + ", embeddedDriver=" + embeddedDriver
            + ", threading=" + threadingMode + ", idle=" + idleStrategy + ", fsync=" + fsyncPolicy
            + ", syncIntervalMs=" + syncIntervalMs + ", maxKeyBytes=" + maxKeyBytes + ", maxValueBytes="
            + maxValueBytes + ", maxBatchSize=" + maxBatchSize + ", maxScanLimit=" + maxScanLimit
            + ", maxSessions=" + maxSessions + ", maxPendingHandshakes=" + maxPendingHandshakes
            + ", maxHandshakesPerSecond=" + maxHandshakesPerSecond + ", handshakeTimeoutMs=" + handshakeTimeoutMs
            + ", secret=" + (secret.isEmpty() ? "<none>" : "<set>") + ", adminSecret="
            + (adminSecret.isEmpty() ? "<none>" : "<set>") + ", clusterSecret="
            + (clusterSecret.isEmpty() ? "<none>" : "<set>") + ", " + raft
            + (storePd.enabled() ? ", " + storePd + ", " + split : "") + '}';
    }
}
