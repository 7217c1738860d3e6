package io.tkv.server.session;

import io.aeron.Publication;
import io.tkv.codec.Status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A media driver the test drives by hand: publications are added at once but exist only when the test says
 * ({@link #makeReady}), connect only when it says ({@link #connect}), and every Challenge and Connected is recorded.
 */
final class FakeHandshakeEgress implements HandshakeEgress {
    /** A Challenge that went out. */
    record Challenge(long registrationId, long correlationId, long handshakeId, byte[] nonce) {
    }

    /** A Connected that went out. */
    record Connected(long registrationId, long correlationId, Status status, long token, String message) {
    }

    final Map<Long, String> channels = new HashMap<>();
    final Set<Long> ready = new HashSet<>();
    final Set<Long> connected = new HashSet<>();
    final Set<Long> failed = new HashSet<>();
    final Set<Long> closed = new HashSet<>();
    final Set<Long> released = new HashSet<>();
    final List<Challenge> challenges = new ArrayList<>();
    final List<Connected> answers = new ArrayList<>();
    private long nextRegistrationId = 100;

    @Override
    public long add(final String channel, final int streamId) {
        final long registrationId = nextRegistrationId++;
        channels.put(registrationId, channel);
        return registrationId;
    }

    @Override
    public int poll(final long registrationId) {
        if (failed.contains(registrationId)) {
            return FAILED;
        }
        return ready.contains(registrationId) ? READY : PENDING;
    }

    @Override
    public String lastError() {
        return "refused by the fake driver";
    }

    @Override
    public boolean challenge(
        final long registrationId, final long correlationId, final long handshakeId, final byte[] nonce) {
        if (!ready.contains(registrationId) || !connected.contains(registrationId) || closed.contains(registrationId)) {
            return false;
        }
        challenges.add(new Challenge(registrationId, correlationId, handshakeId, nonce.clone()));
        return true;
    }

    @Override
    public void connected(
        final long registrationId, final long correlationId, final Status status, final long token,
        final boolean admin, final String message) {
        answers.add(new Connected(registrationId, correlationId, status, token, message));
    }

    @Override
    public Publication publication(final long registrationId) {
        return null;
    }

    @Override
    public void release(final long registrationId) {
        released.add(registrationId);
    }

    @Override
    public void close(final long registrationId) {
        closed.add(registrationId);
    }

    /** The driver made every publication asked for so far, and they connected. */
    void makeAllReadyAndConnected() {
        ready.addAll(channels.keySet());
        connected.addAll(channels.keySet());
    }

    void makeReady(final long registrationId) {
        ready.add(registrationId);
    }

    void connect(final long registrationId) {
        connected.add(registrationId);
    }

    /** @return publications asked for and neither closed nor handed to a session. */
    int open() {
        int open = 0;
        for (final long registrationId : channels.keySet()) {
            if (!closed.contains(registrationId) && !released.contains(registrationId)) {
                open++;
            }
        }
        return open;
    }

    Challenge lastChallenge() {
        return challenges.get(challenges.size() - 1);
    }

    Connected lastAnswer() {
        return answers.get(answers.size() - 1);
    }
}
