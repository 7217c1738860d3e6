package io.tkv.client;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.Header;
import io.tkv.codec.AuthenticateDecoder;
import io.tkv.codec.ConnectDecoder;
import io.tkv.codec.DisconnectDecoder;
import io.tkv.codec.ErrorResponseEncoder;
import io.tkv.codec.LocateRegionDecoder;
import io.tkv.codec.LocateRegionResponseEncoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;


import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for the tkv store in tests: its own Aeron client and subscription on a loopback UDP port, the real
 * handshake (HMAC-SHA256 over a random nonce), RawKV over an in-memory sorted map ({@link FakeRawKv} over
 * {@link FakeData}, which the stores of a test cluster share, deduplicating writes as the real stores do), and
 * knobs to misbehave: drop requests, freeze, answer with errors or NOT_LEADER with a hint, forget sessions
 * (UNAUTHENTICATED), hold replies back, cut scans short, stop and resume.
 *
 * <p>It validates every frame it receives with the store's {@link FrameValidator}, so tests also check that the
 * client's frames are well formed ({@link #malformedFrames()}).
 */
final class FakeStore implements AutoCloseable {
    static final int INGRESS_STREAM_ID = 1001;
    private static final int FRAGMENT_LIMIT = 64;

    private final String aeronDirectory;
    private final byte[] secret;
    private final long storeId;
    private final FakeData data;
    private final Map<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
    private final List<Long> requestIds = new CopyOnWriteArrayList<>();
    private final AtomicInteger malformed = new AtomicInteger();
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger sessionsOpened = new AtomicInteger();
    private final AtomicInteger disconnects = new AtomicInteger();
    private final AtomicLong lastSessionToken = new AtomicLong();
    private final Set<Long> disconnectedTokens = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Status> nextError = new AtomicReference<>();
    private final AtomicInteger nextErrorTimes = new AtomicInteger();
    private final AtomicReference<Status> nextResponseStatus = new AtomicReference<>();
    private final AtomicReference<Hint> notLeader = new AtomicReference<>();
    private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    private final List<String> clientNames = new CopyOnWriteArrayList<>();
    private final List<long[]> regions = new CopyOnWriteArrayList<>();
    private final List<Long> ttlsSeen = new CopyOnWriteArrayList<>();
    private final List<Integer> scanLimits = new CopyOnWriteArrayList<>();
    private volatile FakeRegions regionMap;
    private volatile boolean dropRequests;
    private volatile boolean frozen;
    private volatile boolean holdReplies;
    private volatile boolean alwaysUnauthenticated;
    private volatile int scanPageSize;
    private volatile int maxKeyBytes = 4096;
    private volatile int maxValueBytes = 1024 * 1024;
    private volatile int maxBatchSize = 1000;
    private volatile int maxScanLimit = 10_000;
    private int port;
    private Instance instance;

    private FakeStore(final String aeronDirectory, final byte[] secret, final long storeId, final FakeData data) {
        this.aeronDirectory = aeronDirectory;
        this.secret = secret.clone();
        this.storeId = storeId;
        this.data = data;
    }

    /**
     * @param aeronDirectory the media driver to use.
     * @param secret         the shared secret clients must prove.
     * @return a running store (id 1, data of its own) on an ephemeral loopback port.
     */
    static FakeStore start(final String aeronDirectory, final byte[] secret) {
        return start(aeronDirectory, secret, 1, new FakeData());
    }

    /**
     * @param aeronDirectory the media driver to use.
     * @param secret         the shared secret clients must prove.
     * @param storeId        what Connected reports.
     * @param data           the data, shared with the other stores of a test cluster.
     * @return a running store on an ephemeral loopback port.
     */
    static FakeStore start(final String aeronDirectory, final byte[] secret, final long storeId,
        final FakeData data) {
        final FakeStore store = new FakeStore(aeronDirectory, secret, storeId, data);
        store.instance = store.new Instance(0);
        store.port = store.instance.port;
        return store;
    }

    /** @return host:port of the store's ingress. */
    String endpoint() {
        return "127.0.0.1:" + port;
    }

