package io.tkv.raft.core;

import java.util.Arrays;
import java.util.List;

/**
 * The configuration in effect on this peer, and where it came from.
 *
 * <p><b>A change takes effect when its entry is appended to the log</b>, committed or not (Raft thesis §4.1), on
 * every peer: the configuration in effect is the one of the latest configuration entry in the log, else the
 * snapshot's. When a conflicting suffix is truncated, the configurations of its (never committed) entries are
 * dropped and the previous one is back in effect. With one change at a time (the leader proposes a change only when
 * the previous one is applied and it has committed an entry of its own term: Ongaro's fix of the single-server
 * change bug, raft-dev 2015), any two configurations a leader can be elected in share a voter-majority overlap, which
 * is what election safety needs; a never-committed change that is truncated never took effect anywhere it did not
 * also revert, because every peer derives its configuration from its own log only.
 *
 * <p>The committed part is folded into a base as the commit index moves, so the history holds at most the
 * uncommitted changes (one, in practice).
 */
final class Membership {
    private ConfState base;
    private long baseConfIndex;
    private long[] indices = new long[4];
    private ConfState[] states = new ConfState[4];
    private int count;
    private long malformed;

    Membership(final ConfState base) {
        this.base = base;
    }

    /** @return the configuration in effect. */
    ConfState current() {
        return count > 0 ? states[count - 1] : base;
    }

    /** @return the index of the latest configuration entry known (0 if none since the snapshot). */
    long lastConfIndex() {
        return count > 0 ? indices[count - 1] : baseConfIndex;
    }

    /** @return configuration entries whose data did not decode; they count as no-op changes on every peer alike. */
    long malformed() {
        return malformed;
    }

    /**
     * On restart: every configuration entry still in the durable log is applied over the membership of the last
     * snapshot (a change already included is harmless to replay).
     */
    void replayLog(final RaftStorage storage, final int maxBytes) {
        long from = storage.firstIndex();
        final long last = storage.lastIndex();
        while (from <= last) {
            final List<Entry> batch = storage.entries(from, last + 1, maxBytes);
            for (final Entry e : batch) {
                onAppend(e);
            }
            from = batch.get(batch.size() - 1).index() + 1;
        }
    }

    /** An entry was appended to the log. */
    void onAppend(final Entry entry) {
        if (entry.type() != EntryType.CONF_CHANGE) {
            return;
        }
        ConfState next = current();
        try {
            next = next.apply(ConfChange.decode(entry.data()));
        } catch (final IllegalArgumentException ex) {
            malformed++;
        }
        if (count == indices.length) {
            indices = Arrays.copyOf(indices, count * 2);
            states = Arrays.copyOf(states, count * 2);
        }
        indices[count] = entry.index();
        states[count] = next;
        count++;
    }

    /** The log's suffix from {@code fromIndex} was discarded. @return true if the configuration in effect changed. */
    boolean onTruncate(final long fromIndex) {
        final ConfState before = current();
        while (count > 0 && indices[count - 1] >= fromIndex) {
            states[--count] = null;
        }
        return !before.equals(current());
    }

    /** Entries up to {@code commitIndex} are committed: their configurations can never be truncated again. */
    void foldCommitted(final long commitIndex) {
        int folded = 0;
        while (folded < count && indices[folded] <= commitIndex) {
            base = states[folded];
            baseConfIndex = indices[folded];
            folded++;
        }
        if (folded > 0) {
            System.arraycopy(indices, folded, indices, 0, count - folded);
            System.arraycopy(states, folded, states, 0, count - folded);
            Arrays.fill(states, count - folded, count, null);
            count -= folded;
        }
    }

    /** A snapshot replaced the log: its configuration is the one in effect. */
    void restore(final ConfState conf) {
        Arrays.fill(states, 0, count, null);
        count = 0;
        base = conf;
        baseConfIndex = 0;
    }
}
