package io.tkv.server.session;

import io.aeron.Publication;
import io.tkv.codec.auth.ClientIds;
import org.agrona.CloseHelper;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The table of authenticated client sessions, at most {@code max-sessions}; handshakes in progress are kept apart
 * (see {@link HandshakeHandler}), so no one who has not proved a secret takes a slot here. The ingress agent is the
 * only writer; the apply agent looks a session up by (slot, generation) to reply, which is why live sessions are
 * published through an {@link AtomicReferenceArray} and a reused slot gets a new generation: a late reply for an old
 * session is dropped instead of reaching the new one.
 */
public final class SessionRegistry {
    private final ClientSession[] slots;
    private final int[] generations;
    private final AtomicReferenceArray<ClientSession> published;
    private final Long2ObjectHashMap<ClientSession> byToken = new Long2ObjectHashMap<>();
    private final Int2ObjectHashMap<ClientSession> byImage = new Int2ObjectHashMap<>();
    private final HmacAuthenticator authenticator;
    private int count;

    /**
     * @param maxSessions   the most authenticated sessions at once.
     * @param authenticator checks proofs and makes nonces and tokens.
     */
    public SessionRegistry(final int maxSessions, final HmacAuthenticator authenticator) {
        this.slots = new ClientSession[maxSessions];
        this.generations = new int[maxSessions];
        this.published = new AtomicReferenceArray<>(maxSessions);
        this.authenticator = authenticator;
    }

    /** @return the authenticator the handshakes prove their secret to. */
    HmacAuthenticator authenticator() {
        return authenticator;
    }

    /** @return whether another session would fit. */
    public boolean hasRoom() {
        return count < slots.length;
    }

    /**
     * Opens a session for a client that proved a secret: ACTIVE with a fresh token and visible to the apply agent.
     *
     * @param publication    the client's egress publication, which the session now owns.
     * @param imageSessionId the client's ingress image.
     * @param admin          whether it proved the admin secret.
     * @param clientKey      the client key the Authenticate carried (empty from a version 2 client), of
     *                       {@link ClientIds#KEY_LENGTH} bytes otherwise: the session is bound to its client id.
     * @return the session, or null when the table is full.
     */
    public ClientSession open(
        final Publication publication, final int imageSessionId, final String clientName, final boolean admin,
        final byte[] clientKey) {
        return open(publication, imageSessionId, clientName,
            admin ? HmacAuthenticator.Role.ADMIN : HmacAuthenticator.Role.CLIENT, clientKey);
    }

    /**
     * Opens a session for a client that proved a secret, as {@link #open(Publication, int, String, boolean, byte[])}.
     *
     * @param role what the proof opened (CLIENT, ADMIN or STORE).
     * @return the session, or null when the table is full.
     */
    public ClientSession open(
        final Publication publication, final int imageSessionId, final String clientName,
        final HmacAuthenticator.Role role, final byte[] clientKey) {
        if (role == HmacAuthenticator.Role.NONE) {
            throw new IllegalArgumentException("no session for a proof that matched no secret");
        }
        final int slot = freeSlot();
        if (slot < 0) {
            return null;
        }
        final int generation = ++generations[slot];
        final ClientSession session = new ClientSession(slot, generation, publication, imageSessionId,
            authenticator.newId(), clientName, role);
        if (clientKey.length > 0) {
            session.bindClientId(ClientIds.idOf(clientKey));
        }
        slots[slot] = session;
        byToken.put(session.token(), session);
        byImage.put(imageSessionId, session);
        published.set(slot, session);
        count++;
        return session;
    }

    /** @return the active session holding this token, or null. */
    public ClientSession byToken(final long token) {
        return byToken.get(token);
    }

    /** @return the newest session opened over this ingress image (Aeron session id), or null. */
    public ClientSession byImage(final int imageSessionId) {
        return byImage.get(imageSessionId);
    }

    /**
     * For the apply agent: the active session in a slot if it is still the same generation.
     *
     * @return the session, or null when it closed or the slot was reused.
     */
    public ClientSession activeSession(final int slot, final int generation) {
        if (slot < 0 || slot >= slots.length) {
            return null;
        }
        final ClientSession session = published.get(slot);
        return session != null && session.generation() == generation ? session : null;
    }

    /** Closes a session and its publication. */
    public void close(final ClientSession session) {
        if (session.state() == ClientSession.State.CLOSED) {
            return;
        }
        session.state(ClientSession.State.CLOSED);
        slots[session.slot()] = null;
        published.set(session.slot(), null);
        byToken.remove(session.token());
        if (byImage.get(session.imageSessionId()) == session) {
            byImage.remove(session.imageSessionId());
        }
        count--;
        CloseHelper.quietClose(session.publication());
    }

    /** Visits every open session. */
    public void forEach(final Consumer<ClientSession> visitor) {
        for (final ClientSession session : slots) {
            if (session != null) {
                visitor.accept(session);
            }
        }
    }

    /** @return the open sessions, for a sweep that may close some. */
    public List<ClientSession> snapshot() {
        final List<ClientSession> list = new ArrayList<>(count);
        forEach(list::add);
        return list;
    }

    /** @return the number of open sessions. */
    public int size() {
        return count;
    }

    /** Closes every session. */
    public void closeAll() {
        for (final ClientSession session : snapshot()) {
            close(session);
        }
    }

    private int freeSlot() {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) {
                return i;
            }
        }
        return -1;
    }
}