    long storeId() {
        return storeId;
    }

    /** Closes all Aeron resources (clients see their images go) and starts afresh on the same port, data kept. */
    synchronized void restart() {
        stop();
        resume();
    }

    /** Stops like a process that exits: its Aeron client closes, its sessions are gone. */
    synchronized void stop() {
        if (instance != null) {
            instance.close();
            instance = null;
        }
    }

    /** Starts a new incarnation on the same port, with the data of the last and no sessions. */
    synchronized void resume() {
        if (instance == null) {
            instance = new Instance(port);
        }
    }

    /** Forgets every session's token: the next requests are answered UNAUTHENTICATED until clients re-handshake. */
    void forgetSessions() {
        instance.sessions.forget();
    }

    void dropRequests(final boolean drop) {
        dropRequests = drop;
    }

    /** Like a process stopped dead (kill -9 or SIGSTOP) whose media driver stays up: nothing at all is answered. */
    void freeze(final boolean freeze) {
        frozen = freeze;
    }

    void alwaysUnauthenticated(final boolean always) {
        alwaysUnauthenticated = always;
    }

    /**
     * From now on every request (under a valid session) is answered ErrorResponse NOT_LEADER with this hint.
     *
     * @param hintStoreId  the leader's store id, 0 for none.
     * @param hintEndpoint the leader's endpoint, "" for none.
     */
    void notLeader(final long hintStoreId, final String hintEndpoint) {
        notLeader.set(new Hint(hintStoreId, hintEndpoint));
    }

    /**
     * Checks every RawKV request against these regions (shared by the cluster) as a real store does, refusing with
     * NOT_LEADER for a region another store leads, and answers LocateRegion from them. Null: no checks, and
     * LocateRegion answers region 1 over every key at (1, 1).
     */
    void regionMap(final FakeRegions regions) {
        regionMap = regions;
    }

    /** Serves requests again (the leader). */
    void serve() {
        notLeader.set(null);
    }

    /** The next request is answered with ErrorResponse{status}. */
    void failNextWithError(final Status status) {
        failNextWithError(status, 1);
    }

    /** The next {@code times} requests are answered with ErrorResponse{status}. */
    void failNextWithError(final Status status, final int times) {
        nextErrorTimes.set(times);
        nextError.set(status);
    }

    /** The next request is answered with its own response type, carrying this status. */
    void failNextWithStatus(final Status status) {
        nextResponseStatus.set(status);
    }

    /** While on, replies are kept back until {@link #releaseHeldReplies()}. */
    void holdReplies(final boolean hold) {
        holdReplies = hold;
    }

    /** @return how many replies are held back. */
    int heldReplies() {
        return held.size();
    }

    /** Sends the replies held back, in order. */
    void releaseHeldReplies() {
        Held reply;
        while ((reply = held.poll()) != null) {
            offer(reply.publication, new UnsafeBuffer(reply.frame), reply.frame.length);
        }
    }

    /** Scans reply at most this many pairs per frame, with hasMore set when they cut (0: no cut). */
    void scanPageSize(final int pairs) {
        scanPageSize = pairs;
    }

    void limits(final int maxKeyBytes, final int maxValueBytes, final int maxBatchSize, final int maxScanLimit) {
        this.maxKeyBytes = maxKeyBytes;
        this.maxValueBytes = maxValueBytes;
        this.maxBatchSize = maxBatchSize;
        this.maxScanLimit = maxScanLimit;
    }

    FakeData fakeData() {
        return data;
    }

    NavigableMap<byte[], byte[]> data() {
        return data.data();
    }

    /** @return the ttl of the last write to this key (UTF-8 text), or null. */
    Long ttlOf(final String key) {
        return data.ttlOf(key);
    }

    /** @return frames of this template received (including those answered with errors). */
    int received(final int templateId) {
        final AtomicInteger count = received.get(templateId);
        return count == null ? 0 : count.get();
    }

    /** @return the correlation id of every request received (not handshake frames), in order. */
    List<Long> requestIds() {
        return requestIds;
    }

