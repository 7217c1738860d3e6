package io.tkv.client;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.tkv.codec.AuthenticateDecoder;
import io.tkv.codec.ChallengeEncoder;
import io.tkv.codec.ConnectDecoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.ConnectedEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import org.agrona.ExpandableArrayBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One fake store incarnation's sessions: the real handshake (Challenge with a random nonce, HMAC-SHA256 proof,
 * Connected with a token, the limits and the store id), the egress publication of each client, and the tokens
 * issued. A restart throws it away. On the store's agent thread, but {@link #forget()} and {@link #size()}.
 */
final class FakeSessions {
    private final FakeStore store;
    private final Aeron aeron;
    private final byte[] secret;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Publication> byToken = new ConcurrentHashMap<>();
    private final Map<Integer, Publication> byImage = new ConcurrentHashMap<>();
    private final Map<Long, Handshake> handshakes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Handshake> challengesToSend = new ConcurrentLinkedQueue<>();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    FakeSessions(final FakeStore store, final Aeron aeron, final byte[] secret) {
        this.store = store;
        this.aeron = aeron;
        this.secret = secret;
    }

    /** @return the egress publication of the session holding this token, or null. */
    Publication byToken(final long token) {
        return byToken.get(token);
    }

    /** @return the egress publication named by a Connect that came on this ingress image, or null. */
    Publication byImage(final int imageSessionId) {
        return byImage.get(imageSessionId);
    }

    /** Forgets every token: clients must handshake again. Any thread. */
    void forget() {
        byToken.clear();
    }

    /** @return sessions open. Any thread. */
    int size() {
        return byToken.size();
    }

    void onConnect(final ConnectDecoder connect, final int imageSessionId) {
        final long correlationId = connect.correlationId();
        final int streamId = connect.egressStreamId();
        final String channel = connect.egressChannel();
        store.onConnect(connect.clientName());
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

    void onAuthenticate(final AuthenticateDecoder authenticate) {
        final long correlationId = authenticate.correlationId();
        final Handshake handshake = handshakes.remove(authenticate.handshakeId());
        final byte[] proof = new byte[authenticate.hmacLength()];
        authenticate.getHmac(proof, 0, proof.length);
        final byte[] clientKey = new byte[authenticate.clientKeyLength()];
        authenticate.getClientKey(clientKey, 0, clientKey.length);
        if (handshake == null) {
            return;
        }
        final ConnectedEncoder connected = new ConnectedEncoder().wrapAndApplyHeader(out, 0, header)
            .correlationId(correlationId);
        final int[] limits = store.limitsSetting();
        if (verify(handshake.nonce, clientKey, proof)) {
            long token;
            do {
                token = random.nextLong();
            } while (token == 0);
            byToken.put(token, handshake.publication);
            store.onSessionOpened(token);
            connected.status(Status.OK).sessionToken(token).maxKeyBytes(limits[0]).maxValueBytes(limits[1])
                .maxBatchSize(limits[2]).maxScanLimit(limits[3]).storeId(store.storeId()).maxRequestBytes(0)
                .admin(BooleanType.FALSE).errorMessage("");
        } else {
            connected.status(Status.UNAUTHENTICATED).sessionToken(0).maxKeyBytes(0).maxValueBytes(0)
                .maxBatchSize(0).maxScanLimit(0).storeId(store.storeId()).maxRequestBytes(0)
                .admin(BooleanType.FALSE).errorMessage("authentication failed: wrong secret");
        }
        FakeStore.offer(handshake.publication, out, MessageHeaderEncoder.ENCODED_LENGTH + connected.encodedLength());
    }

    void onDisconnect(final long token) {
        byToken.remove(token);
    }

    /** @return challenges sent that could not go when their Connect came (the client's egress not yet up). */
    int sendPendingChallenges() {
        int work = 0;
        for (int i = challengesToSend.size(); i > 0; i--) {
            final Handshake handshake = challengesToSend.poll();
            if (!sendChallenge(handshake)) {
                challengesToSend.add(handshake);
            }
            work++;
        }
        return work;
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

    private boolean verify(final byte[] nonce, final byte[] clientKey, final byte[] proof) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
            mac.update(nonce);
            return MessageDigest.isEqual(mac.doFinal(clientKey), proof);
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
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
