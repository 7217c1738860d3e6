package io.tkv.server.session;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.HashMap;
import java.util.Map;

/**
 * The handshakes in progress, at most {@code capacity} of them, apart from the authenticated sessions of
 * {@link SessionRegistry}: an unauthenticated peer can fill this table, never the sessions'. Found by handshake id
 * (Authenticate) and by egress (a Connect from an egress that is already handshaking reuses its entry and its
 * publication). Owned by the ingress agent; the table is small and a linear scan finds a free slot or the oldest.
 */
final class PendingHandshakes {
    private final PendingHandshake[] slots;
    private final Long2ObjectHashMap<PendingHandshake> byHandshakeId = new Long2ObjectHashMap<>();
    private final Map<String, PendingHandshake> byEgress = new HashMap<>();
    private long nextSequence;
    private int count;

    /** @param capacity the most handshakes at once ({@code max-pending-handshakes}). */
    PendingHandshakes(final int capacity) {
        this.slots = new PendingHandshake[capacity];
    }

    int size() {
        return count;
    }

    boolean isFull() {
        return count == slots.length;
    }

    /** @return the handshake at an index in [0, capacity), or null: for visits that may remove what they see. */
    PendingHandshake at(final int index) {
        return slots[index];
    }

    int capacity() {
        return slots.length;
    }

    /** @return the handshake in progress for this egress, or null. */
    PendingHandshake byEgress(final String egressKey) {
        return byEgress.get(egressKey);
    }

    /** @return the handshake whose Challenge carried this id and that waits for its Authenticate, or null. */
    PendingHandshake awaitingAuth(final long handshakeId) {
        final PendingHandshake handshake = byHandshakeId.get(handshakeId);
        return handshake != null && handshake.state() == PendingHandshake.State.AWAITING_AUTH ? handshake : null;
    }

    /** @return the handshake (re)started longest ago, or null if there is none. */
    PendingHandshake oldest() {
        PendingHandshake oldest = null;
        for (final PendingHandshake handshake : slots) {
            if (handshake != null && (oldest == null || handshake.sequence() < oldest.sequence())) {
                oldest = handshake;
            }
        }
        return oldest;
    }

    /**
     * Adds a handshake {@link PendingHandshake#restart started} for a Connect.
     *
     * @throws IllegalStateException when the table is full (the caller makes room first).
     */
    void add(final PendingHandshake handshake) {
        int slot = -1;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            throw new IllegalStateException("no room for another handshake: " + count);
        }
        slots[slot] = handshake;
        handshake.slot(slot);
        handshake.sequence(nextSequence++);
        byHandshakeId.put(handshake.handshakeId(), handshake);
        byEgress.put(handshake.egressKey(), handshake);
        count++;
    }

    /** Starts a handshake over for a new Connect from its egress: a new id and nonce, and it is now the youngest. */
    void restart(
        final PendingHandshake handshake, final long handshakeId, final byte[] nonce, final long connectCorrelationId,
        final String clientName, final int imageSessionId, final long deadlineNs) {
        byHandshakeId.remove(handshake.handshakeId());
        handshake.restart(handshakeId, nonce, connectCorrelationId, clientName, imageSessionId, deadlineNs);
        handshake.sequence(nextSequence++);
        byHandshakeId.put(handshakeId, handshake);
    }

    /** Removes a handshake (its publication is the caller's to close or hand over). */
    void remove(final PendingHandshake handshake) {
        final int slot = handshake.slot();
        if (slot < 0 || slots[slot] != handshake) {
            return;
        }
        slots[slot] = null;
        handshake.slot(-1);
        byHandshakeId.remove(handshake.handshakeId());
        byEgress.remove(handshake.egressKey());
        count--;
    }
}
