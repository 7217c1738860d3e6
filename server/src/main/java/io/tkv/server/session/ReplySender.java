package io.tkv.server.session;

import io.aeron.Publication;
import io.tkv.codec.BooleanType;
import io.tkv.codec.ChallengeEncoder;
import io.tkv.codec.ConnectedEncoder;
import io.tkv.codec.ErrorResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.server.config.ServerConfig;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Offers replies on a client's egress publication with a bounded number of retries, so a slow client can
 * never stall an agent: past the bound the reply is dropped and counted, and the client times out and retries.
 * One instance per agent (it owns a scratch buffer).
 */
public final class ReplySender {
    private static final int MAX_OFFER_ATTEMPTS = 64;
    private static final byte[] NO_REGIONS = new byte[0];

    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(1024);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ErrorResponseEncoder error = new ErrorResponseEncoder();
    private final ChallengeEncoder challenge = new ChallengeEncoder();
    private final ConnectedEncoder connected = new ConnectedEncoder();
    private final AtomicCounter dropped;

    /** @param dropped counts replies given up on. */
    public ReplySender(final AtomicCounter dropped) {
        this.dropped = dropped;
    }

    /**
     * @return true if the frame was published; false if the publication was not connected, closed or stayed
     *     back-pressured (the caller decides whether that is worth counting).
     */
    public boolean offer(final Publication publication, final DirectBuffer buffer, final int offset, final int length) {
        for (int attempt = 0; attempt < MAX_OFFER_ATTEMPTS; attempt++) {
            final long result = publication.offer(buffer, offset, length);
            if (result > 0) {
                return true;
            }
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED
                || result == Publication.MAX_POSITION_EXCEEDED) {
                return false;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /** Offers a frame, counting it as dropped if it could not be sent. */
    public void send(final Publication publication, final DirectBuffer buffer, final int offset, final int length) {
        if (!offer(publication, buffer, offset, length)) {
            dropped.increment();
        }
    }

    /** Sends ErrorResponse{correlationId, status, requestTemplateId, message}. */
    public void sendError(
        final Publication publication, final long correlationId, final Status status, final int requestTemplateId,
        final String message) {
        error.wrapAndApplyHeader(scratch, 0, header)
            .correlationId(correlationId)
            .status(status)
            .requestTemplateId(requestTemplateId & 0xFFFF)
            .leaderStoreId(0)
            .errorMessage(message)
            .leaderEndpoint("")
            .putRegions(NO_REGIONS, 0, 0);
        send(publication, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength());
    }

    /**
     * Sends an ErrorResponse that carries regions (EPOCH_NOT_MATCH, KEY_NOT_IN_REGION): {@code regions} holds a
     * RegionList frame of {@code regionsLength} bytes at offset 0.
     */
    public void sendRegionError(
        final Publication publication, final long correlationId, final Status status, final int requestTemplateId,
        final String message, final DirectBuffer regions, final int regionsLength) {
        error.wrapAndApplyHeader(scratch, 0, header)
            .correlationId(correlationId)
            .status(status)
            .requestTemplateId(requestTemplateId & 0xFFFF)
            .leaderStoreId(0)
            .errorMessage(message)
            .leaderEndpoint("")
            .putRegions(regions, 0, regionsLength);
        send(publication, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength());
    }

    /** Sends ErrorResponse NOT_LEADER with the leader hint (0 and "" when no leader is known). */
    public void sendNotLeader(
        final Publication publication, final long correlationId, final int requestTemplateId,
        final long leaderStoreId, final String leaderEndpoint, final String message) {
        error.wrapAndApplyHeader(scratch, 0, header)
            .correlationId(correlationId)
            .status(Status.NOT_LEADER)
            .requestTemplateId(requestTemplateId & 0xFFFF)
            .leaderStoreId(leaderStoreId)
            .errorMessage(message)
            .leaderEndpoint(leaderEndpoint)
            .putRegions(NO_REGIONS, 0, 0);
        send(publication, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength());
    }

    /** @return whether the Challenge went out (the egress may still be connecting). */
    public boolean tryChallenge(
        final Publication publication, final long correlationId, final long handshakeId, final byte[] nonce) {
        challenge.wrapAndApplyHeader(scratch, 0, header)
            .correlationId(correlationId)
            .handshakeId(handshakeId)
            .putNonce(nonce, 0, nonce.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + challenge.encodedLength();
        return offer(publication, scratch, 0, length);
    }

    /**
     * Sends Connected: for OK the session token, this store's id and its limits; for a refusal token 0, no limits and
     * the reason.
     */
    public void sendConnected(
        final Publication publication, final long correlationId, final Status status, final long token,
        final boolean admin, final ServerConfig config, final String message) {
        final boolean ok = status == Status.OK;
        connected.wrapAndApplyHeader(scratch, 0, header)
            .correlationId(correlationId)
            .status(status)
            .sessionToken(ok ? token : 0)
            .maxKeyBytes(ok ? config.maxKeyBytes() : 0)
            .maxValueBytes(ok ? config.maxValueBytes() : 0)
            .maxBatchSize(ok ? config.maxBatchSize() : 0)
            .maxScanLimit(ok ? config.maxScanLimit() : 0)
            .storeId(config.storeId())
            .maxRequestBytes(ok ? config.maxRequestBytes() : 0)
            .admin(ok && admin ? BooleanType.TRUE : BooleanType.FALSE)
            .errorMessage(message);
        send(publication, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + connected.encodedLength());
    }
}