    /** @return changes writes made to the data (shared within a cluster). */
    int applied() {
        return data.applied();
    }

    int malformedFrames() {
        return malformed.get();
    }

    int connects() {
        return connects.get();
    }

    int disconnects() {
        return disconnects.get();
    }

    List<String> clientNames() {
        return clientNames;
    }

    /** @return {regionId, confVer, version} of each request received. */
    List<long[]> regions() {
        return regions;
    }

    List<Long> ttlsSeen() {
        return ttlsSeen;
    }

    List<Integer> scanLimits() {
        return scanLimits;
    }

    /** A session opened (FakeSessions). */
    void onSessionOpened(final long token) {
        sessionsOpened.incrementAndGet();
        lastSessionToken.set(token);
    }

    /** @return the token of the session opened last. */
    long lastSessionToken() {
        return lastSessionToken.get();
    }

    /** @return whether a Disconnect of the session with this token arrived. */
    boolean sawDisconnect(final long token) {
        return disconnectedTokens.contains(token);
    }

    /** @return sessions ever opened, across incarnations and resets (only grows). */
    int sessionsOpened() {
        return sessionsOpened.get();
    }

    /** A Connect arrived (FakeSessions). */
    void onConnect(final String clientName) {
        connects.incrementAndGet();
        clientNames.add(clientName);
    }

    /** @return {maxKeyBytes, maxValueBytes, maxBatchSize, maxScanLimit} as Connected announces them. */
    int[] limitsSetting() {
        return new int[] {maxKeyBytes, maxValueBytes, maxBatchSize, maxScanLimit};
    }

    int scanPageSizeSetting() {
        return scanPageSize;
    }

    int maxScanLimitSetting() {
        return maxScanLimit;
    }

    /** Clears data, counters and knobs between tests; sessions stay. */
    void reset() {
        data.clear();
        received.clear();
        requestIds.clear();
        malformed.set(0);
        connects.set(0);
        disconnects.set(0);
        nextError.set(null);
        nextResponseStatus.set(null);
        notLeader.set(null);
        held.clear();
        clientNames.clear();
        regions.clear();
        ttlsSeen.clear();
        scanLimits.clear();
        regionMap = null;
        dropRequests = false;
        frozen = false;
        holdReplies = false;
        alwaysUnauthenticated = false;
        scanPageSize = 0;
        limits(4096, 1024 * 1024, 1000, 10_000);
    }

    @Override
    public synchronized void close() {
        stop();
    }

    /** Offers a frame, retrying back-pressure for up to a second. */
    static void offer(final Publication publication, final DirectBuffer buffer, final int length) {
        final long deadline = System.nanoTime() + 1_000_000_000L;
        long result;
        do {
            result = publication.offer(buffer, 0, length);
            if (result > 0 || result == Publication.NOT_CONNECTED || result == Publication.CLOSED) {
                return;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - deadline < 0);
    }

    /** One incarnation of the store: what a restart throws away. */
    private final class Instance implements Agent {
        private final Aeron aeron;
        private final Subscription ingress;
        private final FragmentAssembler assembler;
        private final AgentRunner runner;
        private final int port;
        private final FrameValidator validator = Protocol.storeIngressValidator(1 << 16);
        private final FakeSessions sessions;
        private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
        private final FakeRawKv rawKv = new FakeRawKv(FakeStore.this, data, out);
        private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();

        Instance(final int requestedPort) {
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory));
            sessions = new FakeSessions(FakeStore.this, aeron, secret);
            Subscription subscription = null;
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (subscription == null) {
                try {
                    subscription = aeron.addSubscription(
                        "aeron:udp?endpoint=127.0.0.1:" + requestedPort, INGRESS_STREAM_ID);
                } catch (final RegistrationException ex) {
                    // The driver keeps the previous incarnation's socket bound for a while (about 1.5 s here).
                    if (System.nanoTime() - deadline > 0) {
                        aeron.close();
                        throw ex;
                    }
                    pause();
                }
            }
            ingress = subscription;
            String resolved = null;
            while (resolved == null) {
                resolved = ingress.tryResolveChannelEndpointPort();
                if (resolved == null) {
                    if (System.nanoTime() - deadline > 0) {
                        aeron.close();
                        throw new IllegalStateException("ingress did not bind");
                    }
                    pause();
                }
            }
            port = Integer.parseInt(resolved.substring(resolved.lastIndexOf(':') + 1));
            assembler = new FragmentAssembler(this::onFragment);
            runner = new AgentRunner(new BackoffIdleStrategy(10, 20, 1_000, 1_000_000),
                Throwable::printStackTrace, null, this);
            AgentRunner.startOnThread(runner);
        }

