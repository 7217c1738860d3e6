package io.tkv.raft.core;

import java.util.List;

/**
 * A message between two peers of one Raft group. The same shape for every {@link MessageType}; what the fields
 * mean depends on the type:
 *
 * <table>
 * <caption>field use per type</caption>
 * <tr><th>type</th><th>logTerm, index</th><th>commit</th><th>reject, rejectHint</th><th>context</th>
 *     <th>entries, snapshot</th></tr>
 * <tr><td>PRE_VOTE, VOTE</td><td>candidate's last log term and index</td><td>-</td><td>-</td>
 *     <td>1 when campaigning for a leader transfer</td><td>-</td></tr>
 * <tr><td>PRE_VOTE_RESPONSE, VOTE_RESPONSE</td><td>-</td><td>-</td><td>reject: vote refused</td><td>-</td>
 *     <td>-</td></tr>
 * <tr><td>APPEND</td><td>term and index of the entry before {@code entries}</td><td>leader's commit</td><td>-</td>
 *     <td>-</td><td>entries</td></tr>
 * <tr><td>APPEND_RESPONSE</td><td>index: last index now matching (accepted) or the rejected prev index;
 *     logTerm: on reject, the follower's term at rejectHint (a conflict hint)</td><td>-</td>
 *     <td>reject: log did not match; rejectHint: where the leader should probe next (etcd's fast backtrack:
 *     at most the follower's last index)</td><td>-</td><td>-</td></tr>
 * <tr><td>HEARTBEAT</td><td>-</td><td>min(leader commit, follower match)</td><td>-</td>
 *     <td>round id, echoed back (ReadIndex and lease)</td><td>-</td></tr>
 * <tr><td>HEARTBEAT_RESPONSE</td><td>-</td><td>-</td><td>-</td><td>round id echoed</td><td>-</td></tr>
 * <tr><td>SNAPSHOT</td><td>-</td><td>-</td><td>-</td><td>-</td><td>snapshot</td></tr>
 * <tr><td>TIMEOUT_NOW</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>
 * <tr><td>HIBERNATE</td><td>leader's last log term and index</td><td>leader's commit (= index)</td><td>-</td>
 *     <td>-</td><td>-</td></tr>
 * </table>
 *
 * <p>Every message carries the sender's current {@code term} (for PRE_VOTE: the term it would campaign in).
 * Immutable; {@code entries} is never null and must not be changed once the message is built.
 *
 * @param type       kind of message.
 * @param regionId   the group (region) it belongs to.
 * @param from       sending peer id.
 * @param to         receiving peer id.
 * @param term       sender's term.
 * @param logTerm    see the table.
 * @param index      see the table.
 * @param commit     see the table.
 * @param reject     see the table.
 * @param rejectHint see the table.
 * @param context    see the table.
 * @param entries    APPEND only; empty otherwise.
 * @param snapshot   SNAPSHOT only; null otherwise.
 */
public record RaftMessage(
    MessageType type, long regionId, long from, long to, long term, long logTerm, long index, long commit,
    boolean reject, long rejectHint, long context, List<Entry> entries, Snapshot snapshot) {

    /**
     * The largest term, and the largest log index, a message may carry. Far beyond any real log or term (2^62), and
     * low enough that no sum or increment the core does on two of them can overflow: a message past it is malformed.
     */
    public static final long MAX_TERM_OR_INDEX = 1L << 62;

    /** @return whether every term and index in this message is in [0, {@link #MAX_TERM_OR_INDEX}]. */
    public boolean inBounds() {
        if (!inBounds(term) || !inBounds(logTerm) || !inBounds(index) || !inBounds(commit) || !inBounds(rejectHint)) {
            return false;
        }
        for (int i = 0; i < entries.size(); i++) {
            final Entry entry = entries.get(i);
            if (!inBounds(entry.index()) || !inBounds(entry.term())) {
                return false;
            }
        }
        return snapshot == null || (inBounds(snapshot.index()) && inBounds(snapshot.term()));
    }

    private static boolean inBounds(final long value) {
        return value >= 0 && value <= MAX_TERM_OR_INDEX;
    }

    public RaftMessage {
        if (type == null) {
            throw new IllegalArgumentException("raft message type is null");
        }
        if (entries == null) {
            entries = List.of();
        }
        if (type == MessageType.SNAPSHOT && snapshot == null) {
            throw new IllegalArgumentException("SNAPSHOT message without a snapshot");
        }
    }

    @Override
    public String toString() {
        return type + "{r" + regionId + " " + from + "->" + to + " t" + term + " logTerm=" + logTerm + " index="
            + index + " commit=" + commit + (reject ? " reject hint=" + rejectHint : "") + " ctx=" + context
            + (entries.isEmpty() ? "" : " entries=" + entries.size() + "[" + entries.get(0).index() + ".."
            + entries.get(entries.size() - 1).index() + "]") + (snapshot == null ? "" : " " + snapshot) + "}";
    }
}
