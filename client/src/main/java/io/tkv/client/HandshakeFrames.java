package io.tkv.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What every handshake of this client says, whichever store it is with: the egress channel and stream the stores
 * reply on, the client's name, and the proof of the shared secret. Hands out the handshake frames' correlation ids
 * from the client's one counter, so a reply names the handshake it answers. Poller thread only.
 */
final class HandshakeFrames {
    private final HmacProof proof;
    private final AtomicLong correlationIds;
    private final String egressChannel;
    private final int egressStreamId;
    private final String clientName;

    /**
     * @param proof          answers the stores' nonces.
     * @param correlationIds the client's id counter.
     * @param egressChannel  the resolved egress channel (its real port), as the stores must be told.
     * @param egressStreamId the egress stream id.
     * @param clientName     how the stores log this client.
     */
    HandshakeFrames(final HmacProof proof, final AtomicLong correlationIds, final String egressChannel,
        final int egressStreamId, final String clientName) {
        this.proof = proof;
        this.correlationIds = correlationIds;
        this.egressChannel = egressChannel;
        this.egressStreamId = egressStreamId;
        this.clientName = clientName;
    }

    long nextCorrelationId() {
        return correlationIds.incrementAndGet();
    }

    byte[] connect(final long correlationId) {
        return IngressEncoder.current().connect(correlationId, egressStreamId, egressChannel, clientName);
    }

    byte[] authenticate(final long correlationId, final long handshakeId, final byte[] nonce) {
        return IngressEncoder.current().authenticate(correlationId, handshakeId, proof.prove(nonce), proof.clientKey());
    }

    /** Any thread (used on close): encodes with that thread's encoder. */
    byte[] disconnect(final long sessionToken) {
        return IngressEncoder.current().disconnect(correlationIds.incrementAndGet(), sessionToken);
    }
}
