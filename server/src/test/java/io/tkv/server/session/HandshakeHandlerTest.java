package io.tkv.server.session;

import io.tkv.codec.AuthenticateEncoder;
import io.tkv.codec.ConnectEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.auth.HmacSha256;
import io.tkv.server.StoreCounters;
import io.tkv.server.config.ServerConfig;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handshake's bounds, driven by hand: the test's clock, a fake media driver ({@link FakeHandshakeEgress}) and
 * frames handed straight to the handler, as the ingress agent would.
 */
class HandshakeHandlerTest {
    private static final String SECRET = "the client secret";
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int EGRESS_STREAM = 1002;
    private static final int IMAGE = 77;

    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(512);
    private final FakeHandshakeEgress egress = new FakeHandshakeEgress();
    private final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(64 * CountersReader.METADATA_LENGTH)),
        new UnsafeBuffer(ByteBuffer.allocateDirect(64 * CountersReader.COUNTER_LENGTH)));
    private final StoreCounters counters = new StoreCounters((typeId, label) -> countersManager.newCounter(label,
        typeId));
    private long nowNs = TimeUnit.SECONDS.toNanos(1_000);
    private SessionRegistry registry;
    private HandshakeHandler handler;

    private void start(final int maxSessions, final int maxPending, final int perSecond, final long timeoutMs) {
        final ServerConfig config = new ServerConfig().maxSessions(maxSessions).maxPendingHandshakes(maxPending)
            .maxHandshakesPerSecond(perSecond).handshakeTimeoutMs(timeoutMs);
        registry = new SessionRegistry(maxSessions, new HmacAuthenticator(SECRET, ""));
        handler = new HandshakeHandler(egress, config, registry, counters);
    }

    private static String udp(final int port) {
        return "aeron:udp?endpoint=127.0.0.1:" + port;
    }

    private void connect(final String channel, final long correlationId) {
        new ConnectEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).correlationId(correlationId)
            .egressStreamId(EGRESS_STREAM).egressChannel(channel).clientName("client-" + correlationId);
        handler.onConnect(buffer, 0, ConnectEncoder.BLOCK_LENGTH, ConnectEncoder.SCHEMA_VERSION, IMAGE, nowNs);
    }

    private void authenticate(final long handshakeId, final byte[] proof) {
        new AuthenticateEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).correlationId(9)
            .handshakeId(handshakeId).putHmac(proof, 0, proof.length).putClientKey(proof, 0, 0);
        handler.onAuthenticate(buffer, 0, AuthenticateEncoder.BLOCK_LENGTH, AuthenticateEncoder.SCHEMA_VERSION, nowNs);
    }

    private static byte[] proof(final String secret, final byte[] nonce) {
        return new HmacSha256(secret.getBytes(StandardCharsets.UTF_8)).mac(nonce);
    }

    /** Advances the clock and runs the handler's duty cycle. */
    private int tick(final long ms) {
        nowNs += ms * MS;
        return handler.doWork(nowNs, image -> true);
    }

    /** Connect, the driver makes the publication, Challenge, Authenticate with the right secret. */
    private ClientSession openSession(final int port) {
        connect(udp(port), port);
        egress.makeAllReadyAndConnected();
        tick(1);
        final FakeHandshakeEgress.Challenge challenge = egress.challenges.stream()
            .filter(sent -> sent.correlationId() == port).reduce((a, b) -> b).orElseThrow();
        authenticate(challenge.handshakeId(), proof(SECRET, challenge.nonce()));
        assertEquals(Status.OK, egress.lastAnswer().status(), egress.lastAnswer().message());
        return registry.byToken(egress.lastAnswer().token());
    }

    @Test
    void shouldAskForTheEgressPublicationWithoutWaitingAndChallengeOnceItIsThere() {
        start(8, 8, 100, 10_000);
        connect(udp(40_001), 1);
        assertEquals(1, egress.channels.size(), "asked for, not waited for");
        final long registrationId = egress.channels.keySet().iterator().next();
        tick(1);
        assertTrue(egress.challenges.isEmpty(), "the driver has not made it yet");
        egress.makeReady(registrationId);
        tick(1);
        assertTrue(egress.challenges.isEmpty(), "made, but the client's egress is not connected yet");
        egress.connect(registrationId);
        tick(1);
        assertEquals(1, egress.challenges.size());
        assertEquals(1, egress.lastChallenge().correlationId());
        assertEquals(0, registry.size(), "no session before a proof");

        authenticate(egress.lastChallenge().handshakeId(), proof(SECRET, egress.lastChallenge().nonce()));
        assertEquals(Status.OK, egress.lastAnswer().status());
        assertNotEquals(0, egress.lastAnswer().token());
        assertNotNull(registry.byToken(egress.lastAnswer().token()));
        assertTrue(egress.released.contains(registrationId), "the session owns the publication now");
        assertFalse(egress.closed.contains(registrationId));
        assertEquals(0, handler.pendingHandshakes());
        assertEquals(1, counters.sessions().get());
        assertEquals(0, counters.pendingHandshakes().get());
    }

    @Test
    void shouldDropConnectsOverTheRateWithNeitherPublicationNorReply() {
        start(1_000, 1_000, 10, 10_000);
        for (int i = 0; i < 25; i++) {
            connect(udp(41_000 + i), i);
        }
        assertEquals(10, egress.channels.size(), "a second's worth at once");
        assertEquals(15, counters.handshakesDropped().get());
        tick(500);
        for (int i = 25; i < 35; i++) {
            connect(udp(41_000 + i), i);
        }
        assertEquals(15, egress.channels.size(), "then 10 a second");
        assertEquals(20, counters.handshakesDropped().get());
        egress.makeAllReadyAndConnected();
        tick(1);
        assertEquals(15, egress.challenges.size(), "only what was taken is answered");
        assertTrue(egress.answers.isEmpty());
    }

    @Test
    void shouldBoundHandshakesApartFromSessionsAndLetTheOldestGo() {
        start(3, 4, 1_000, 10_000);
        final ClientSession first = openSession(42_001);
        final ClientSession second = openSession(42_002);
        final int sessionPublications = egress.channels.size();
        for (int i = 0; i < 10; i++) {
            connect(udp(43_000 + i), 100 + i);
            assertTrue(handler.pendingHandshakes() <= 4);
            assertTrue(egress.open() <= 4, "publications held by handshakes: " + egress.open());
        }
        assertEquals(sessionPublications + 10, egress.channels.size());
        assertEquals(6, counters.handshakesExpired().get(), "the six oldest gave way");
        assertEquals(4, counters.pendingHandshakes().get());
        assertEquals(2, registry.size(), "the flood took no session's slot");
        assertEquals(first, registry.byToken(first.token()));
        assertEquals(second, registry.byToken(second.token()));

        final ClientSession third = openSession(44_000);
        assertEquals(3, registry.size(), "a client that answers still gets in");
        assertNotNull(third);
    }

    @Test
    void shouldReadSendersWithoutASessionAtABoundedRateOnly() {
        start(8, 8, 10, 10_000);
        final ClientSession session = openSession(42_500);
        final int other = IMAGE + 1;
        int read = 0;
        for (int i = 0; i < 1_000; i++) {
            if (handler.mayRead(other, nowNs)) {
                read++;
            }
        }
        assertEquals(40, read, "four messages per handshake a second, a second's worth at once");
        for (int i = 0; i < 1_000; i++) {
            assertTrue(handler.mayRead(session.imageSessionId(), nowNs), "a session's image is always read");
        }
        tick(250);
        read = 0;
        for (int i = 0; i < 1_000; i++) {
            if (handler.mayRead(other, nowNs)) {
                read++;
            }
        }
        assertEquals(10, read, "40 a second");
    }

    @Test
    void shouldMakeNoPublicationForAConnectWhileEverySessionSlotIsTaken() {
        start(1, 4, 1_000, 10_000);
        openSession(45_000);
        final int added = egress.channels.size();
        connect(udp(45_001), 2);
        assertEquals(added, egress.channels.size());
        assertEquals(1, counters.serverBusy().get());
    }

    @Test
    void shouldRefuseTheSecondOfTwoProofsForTheLastSessionSlot() {
        start(1, 4, 1_000, 10_000);
        connect(udp(46_001), 1);
        connect(udp(46_002), 2);
        egress.makeAllReadyAndConnected();
        tick(1);
        assertEquals(2, egress.challenges.size());
        final FakeHandshakeEgress.Challenge a = egress.challenges.get(0);
        final FakeHandshakeEgress.Challenge b = egress.challenges.get(1);
        authenticate(a.handshakeId(), proof(SECRET, a.nonce()));
        assertEquals(Status.OK, egress.lastAnswer().status());
        authenticate(b.handshakeId(), proof(SECRET, b.nonce()));
        assertEquals(Status.SERVER_BUSY, egress.lastAnswer().status());
        assertTrue(egress.closed.contains(b.registrationId()));
        assertEquals(1, registry.size());
    }

    @Test
    void shouldCloseTheHandshakeAndItsPublicationAtOnceOnABadProof() {
        start(8, 8, 100, 10_000);
        connect(udp(47_001), 1);
        egress.makeAllReadyAndConnected();
        tick(1);
        final FakeHandshakeEgress.Challenge challenge = egress.lastChallenge();
        authenticate(challenge.handshakeId(), proof("a guess", challenge.nonce()));
        assertEquals(Status.UNAUTHENTICATED, egress.lastAnswer().status());
        assertEquals(0, egress.lastAnswer().token());
        assertTrue(egress.closed.contains(challenge.registrationId()), "closed at once, not at the timeout");
        assertEquals(0, handler.pendingHandshakes());
        assertEquals(1, counters.handshakesRefused().get());
        assertEquals(1, counters.unauthenticated().get());
        assertEquals(0, registry.size());

        authenticate(challenge.handshakeId(), proof(SECRET, challenge.nonce()));
        assertEquals(1, egress.answers.size(), "one proof per Challenge: a second try is not answered");
        assertEquals(2, counters.unauthenticated().get());
        assertEquals(0, registry.size());
    }

    @Test
    void shouldStartOverOnTheSamePublicationWhenTheSameEgressConnectsAgain() {
        start(8, 8, 100, 10_000);
        connect(udp(48_001), 1);
        egress.makeAllReadyAndConnected();
        tick(1);
        final FakeHandshakeEgress.Challenge first = egress.lastChallenge();
        // Other parameters are the store's to set: this is the same egress.
        connect(udp(48_001) + "|term-length=64k|sparse=false", 2);
        assertEquals(1, egress.channels.size(), "no second publication");
        assertEquals(1, handler.pendingHandshakes());
        final FakeHandshakeEgress.Challenge second = egress.lastChallenge();
        assertEquals(2, second.correlationId(), "answered at once: the publication is there");
        assertEquals(first.registrationId(), second.registrationId());
        assertNotEquals(first.handshakeId(), second.handshakeId());

        authenticate(first.handshakeId(), proof(SECRET, first.nonce()));
        assertTrue(egress.answers.isEmpty(), "the first Challenge was superseded");
        authenticate(second.handshakeId(), proof(SECRET, second.nonce()));
        assertEquals(Status.OK, egress.lastAnswer().status());
    }

    @Test
    void shouldDropAHandshakeNotDoneWithinTheTimeout() {
        start(8, 8, 100, 1_000);
        connect(udp(49_001), 1);
        connect(udp(49_002), 2);
        final long stillAdding = egress.channels.keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
        egress.makeReady(stillAdding + 1);
        egress.connect(stillAdding + 1);
        tick(1);
        assertEquals(1, egress.challenges.size(), "the second waits for its Authenticate");
        tick(900);
        assertEquals(2, handler.pendingHandshakes());
        tick(200);
        assertEquals(0, handler.pendingHandshakes());
        assertTrue(egress.closed.contains(stillAdding), "an add not yet answered is cancelled");
        assertTrue(egress.closed.contains(stillAdding + 1));
        assertEquals(2, counters.handshakesExpired().get());
    }

    @Test
    void shouldCountAnEgressTheDriverRefusesAsMalformed() {
        start(8, 8, 100, 10_000);
        connect(udp(50_001), 1);
        egress.failed.addAll(egress.channels.keySet());
        tick(1);
        assertEquals(0, handler.pendingHandshakes());
        assertEquals(1, counters.malformed().get());
        connect("aeron:tcp?endpoint=127.0.0.1:1", 2);
        connect("aeron:udp?endpoint=127.0.0.1:0", 3);
        connect("not a channel", 4);
        assertEquals(4, counters.malformed().get());
        assertEquals(1, egress.channels.size(), "nothing asked of the driver for a bad channel");
    }

    @Test
    void shouldCloseEveryHandshakeOnClose() {
        start(8, 8, 100, 10_000);
        connect(udp(51_001), 1);
        connect(udp(51_002), 2);
        handler.close();
        assertEquals(0, handler.pendingHandshakes());
        assertEquals(0, egress.open());
    }

    @Test
    void shouldMakeTheEgressChannelFromTheClientsEndpointOnly() {
        assertEquals("aeron:udp?endpoint=10.0.0.1:4000|term-length=65536|sparse=true",
            HandshakeHandler.egressChannel(
                "aeron:udp?endpoint=10.0.0.1:4000|term-length=1g|sparse=false|session-id=5|linger=1h", 65536));
        assertEquals("aeron:udp?endpoint=[::1]:4000|term-length=65536|sparse=true",
            HandshakeHandler.egressChannel("aeron:udp?endpoint=[::1]:4000", 65536));
        assertEquals("aeron:ipc?term-length=65536|sparse=true",
            HandshakeHandler.egressChannel("aeron:ipc?term-length=1g", 65536));
        assertThrows(IllegalArgumentException.class,
            () -> HandshakeHandler.egressChannel("aeron:udp?control=127.0.0.1:4000", 65536));
        assertThrows(IllegalArgumentException.class,
            () -> HandshakeHandler.egressChannel("aeron:udp?endpoint=127.0.0.1:99999", 65536));
        assertThrows(IllegalArgumentException.class,
            () -> HandshakeHandler.egressChannel("aeron:udp?endpoint=a?b:1", 65536));
    }
}