        @Override
        public int doWork() {
            return ingress.poll(assembler, FRAGMENT_LIMIT) + sessions.sendPendingChallenges();
        }

        @Override
        public String roleName() {
            return "fake-store";
        }

        void close() {
            CloseHelper.closeAll(runner, ingress, aeron);
        }

        private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header hdr) {
            final boolean valid = validator.validate(buffer, offset, length) == FrameValidator.VALID;
            if (frozen) {
                // Dead to the world, but what reached its socket is on record.
                if (valid && validator.templateId() >= RawGetDecoder.TEMPLATE_ID) {
                    requestIds.add(Protocol.correlationId(buffer, offset, length));
                }
                return;
            }
            if (!valid) {
                malformed.incrementAndGet();
                reply(sessions.byImage(hdr.sessionId()), error(Protocol.correlationId(buffer, offset, length),
                    Status.MALFORMED, "fake store: " + validator.lastError(), null));
                return;
            }
            headerDecoder.wrap(buffer, offset);
            final int templateId = headerDecoder.templateId();
            received.computeIfAbsent(templateId, id -> new AtomicInteger()).incrementAndGet();
            final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            final int blockLength = headerDecoder.blockLength();
            final int version = headerDecoder.version();
            switch (templateId) {
                case ConnectDecoder.TEMPLATE_ID:
                    sessions.onConnect(new ConnectDecoder().wrap(buffer, body, blockLength, version), hdr.sessionId());
                    return;
                case AuthenticateDecoder.TEMPLATE_ID:
                    sessions.onAuthenticate(new AuthenticateDecoder().wrap(buffer, body, blockLength, version));
                    return;
                case DisconnectDecoder.TEMPLATE_ID:
                    final long token = new DisconnectDecoder().wrap(buffer, body, blockLength, version).sessionToken();
                    sessions.onDisconnect(token);
                    disconnectedTokens.add(token);
                    disconnects.incrementAndGet();
                    return;
                default:
                    onRequest(buffer, body, blockLength, version, templateId, hdr.sessionId());
            }
        }

        private void onRequest(final DirectBuffer buffer, final int body, final int blockLength, final int version,
            final int templateId, final int imageSessionId) {
            final long correlationId = buffer.getLong(body, ByteOrder.LITTLE_ENDIAN);
            final long token = buffer.getLong(body + Long.BYTES, ByteOrder.LITTLE_ENDIAN);
            requestIds.add(correlationId);
            if (dropRequests) {
                return;
            }
            final Publication publication = sessions.byToken(token);
            if (publication == null || alwaysUnauthenticated) {
                reply(sessions.byImage(imageSessionId),
                    error(correlationId, Status.UNAUTHENTICATED, "no session: connect and authenticate first", null));
                return;
            }
            final Hint hint = notLeader.get();
            if (hint != null) {
                reply(publication, error(correlationId, Status.NOT_LEADER, "fake store " + storeId + " follows", hint));
                return;
            }
            final Status error = nextError.get();
            if (error != null) {
                if (nextErrorTimes.decrementAndGet() <= 0) {
                    nextError.set(null);
                }
                reply(publication, error(correlationId, error, "fake store says " + error, null));
                return;
            }
            if (templateId == LocateRegionDecoder.TEMPLATE_ID) {
                reply(publication, locate(new LocateRegionDecoder().wrap(buffer, body, blockLength, version)));
                return;
            }
            final FakeRegions checked = regionMap;
            final FakeRegions.Refusal refusal = checked == null ? null :
                checked.check(storeId, templateId, buffer, body, blockLength, version);
            if (refusal != null) {
                final FakeRegions.Region leader = refusal.leaderStoreId() == 0 ? null :
                    checked.byId(buffer.getLong(body + RawGetDecoder.regionEncodingOffset(), ByteOrder.LITTLE_ENDIAN));
                reply(publication, error(correlationId, refusal.status(), "fake store " + storeId + " refuses",
                    leader == null ? null : new Hint(refusal.leaderStoreId(), ""), refusal.regions()));
                return;
            }
            final long clientId = FakeRawKv.clientId(templateId, buffer, body, blockLength);
            final byte[] earlier = clientId == 0 ? null : data.outcome(clientId, correlationId);
            if (earlier != null) {
                // A resent write: answered with the outcome of its first copy, not applied again.
                holdOrOffer(publication, earlier);
                return;
            }
            final Status status = nextResponseStatus.getAndSet(null);
            final Status replyStatus = status == null ? Status.OK : status;
            final String message = status == null ? "" : "fake store says " + status;
            int length = rawKv.run(templateId, buffer, body, blockLength, version, replyStatus, message);
            if (length < 0) {
                length = error(correlationId, Status.MALFORMED, "unexpected template " + templateId, null);
            } else if (clientId != 0) {
                data.recordOutcome(clientId, correlationId, copy(length));
            }
            reply(publication, length);
        }

        private int error(final long correlationId, final Status status, final String message, final Hint hint) {
            return error(correlationId, status, message, hint, List.of());
        }

        private int error(final long correlationId, final Status status, final String message, final Hint hint,
            final List<FakeRegions.Region> carried) {
            final byte[] list = carried.isEmpty() ? new byte[0] : regionMap.encode(carried);
            final ErrorResponseEncoder encoder = new ErrorResponseEncoder().wrapAndApplyHeader(out, 0, header)
                .correlationId(correlationId).status(status).requestTemplateId(0)
                .leaderStoreId(hint == null ? 0 : hint.storeId).errorMessage(message)
                .leaderEndpoint(hint == null ? "" : hint.endpoint).putRegions(list, 0, list.length);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private int locate(final LocateRegionDecoder request) {
            final long correlationId = request.correlationId();
            final byte[] key = new byte[request.keyLength()];
            request.getKey(key, 0, key.length);
            final FakeRegions map = regionMap;
            final FakeRegions answering = map != null ? map : new FakeRegions(0);
            final List<FakeRegions.Region> found = map != null ? map.locate(storeId, key) :
                List.of(new FakeRegions.Region(1, new byte[0], new byte[0], 1, 1, 0, new long[0]));
            final byte[] list = found.isEmpty() ? new byte[0] : answering.encode(found);
            final LocateRegionResponseEncoder encoder = new LocateRegionResponseEncoder()
                .wrapAndApplyHeader(out, 0, header).correlationId(correlationId)
                .status(found.isEmpty() ? Status.REGION_NOT_FOUND : Status.OK).errorMessage("")
                .putRegions(list, 0, list.length);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private void reply(final Publication publication, final int length) {
            if (publication != null) {
                if (holdReplies) {
                    held.add(new Held(publication, copy(length)));
                } else {
                    offer(publication, out, length);
                }
            }
        }

        private void holdOrOffer(final Publication publication, final byte[] frame) {
            if (holdReplies) {
                held.add(new Held(publication, frame));
            } else {
                offer(publication, new UnsafeBuffer(frame), frame.length);
            }
        }

        private byte[] copy(final int length) {
            final byte[] frame = new byte[length];
            out.getBytes(0, frame);
            return frame;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** A NOT_LEADER answer's leader hint. */
    private static final class Hint {
        final long storeId;
        final String endpoint;

        Hint(final long storeId, final String endpoint) {
            this.storeId = storeId;
            this.endpoint = endpoint;
        }
    }

    /** A reply kept back. */
    private static final class Held {
        final Publication publication;
        final byte[] frame;

        Held(final Publication publication, final byte[] frame) {
            this.publication = publication;
            this.frame = frame;
        }
    }
}
