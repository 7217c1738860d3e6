package io.tkv.client;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.Header;
import io.tkv.codec.AuthenticateDecoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.ChallengeEncoder;
import io.tkv.codec.ConnectDecoder;
import io.tkv.codec.ConnectedEncoder;
import io.tkv.codec.DisconnectDecoder;
import io.tkv.codec.ErrorResponseEncoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchDeleteResponseEncoder;
import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawBatchGetResponseEncoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawBatchPutResponseEncoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawCompareAndSwapResponseEncoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawDeleteRangeResponseEncoder;
import io.tkv.codec.RawDeleteResponseEncoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawGetResponseEncoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawPutResponseEncoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.RawScanResponseEncoder;
import io.tkv.codec.RegionContextDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for the tkv store in tests: its own Aeron client and subscription on a loopback UDP port, the real
 * handshake (HMAC-SHA256 over a random nonce), RawKV over an in-memory sorted map, and knobs to misbehave: drop
 * requests, answer with errors, forget sessions (UNAUTHENTICATED), cut scans short, restart.
 *
 * <p>It validates every frame it receives with the store's {@link FrameValidator}, so tests also check that the
 * client's frames are well formed ({@link #malformedFrames()}).
 */
final class FakeStore implements AutoCloseable {
    static final int INGRESS_STREAM_ID = 1001;
    private static final int FRAGMENT_LIMIT = 64;

    private final String aeronDirectory;
    private final byte[] secret;
    private final NavigableMap<byte[], byte[]> data = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final Map<String, Long> ttls = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
    private final AtomicInteger applied = new AtomicInteger();
    private final AtomicInteger malformed = new AtomicInteger();
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger disconnects = new AtomicInteger();
    private final AtomicReference<Status> nextError = new AtomicReference<>();
    private final AtomicReference<Status> nextResponseStatus = new AtomicReference<>();
    private final List<String> clientNames = new CopyOnWriteArrayList<>();
    private final List<long[]> regions = new CopyOnWriteArrayList<>();
    private final List<Long> ttlsSeen = new CopyOnWriteArrayList<>();
    private final List<Integer> scanLimits = new CopyOnWriteArrayList<>();
    private volatile boolean dropRequests;
    private volatile boolean alwaysUnauthenticated;
    private volatile int scanPageSize;
    private volatile int maxKeyBytes = 4096;
    private volatile int maxValueBytes = 1024 * 1024;
    private volatile int maxBatchSize = 1000;
    private volatile int maxScanLimit = 10_000;
    private int port;
    private Instance instance;

    private FakeStore(final String aeronDirectory, final byte[] secret) {
        this.aeronDirectory = aeronDirectory;
        this.secret = secret.clone();
    }

    /**
     * @param aeronDirectory the media driver to use.
     * @param secret         the shared secret clients must prove.
     * @return a running store on an ephemeral loopback port.
     */
    static FakeStore start(final String aeronDirectory, final byte[] secret) {
        final FakeStore store = new FakeStore(aeronDirectory, secret);
        store.instance = store.new Instance(0);
        store.port = store.instance.port;
        return store;
    }

    /** @return host:port of the store's ingress. */
    String endpoint() {
        return "127.0.0.1:" + port;
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
        instance.tokens.clear();
    }

    void dropRequests(final boolean drop) {
        dropRequests = drop;
    }

    void alwaysUnauthenticated(final boolean always) {
        alwaysUnauthenticated = always;
    }

    /** The next request is answered with ErrorResponse{status}. */
    void failNextWithError(final Status status) {
        nextError.set(status);
    }

