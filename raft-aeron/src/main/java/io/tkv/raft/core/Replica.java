package io.tkv.raft.core;

import java.util.List;

/**
 * The follower side of replication: takes the leader's APPEND, HEARTBEAT and SNAPSHOT into the log and answers
 * (the answers leave only after the Ready that persists their effect, see {@link Outbox}). The caller
 * ({@link RaftNode}) has already checked the term and the sender.
 */
final class Replica {
    private final long selfId;
    private final long regionId;
    private final RaftLogView log;
    private final Membership membership;
    private final Outbox out;
    private long dropped;

    Replica(final long selfId, final long regionId, final RaftLogView log, final Membership membership,
        final Outbox out) {
        this.selfId = selfId;
        this.regionId = regionId;
        this.log = log;
        this.membership = membership;
        this.out = out;
    }

    long dropped() {
        return dropped;
    }

    void onHeartbeat(final RaftMessage m) {
        // The leader sends min(its commit, our match): our log matches its log up to there.
        log.commitTo(Math.min(m.commit(), log.lastIndex()));
        membership.foldCommitted(log.committed());
        respond(m, MessageType.HEARTBEAT_RESPONSE, false, 0, 0, 0, m.context());
    }

    /**
     * A HIBERNATE: if this log ends at the leader's last entry, it matches the leader's log (Log Matching), so the
     * leader's commit may be taken. Not answered (an answer would wake the leader).
     *
     * @return true if this peer is settled with the leader and may sleep.
     */
    boolean onHibernate(final RaftMessage m) {
        if (log.lastIndex() != m.index() || !log.matchTerm(m.index(), m.logTerm())) {
            return false;
        }
        log.commitTo(Math.min(m.commit(), m.index()));
        membership.foldCommitted(log.committed());
        return log.committed() == m.index();
    }

    void onAppend(final RaftMessage m) {
        if (m.index() < log.committed()) {
            // Everything up to our commit index matches the leader's log already (Leader Completeness).
            respond(m, MessageType.APPEND_RESPONSE, false, log.committed(), 0, 0, 0);
            return;
        }
        final List<Entry> entries = m.entries();
        if (!wellFormed(m, entries)) {
            dropped++;
            return;
        }
        if (!log.matchTerm(m.index(), m.logTerm())) {
            final long hint = log.findConflictByTerm(Math.min(m.index(), log.lastIndex()), m.logTerm());
            respond(m, MessageType.APPEND_RESPONSE, true, m.index(), hint, Math.max(0, log.term(hint)), 0);
            return;
        }
        final long lastNew = m.index() + entries.size();
        final int conflict = log.findConflict(entries);
        if (conflict >= 0) {
            final long at = entries.get(conflict).index();
            if (at <= log.committed()) {
                // Only a broken leader asks to overwrite a committed entry: refuse, and say nothing.
                dropped++;
                return;
            }
            if (at <= log.lastIndex()) {
                membership.onTruncate(at);
            }
            log.appendFrom(entries, conflict);
            for (int i = conflict; i < entries.size(); i++) {
                membership.onAppend(entries.get(i));
            }
        }
        // Only what this APPEND proved to match may be committed: entries of ours beyond it may still conflict.
        log.commitTo(Math.min(m.commit(), lastNew));
        membership.foldCommitted(log.committed());
        respond(m, MessageType.APPEND_RESPONSE, false, lastNew, 0, 0, 0);
    }

    private static boolean wellFormed(final RaftMessage m, final List<Entry> entries) {
        if (m.index() < 0 || m.logTerm() < 0) {
            return false;
        }
        long expected = m.index() + 1;
        long lastTerm = m.logTerm();
        for (final Entry e : entries) {
            if (e == null || e.index() != expected || e.term() < lastTerm || e.term() > m.term()) {
                return false;
            }
            expected++;
            lastTerm = e.term();
        }
        return true;
    }

    void onSnapshot(final RaftMessage m) {
        final Snapshot s = m.snapshot();
        if (s.index() < 1 || s.term() > m.term()) {
            dropped++;
            return;
        }
        if (s.index() <= log.committed()) {
            respond(m, MessageType.APPEND_RESPONSE, false, log.committed(), 0, 0, 0);
            return;
        }
        if (log.matchTerm(s.index(), s.term())) {
            // We hold the snapshot's last entry: everything up to it is committed, nothing to install.
            log.commitTo(s.index());
        } else {
            log.restore(s);
            membership.restore(s.conf());
        }
        membership.foldCommitted(log.committed());
        respond(m, MessageType.APPEND_RESPONSE, false, log.committed(), 0, 0, 0);
    }

    private void respond(
        final RaftMessage to, final MessageType type, final boolean reject, final long index, final long rejectHint,
        final long logTerm, final long context) {
        out.send(new RaftMessage(type, regionId, selfId, to.from(), to.term(), logTerm, index, 0, reject, rejectHint,
            context, List.of(), null));
    }
}
