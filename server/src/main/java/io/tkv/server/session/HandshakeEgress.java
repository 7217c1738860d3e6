package io.tkv.server.session;

import io.aeron.Publication;
import io.tkv.codec.Status;

/**
 * The handshakes' egress publications, keyed by registration id: added without waiting for the media driver,
 * polled until they exist, used for the Challenge and the Connected answer, then closed or handed to a session.
 * {@link AeronHandshakeEgress} is the real one; tests fake it, so the handshake handler runs without a media driver.
 * Every method returns at once: none waits for the driver.
 */
interface HandshakeEgress {
    /** {@link #poll}: the driver has not answered yet. */
    int PENDING = 0;
    /** {@link #poll}: the publication exists. */
    int READY = 1;
    /** {@link #poll}: the driver refused it (see {@link #lastError()}). */
    int FAILED = -1;

    /**
     * Asks the media driver for a publication and returns without waiting for it.
     *
     * @return the registration id to poll.
     * @throws RuntimeException if the driver's command buffer cannot take the request.
     */
    long add(String channel, int streamId);

    /** @return {@link #PENDING}, {@link #READY} or {@link #FAILED}. */
    int poll(long registrationId);

    /** @return why the last {@link #poll} said FAILED. */
    String lastError();

    /** @return whether the Challenge went out (false while the egress is not connected). */
    boolean challenge(long registrationId, long correlationId, long handshakeId, byte[] nonce);

    /** Answers Authenticate with Connected: the session's token and limits for OK, a refusal otherwise. */
    void connected(long registrationId, long correlationId, Status status, long token, boolean admin, String message);

    /** @return the ready publication, still owned here (null in fakes). */
    Publication publication(long registrationId);

    /** Forgets a ready publication without closing it: a session owns it now. */
    void release(long registrationId);

    /** Closes the publication, or cancels its add if the driver has not made it yet. */
    void close(long registrationId);
}
