package io.tkv.raft.core;

import java.util.List;

/** Builders of raw messages for tests that step a peer by hand. */
final class Messages {
    private Messages() {
    }

    static RaftMessage vote(final MessageType type, final long from, final long to, final long term,
        final long lastTerm, final long lastIndex, final long context) {
        return new RaftMessage(type, TestCluster.REGION, from, to, term, lastTerm, lastIndex, 0, false, 0, context,
            List.of(), null);
    }

    static RaftMessage heartbeat(final long from, final long to, final long term, final long commit) {
        return new RaftMessage(MessageType.HEARTBEAT, TestCluster.REGION, from, to, term, 0, 0, commit, false, 0, 0,
            List.of(), null);
    }

    static RaftMessage append(final long from, final long to, final long term, final long prevTerm,
        final long prevIndex, final long commit, final List<Entry> entries) {
        return new RaftMessage(MessageType.APPEND, TestCluster.REGION, from, to, term, prevTerm, prevIndex, commit,
            false, 0, 0, entries, null);
    }

    static RaftMessage snapshot(final long from, final long to, final long term, final Snapshot snapshot) {
        return new RaftMessage(MessageType.SNAPSHOT, TestCluster.REGION, from, to, term, 0, 0, 0, false, 0, 0,
            List.of(), snapshot);
    }

    static Entry entry(final long index, final long term, final String data) {
        return new Entry(index, term, EntryType.NORMAL, data.getBytes());
    }

    /** @return every message of this Ready, in both lists. */
    static List<RaftMessage> all(final Ready ready) {
        final java.util.ArrayList<RaftMessage> out = new java.util.ArrayList<>(ready.messages());
        out.addAll(ready.messagesAfterPersist());
        return out;
    }
}
