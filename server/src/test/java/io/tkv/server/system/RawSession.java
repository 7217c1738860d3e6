package io.tkv.server.system;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.codec.AuthenticateEncoder;
import io.tkv.codec.ChallengeDecoder;
import io.tkv.codec.ConnectEncoder;
import io.tkv.codec.ConnectedDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * A bare protocol-level client for tests that must send frames the real client never would: it does the
 * handshake by hand and then offers arbitrary bytes on the store's ingress.
 */
final class RawSession implements AutoCloseable {
    private static final int EGRESS_STREAM = 1002;

    private final MediaDriver driver;
    private final Aeron aeron;
    private final Publication ingress;
    private final Subscription egress;
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
    private long sessionToken;
    private int lastTemplateId;
    private long lastCorrelationId;
    private final ExpandableDirectByteBuffer lastFrame = new ExpandableDirectByteBuffer(4096);
    private int lastLength;

    RawSession(final String storeEndpoint) {
        this(storeEndpoint, "127.0.0.1");
    }

    /** @param egressHost the address of this host the store can reach, where replies are received. */
    RawSession(final String storeEndpoint, final String egressHost) {
        this(storeEndpoint, egressHost, 1024 * 1024);
    }

    /**
     * @param ingressTermLength the term length of the publication to the store: a term / 8 is the largest frame this
     *                          session can send, whatever the store's own term length.
     */
    RawSession(final String storeEndpoint, final String egressHost, final int ingressTermLength) {
        final String dir = "/dev/shm/tkv-rawsession-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .publicationTermBufferLength(1024 * 1024)
            .ipcTermBufferLength(1024 * 1024)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
        ingress = aeron.addExclusivePublication("aeron:udp?endpoint=" + storeEndpoint + "|term-length="
            + ingressTermLength, 1001);
        egress = aeron.addSubscription("aeron:udp?endpoint=" + egressHost + ":0", EGRESS_STREAM);
    }

    /**
     * Opens a session: the handshake is done when this returns; on failure everything is closed again.
     */
    static RawSession open(final String storeEndpoint, final String secret, final long timeoutMs) {
        return open(storeEndpoint, "127.0.0.1", secret, timeoutMs);
    }

    /** Opens a session that receives replies on {@code egressHost}. */
    static RawSession open(
        final String storeEndpoint, final String egressHost, final String secret, final long timeoutMs) {
        final RawSession session = new RawSession(storeEndpoint, egressHost);
        try {
            return session.handshake(secret, timeoutMs);
        } catch (final RuntimeException ex) {
            session.close();
            throw ex;
        }
    }

    /** Opens a session whose publication to the store has this term length (a term / 8: its largest frame). */
    static RawSession openWithTermLength(
        final String storeEndpoint, final String secret, final long timeoutMs, final int ingressTermLength) {
        final RawSession session = new RawSession(storeEndpoint, "127.0.0.1", ingressTermLength);
        try {
            return session.handshake(secret, timeoutMs);
        } catch (final RuntimeException ex) {
            session.close();
            throw ex;
        }
    }

    /** Runs Connect / Challenge / Authenticate / Connected. */
    private RawSession handshake(final String secret, final long timeoutMs) {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        String endpoint;
        while ((endpoint = egress.tryResolveChannelEndpointPort()) == null) {
            await(deadline, "egress endpoint");
        }
        final ConnectEncoder connect = new ConnectEncoder();
        connect.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(1).egressStreamId(EGRESS_STREAM).egressChannel(endpoint).clientName("raw-session");
        send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength(), deadline);
        awaitReply(frameTemplate -> frameTemplate == ChallengeDecoder.TEMPLATE_ID, deadline);
        final ChallengeDecoder challenge = new ChallengeDecoder().wrapAndApplyHeader(lastFrame, 0, header);
        final long handshakeId = challenge.handshakeId();
        final byte[] nonce = new byte[challenge.nonceLength()];
        challenge.getNonce(nonce, 0, nonce.length);

        final AuthenticateEncoder authenticate = new AuthenticateEncoder();
        final byte[] proof = hmac(secret, nonce);
        authenticate.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(2).handshakeId(handshakeId).putHmac(proof, 0, proof.length)
            // No client key: the session is bound to the first client id it writes with, as a version 2 client's.
            .putClientKey(new byte[0], 0, 0);
        send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + authenticate.encodedLength(), deadline);
        awaitReply(frameTemplate -> frameTemplate == ConnectedDecoder.TEMPLATE_ID, deadline);
        final ConnectedDecoder connected = new ConnectedDecoder().wrapAndApplyHeader(lastFrame, 0, header);
        if (connected.status() != Status.OK) {
            throw new IllegalStateException("handshake refused: " + connected.status());
        }
        sessionToken = connected.sessionToken();
        return this;
    }

    long sessionToken() {
        return sessionToken;
    }

    /** Offers a frame, waiting out back-pressure. */
    void send(final DirectBuffer frame, final int offset, final int length, final long deadlineMs) {
        while (true) {
            final long result = ingress.offer(frame, offset, length);
            if (result > 0) {
                return;
            }
            if (result == Publication.MAX_POSITION_EXCEEDED || result == Publication.CLOSED) {
                throw new IllegalStateException("ingress publication unusable: " + result);
            }
            await(deadlineMs, "ingress offer (" + result + ")");
        }
    }

    /** Polls replies until one matches; the frame is then in {@link #lastFrame()}. */
    void awaitReply(final Predicate<Integer> templateMatches, final long deadlineMs) {
        final boolean[] found = {false};
        final FragmentAssembler assembler = new FragmentAssembler((buf, offset, length, hdr) -> {
            if (found[0] || length < MessageHeaderDecoder.ENCODED_LENGTH) {
                return;
            }
            header.wrap(buf, offset);
            if (templateMatches.test(header.templateId())) {
                found[0] = true;
                lastTemplateId = header.templateId();
                lastCorrelationId = length >= 16 ? buf.getLong(offset + 8, java.nio.ByteOrder.LITTLE_ENDIAN) : -1;
                lastFrame.putBytes(0, buf, offset, length);
                lastLength = length;
            }
        });
        while (!found[0]) {
            if (egress.poll(assembler, 16) == 0) {
                await(deadlineMs, "reply");
            }
        }
    }

    /** Drains whatever replies are waiting; returns how many fragments were read. */
    int drain() {
        return egress.poll((buf, offset, length, hdr) -> { }, 1024);
    }

    DirectBuffer lastFrame() {
        return lastFrame;
    }

    int lastTemplateId() {
        return lastTemplateId;
    }

    long lastCorrelationId() {
        return lastCorrelationId;
    }

    int lastLength() {
        return lastLength;
    }

    private void await(final long deadlineMs, final String what) {
        if (System.currentTimeMillis() > deadlineMs) {
            throw new IllegalStateException("timed out waiting for " + what);
        }
        idle.idle();
    }

    static byte[] hmac(final String secret, final byte[] nonce) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            final byte[] key = secret.getBytes(StandardCharsets.UTF_8);
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return mac.doFinal(nonce);
        } catch (final java.security.GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() {
        CloseHelper.closeAll(ingress, egress, aeron, driver);
    }
}