    /** The next request is answered with its own response type, carrying this status. */
    void failNextWithStatus(final Status status) {
        nextResponseStatus.set(status);
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

    NavigableMap<byte[], byte[]> data() {
        return data;
    }

    /** @return the ttl of the last write to this key (UTF-8 text), or null. */
    Long ttlOf(final String key) {
        return ttls.get(key);
    }

    /** @return frames of this template received (including those answered with errors). */
    int received(final int templateId) {
        final AtomicInteger count = received.get(templateId);
        return count == null ? 0 : count.get();
    }

    /** @return writes that changed the data. */
    int applied() {
        return applied.get();
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

    /** Clears data, counters and knobs between tests; sessions stay. */
    void reset() {
        data.clear();
        ttls.clear();
        received.clear();
        applied.set(0);
        malformed.set(0);
        connects.set(0);
        disconnects.set(0);
        nextError.set(null);
        nextResponseStatus.set(null);
        clientNames.clear();
        regions.clear();
        ttlsSeen.clear();
        scanLimits.clear();
        dropRequests = false;
        alwaysUnauthenticated = false;
        scanPageSize = 0;
        limits(4096, 1024 * 1024, 1000, 10_000);
    }

    @Override
    public synchronized void close() {
        stop();
    }

    private boolean verify(final byte[] nonce, final byte[] proof) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
            return MessageDigest.isEqual(mac.doFinal(nonce), proof);
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String text(final byte[] bytes) {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** One incarnation of the store: what a restart throws away. */
    private final class Instance implements Agent {
        private final Aeron aeron;
        private final Subscription ingress;
        private final FragmentAssembler assembler;
        private final AgentRunner runner;
        private final int port;
        private final SecureRandom random = new SecureRandom();
        private final FrameValidator validator = Protocol.storeIngressValidator(1 << 16);
        private final Map<Long, Long> tokens = new ConcurrentHashMap<>();
        private final Map<Long, Publication> byToken = new ConcurrentHashMap<>();
        private final Map<Integer, Publication> byImage = new ConcurrentHashMap<>();
        private final Map<Long, Handshake> handshakes = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<Handshake> challengesToSend = new ConcurrentLinkedQueue<>();
        private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
        private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();

        Instance(final int requestedPort) {
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory));
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
            int work = ingress.poll(assembler, FRAGMENT_LIMIT);
            for (int i = challengesToSend.size(); i > 0; i--) {
                final Handshake handshake = challengesToSend.poll();
                if (!sendChallenge(handshake)) {
                    challengesToSend.add(handshake);
                }
                work++;
            }
            return work;
        }

        @Override
        public String roleName() {
            return "fake-store";
        }

        void close() {
            CloseHelper.closeAll(runner, ingress, aeron);
        }

        private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header hdr) {
            if (validator.validate(buffer, offset, length) != FrameValidator.VALID) {
                malformed.incrementAndGet();
                reply(byImage.get(hdr.sessionId()), error(Protocol.correlationId(buffer, offset, length),
                    Status.MALFORMED, "fake store: " + validator.lastError()));
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
                    onConnect(new ConnectDecoder().wrap(buffer, body, blockLength, version), hdr.sessionId());
                    return;
                case AuthenticateDecoder.TEMPLATE_ID:
                    onAuthenticate(new AuthenticateDecoder().wrap(buffer, body, blockLength, version));
                    return;
                case DisconnectDecoder.TEMPLATE_ID:
                    final long token = new DisconnectDecoder().wrap(buffer, body, blockLength, version).sessionToken();
                    tokens.remove(token);
                    disconnects.incrementAndGet();
                    return;
                default:
                    onRequest(buffer, body, blockLength, version, templateId, hdr.sessionId());
            }
        }

        private void onConnect(final ConnectDecoder connect, final int imageSessionId) {
            connects.incrementAndGet();
            final long correlationId = connect.correlationId();
            final int streamId = connect.egressStreamId();
            final String channel = connect.egressChannel();
            clientNames.add(connect.clientName());
            final Publication publication = aeron.addPublication(channel, streamId);
            byImage.put(imageSessionId, publication);
            final byte[] nonce = new byte[32];
            random.nextBytes(nonce);
            final Handshake handshake = new Handshake(correlationId, random.nextLong(), nonce, publication);
            handshakes.put(handshake.handshakeId, handshake);
            if (!sendChallenge(handshake)) {
                challengesToSend.add(handshake);
            }
        }

        private boolean sendChallenge(final Handshake handshake) {
            if (!handshake.publication.isConnected()) {
                return false;
            }
            final ChallengeEncoder encoder = new ChallengeEncoder().wrapAndApplyHeader(out, 0, header)
                .correlationId(handshake.correlationId)
                .handshakeId(handshake.handshakeId)
                .putNonce(handshake.nonce, 0, handshake.nonce.length);
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
            return handshake.publication.offer(out, 0, length) > 0;
        }

        private void onAuthenticate(final AuthenticateDecoder authenticate) {
            final long correlationId = authenticate.correlationId();
            final Handshake handshake = handshakes.remove(authenticate.handshakeId());
            final byte[] proof = new byte[authenticate.hmacLength()];
            authenticate.getHmac(proof, 0, proof.length);
            if (handshake == null) {
                return;
            }
            final ConnectedEncoder connected = new ConnectedEncoder().wrapAndApplyHeader(out, 0, header)
                .correlationId(correlationId);
            if (verify(handshake.nonce, proof)) {
                long token;
                do {
                    token = random.nextLong();
                } while (token == 0);
                tokens.put(token, token);
                byToken.put(token, handshake.publication);
                connected.status(Status.OK).sessionToken(token).maxKeyBytes(maxKeyBytes).maxValueBytes(maxValueBytes)
                    .maxBatchSize(maxBatchSize).maxScanLimit(maxScanLimit).storeId(1).errorMessage("");
            } else {
                connected.status(Status.UNAUTHENTICATED).sessionToken(0).maxKeyBytes(0).maxValueBytes(0)
                    .maxBatchSize(0).maxScanLimit(0).storeId(1).errorMessage("authentication failed: wrong secret");
            }
            offer(handshake.publication, MessageHeaderEncoder.ENCODED_LENGTH + connected.encodedLength());
        }

        private void onRequest(final DirectBuffer buffer, final int body, final int blockLength, final int version,
            final int templateId, final int imageSessionId) {
            final long correlationId = buffer.getLong(body, java.nio.ByteOrder.LITTLE_ENDIAN);
            final long token = buffer.getLong(body + Long.BYTES, java.nio.ByteOrder.LITTLE_ENDIAN);
            if (dropRequests) {
                return;
            }
            final Publication publication = tokens.containsKey(token) ? byToken.get(token) : null;
            if (publication == null || alwaysUnauthenticated) {
                reply(byImage.get(imageSessionId),
                    error(correlationId, Status.UNAUTHENTICATED, "no session: connect and authenticate first"));
                return;
            }
            final Status error = nextError.getAndSet(null);
            if (error != null) {
                reply(publication, error(correlationId, error, "fake store says " + error));
                return;
            }
            final Status status = nextResponseStatus.getAndSet(null);
            final Status replyStatus = status == null ? Status.OK : status;
            final String message = status == null ? "" : "fake store says " + status;
            final int length;
            switch (templateId) {
                case RawGetDecoder.TEMPLATE_ID:
                    length = get(new RawGetDecoder().wrap(buffer, body, blockLength, version), replyStatus, message);
                    break;
                case RawBatchGetDecoder.TEMPLATE_ID:
                    length = batchGet(new RawBatchGetDecoder().wrap(buffer, body, blockLength, version), replyStatus,
                        message);
                    break;
                case RawPutDecoder.TEMPLATE_ID:
                    length = put(new RawPutDecoder().wrap(buffer, body, blockLength, version), replyStatus, message);
                    break;
                case RawBatchPutDecoder.TEMPLATE_ID:
                    length = batchPut(new RawBatchPutDecoder().wrap(buffer, body, blockLength, version), replyStatus,
                        message);
                    break;
                case RawDeleteDecoder.TEMPLATE_ID:
                    length = delete(new RawDeleteDecoder().wrap(buffer, body, blockLength, version), replyStatus,
                        message);
                    break;
                case RawBatchDeleteDecoder.TEMPLATE_ID:
                    length = batchDelete(new RawBatchDeleteDecoder().wrap(buffer, body, blockLength, version),
                        replyStatus, message);
                    break;
                case RawDeleteRangeDecoder.TEMPLATE_ID:
                    length = deleteRange(new RawDeleteRangeDecoder().wrap(buffer, body, blockLength, version),
                        replyStatus, message);
                    break;
                case RawScanDecoder.TEMPLATE_ID:
                    length = scan(new RawScanDecoder().wrap(buffer, body, blockLength, version), replyStatus, message);
                    break;
                case RawCompareAndSwapDecoder.TEMPLATE_ID:
                    length = cas(new RawCompareAndSwapDecoder().wrap(buffer, body, blockLength, version), replyStatus,
                        message);
                    break;
                default:
                    length = error(correlationId, Status.MALFORMED, "unexpected template " + templateId);
                    break;
            }
            reply(publication, length);
        }

        private void region(final RegionContextDecoder region) {
            regions.add(new long[] {region.regionId(), region.confVer(), region.version()});
        }

        private int get(final RawGetDecoder request, final Status status, final String message) {
            region(request.region());
            final byte[] key = bytes(request.keyLength(), request::getKey);
            final byte[] value = status == Status.OK ? data.get(key) : null;
            final byte[] out2 = value == null ? new byte[0] : value;
            final RawGetResponseEncoder encoder = new RawGetResponseEncoder().wrapAndApplyHeader(out, 0, header)
                .correlationId(request.correlationId()).status(status)
                .found(value == null ? BooleanType.FALSE : BooleanType.TRUE);
            encoder.putValue(out2, 0, out2.length).errorMessage(message);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private int batchGet(final RawBatchGetDecoder request, final Status status, final String message) {
            final long correlationId = request.correlationId();
            region(request.region());
            final List<byte[]> keys = new ArrayList<>();
            for (final RawBatchGetDecoder.KeysDecoder entry : request.keys()) {
                keys.add(bytes(entry.keyLength(), entry::getKey));
            }
            final RawBatchGetResponseEncoder encoder = new RawBatchGetResponseEncoder()
                .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status);
            final RawBatchGetResponseEncoder.PairsEncoder pairs = encoder.pairsCount(keys.size());
            for (final byte[] key : keys) {
                final byte[] value = data.get(key);
                final byte[] valueOut = value == null ? new byte[0] : value;
                pairs.next().found(value == null ? BooleanType.FALSE : BooleanType.TRUE)
                    .putKey(key, 0, key.length).putValue(valueOut, 0, valueOut.length);
            }
            encoder.errorMessage(message);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private int put(final RawPutDecoder request, final Status status, final String message) {
            final long correlationId = request.correlationId();
            region(request.region());
            final long ttl = request.ttlSeconds();
            final byte[] key = bytes(request.keyLength(), request::getKey);
            final byte[] value = bytes(request.valueLength(), request::getValue);
            ttlsSeen.add(ttl);
            if (status == Status.OK) {
                write(key, value, ttl);
            }
            final RawPutResponseEncoder encoder = new RawPutResponseEncoder().wrapAndApplyHeader(out, 0, header)
                .correlationId(correlationId).status(status).errorMessage(message);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private int batchPut(final RawBatchPutDecoder request, final Status status, final String message) {
            final long correlationId = request.correlationId();
            region(request.region());
            final long ttl = request.ttlSeconds();
            ttlsSeen.add(ttl);
            for (final RawBatchPutDecoder.PairsDecoder pair : request.pairs()) {
                final byte[] key = bytes(pair.keyLength(), pair::getKey);
                final byte[] value = bytes(pair.valueLength(), pair::getValue);
                if (status == Status.OK) {
                    write(key, value, ttl);
                }
            }
            final RawBatchPutResponseEncoder encoder = new RawBatchPutResponseEncoder()
                .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status).errorMessage(message);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private int delete(final RawDeleteDecoder request, final Status status, final String message) {
            final long correlationId = request.correlationId();
            region(request.region());
            final byte[] key = bytes(request.keyLength(), request::getKey);
            if (status == Status.OK && data.remove(key) != null) {
                applied.incrementAndGet();
            }
            final RawDeleteResponseEncoder encoder = new RawDeleteResponseEncoder().wrapAndApplyHeader(out, 0, header)
                .correlationId(correlationId).status(status).errorMessage(message);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private int batchDelete(final RawBatchDeleteDecoder request, final Status status, final String message) {
            final long correlationId = request.correlationId();
            region(request.region());
            for (final RawBatchDeleteDecoder.KeysDecoder entry : request.keys()) {
                final byte[] key = bytes(entry.keyLength(), entry::getKey);
                if (status == Status.OK && data.remove(key) != null) {
                    applied.incrementAndGet();
                }
            }
            final RawBatchDeleteResponseEncoder encoder = new RawBatchDeleteResponseEncoder()
                .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status).errorMessage(message);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private int deleteRange(final RawDeleteRangeDecoder request, final Status status, final String message) {
            final long correlationId = request.correlationId();
            region(request.region());
            final byte[] start = bytes(request.startKeyLength(), request::getStartKey);
            final byte[] end = bytes(request.endKeyLength(), request::getEndKey);
            if (status == Status.OK) {
                final NavigableMap<byte[], byte[]> range = end.length == 0 ? data.tailMap(start, true) :
                    data.subMap(start, true, end, false);
                applied.addAndGet(range.size());
                range.clear();
            }
            final RawDeleteRangeResponseEncoder encoder = new RawDeleteRangeResponseEncoder()
                .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status).errorMessage(message);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private int scan(final RawScanDecoder request, final Status status, final String message) {
            final long correlationId = request.correlationId();
            region(request.region());
            final int limit = request.scanLimit();
            final boolean reverse = request.reverse() == BooleanType.TRUE;
            final boolean keyOnly = request.keyOnly() == BooleanType.TRUE;
            final byte[] start = bytes(request.startKeyLength(), request::getStartKey);
            final byte[] end = bytes(request.endKeyLength(), request::getEndKey);
            scanLimits.add(limit);
            NavigableMap<byte[], byte[]> range = end.length == 0 ? data.tailMap(start, true) :
                data.subMap(start, true, end, false);
            if (reverse) {
                range = range.descendingMap();
            }
            final int page = scanPageSize;
            final int take = Math.min(limit, page > 0 ? page : Integer.MAX_VALUE);
            final List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
            boolean more = false;
            if (status == Status.OK && limit <= maxScanLimit) {
                for (final Map.Entry<byte[], byte[]> entry : range.entrySet()) {
                    if (entries.size() == take) {
                        more = take < limit;
                        break;
                    }
                    entries.add(entry);
                }
            }
            final RawScanResponseEncoder encoder = new RawScanResponseEncoder().wrapAndApplyHeader(out, 0, header)
                .correlationId(correlationId)
                .status(limit > maxScanLimit ? Status.TOO_LARGE : status)
                .hasMore(more ? BooleanType.TRUE : BooleanType.FALSE);
            final RawScanResponseEncoder.PairsEncoder pairs = encoder.pairsCount(entries.size());
            for (final Map.Entry<byte[], byte[]> entry : entries) {
                final byte[] value = keyOnly ? new byte[0] : entry.getValue();
                pairs.next().putKey(entry.getKey(), 0, entry.getKey().length).putValue(value, 0, value.length);
            }
            encoder.errorMessage(limit > maxScanLimit ? "scan limit over " + maxScanLimit : message);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private int cas(final RawCompareAndSwapDecoder request, final Status status, final String message) {
            final long correlationId = request.correlationId();
            region(request.region());
            final long ttl = request.ttlSeconds();
            final boolean expectAbsent = request.expectAbsent() == BooleanType.TRUE;
            final byte[] key = bytes(request.keyLength(), request::getKey);
            final byte[] expected = bytes(request.expectedValueLength(), request::getExpectedValue);
            final byte[] newValue = bytes(request.newValueLength(), request::getNewValue);
            ttlsSeen.add(ttl);
            final byte[] previous = data.get(key);
            final boolean swap = status == Status.OK &&
                (expectAbsent ? previous == null : previous != null && Arrays.equals(previous, expected));
            if (swap) {
                write(key, newValue, ttl);
            }
            final byte[] previousOut = previous == null ? new byte[0] : previous;
            final RawCompareAndSwapResponseEncoder encoder = new RawCompareAndSwapResponseEncoder()
                .wrapAndApplyHeader(out, 0, header).correlationId(correlationId).status(status)
                .swapped(swap ? BooleanType.TRUE : BooleanType.FALSE)
                .previousFound(previous == null ? BooleanType.FALSE : BooleanType.TRUE);
            encoder.putPreviousValue(previousOut, 0, previousOut.length).errorMessage(message);
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private void write(final byte[] key, final byte[] value, final long ttl) {
            data.put(key, value);
            ttls.put(text(key), ttl);
            applied.incrementAndGet();
        }

        private int error(final long correlationId, final Status status, final String message) {
            final ErrorResponseEncoder encoder = new ErrorResponseEncoder().wrapAndApplyHeader(out, 0, header)
                .correlationId(correlationId).status(status).requestTemplateId(0).leaderStoreId(0).errorMessage(message)
                .leaderEndpoint("");
            return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }

        private void reply(final Publication publication, final int length) {
            if (publication != null) {
                offer(publication, length);
            }
        }

        private void offer(final Publication publication, final int length) {
            final long deadline = System.nanoTime() + 1_000_000_000L;
            long result;
            do {
                result = publication.offer(out, 0, length);
                if (result > 0 || result == Publication.NOT_CONNECTED || result == Publication.CLOSED) {
                    return;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() - deadline < 0);
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

    /** Reads a var-data field into a fresh array. */
    private interface Getter {
        int get(byte[] dst, int offset, int length);
    }

    private static byte[] bytes(final int length, final Getter getter) {
        final byte[] bytes = new byte[length];
        getter.get(bytes, 0, length);
        return bytes;
    }

    /** A Connect awaiting its Authenticate. */
    private static final class Handshake {
        final long correlationId;
        final long handshakeId;
        final byte[] nonce;
        final Publication publication;

        Handshake(final long correlationId, final long handshakeId, final byte[] nonce, final Publication publication) {
            this.correlationId = correlationId;
            this.handshakeId = handshakeId;
            this.nonce = nonce;
            this.publication = publication;
        }
    }
}
