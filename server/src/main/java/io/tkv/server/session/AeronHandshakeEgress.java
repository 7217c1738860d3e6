package io.tkv.server.session;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.exceptions.RegistrationException;
import io.tkv.codec.Status;
import io.tkv.server.config.ServerConfig;
import org.agrona.CloseHelper;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Handshake egress publications on the store's Aeron client, made with {@link Aeron#asyncAddPublication}: the ingress
 * agent (on the raft thread) only writes the request to the driver's command buffer and later looks for the answer,
 * as the Raft transport's PeerPublisher does, instead of waiting a round trip to the driver's conductor per Connect.
 */
final class AeronHandshakeEgress implements HandshakeEgress {
    private final Aeron aeron;
    private final ReplySender replies;
    private final ServerConfig config;
    private final Long2ObjectHashMap<Publication> ready = new Long2ObjectHashMap<>();
    private String lastError;

    AeronHandshakeEgress(final Aeron aeron, final ReplySender replies, final ServerConfig config) {
        this.aeron = aeron;
        this.replies = replies;
        this.config = config;
    }

    @Override
    public long add(final String channel, final int streamId) {
        return aeron.asyncAddPublication(channel, streamId);
    }

    @Override
    public int poll(final long registrationId) {
        if (ready.containsKey(registrationId)) {
            return READY;
        }
        final Publication publication;
        try {
            // Takes the client lock and reads the driver's answers if this one is still outstanding; never waits.
            publication = aeron.getPublication(registrationId);
        } catch (final RegistrationException ex) {
            lastError = ex.getMessage();
            return FAILED;
        }
        if (publication == null) {
            return PENDING;
        }
        ready.put(registrationId, publication);
        return READY;
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public boolean challenge(
        final long registrationId, final long correlationId, final long handshakeId, final byte[] nonce) {
        final Publication publication = ready.get(registrationId);
        // Checked first: an egress nobody listens on is asked every millisecond until its handshake times out.
        return publication != null && publication.isConnected()
            && replies.tryChallenge(publication, correlationId, handshakeId, nonce);
    }

    @Override
    public void connected(
        final long registrationId, final long correlationId, final Status status, final long token,
        final boolean admin, final String message) {
        final Publication publication = ready.get(registrationId);
        if (publication != null) {
            replies.sendConnected(publication, correlationId, status, token, admin, config, message);
        }
    }

    @Override
    public Publication publication(final long registrationId) {
        return ready.get(registrationId);
    }

    @Override
    public void release(final long registrationId) {
        ready.remove(registrationId);
    }

    @Override
    public void close(final long registrationId) {
        final Publication publication = ready.remove(registrationId);
        if (publication != null) {
            CloseHelper.quietClose(publication);
        } else {
            // Still being added (or refused): the driver drops it once the add completes.
            aeron.asyncRemovePublication(registrationId);
        }
    }
}
