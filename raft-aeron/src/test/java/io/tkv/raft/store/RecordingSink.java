package io.tkv.raft.store;

import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;

import java.util.ArrayList;
import java.util.List;

/** An {@link ApplySink} that records what it was handed, with an optional limit to exercise back-pressure. */
final class RecordingSink implements ApplySink {
    record Committed(long index, long term, String data, long token) {
    }

    final List<Committed> committed = new ArrayList<>();
    final List<Long> reads = new ArrayList<>();
    /** The last committed index at the moment each read was handed over. */
    final List<Long> readsAfterIndex = new ArrayList<>();
    final List<Long> droppedProposals = new ArrayList<>();
    final List<Long> rejectedReads = new ArrayList<>();
    int room = Integer.MAX_VALUE;

    @Override
    public boolean offerCommitted(final long regionId, final Entry entry, final long proposalToken) {
        if (room <= 0) {
            return false;
        }
        room--;
        if (!committed.isEmpty() && committed.get(committed.size() - 1).index() + 1 != entry.index()) {
            throw new AssertionError("gap: " + committed.get(committed.size() - 1) + " then " + entry);
        }
        committed.add(new Committed(entry.index(), entry.term(),
            entry.type() == EntryType.NORMAL ? new String(entry.data()) : "conf", proposalToken));
        return true;
    }

    @Override
    public boolean offerRead(final long regionId, final long readToken) {
        if (room <= 0) {
            return false;
        }
        room--;
        reads.add(readToken);
        readsAfterIndex.add(lastIndex());
        return true;
    }

    @Override
    public void onProposalDropped(final long regionId, final long proposalToken, final long leaderStoreId) {
        droppedProposals.add(proposalToken);
    }

    @Override
    public void onReadRejected(final long regionId, final long readToken, final long leaderStoreId) {
        rejectedReads.add(readToken);
    }

    long lastIndex() {
        return committed.isEmpty() ? -1 : committed.get(committed.size() - 1).index();
    }

    /** @return the data of the non-empty normal entries, in log order. */
    List<String> commands() {
        final List<String> commands = new ArrayList<>();
        for (final Committed c : committed) {
            if (!c.data().isEmpty() && !c.data().equals("conf")) {
                commands.add(c.data());
            }
        }
        return commands;
    }
}
