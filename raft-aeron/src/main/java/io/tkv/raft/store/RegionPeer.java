package io.tkv.raft.store;

import io.tkv.log.RaftLog;
import io.tkv.raft.core.ConfChange;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.HardState;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.RaftNode;
import io.tkv.raft.core.RaftStatus;
import io.tkv.raft.core.ReadState;
import io.tkv.raft.core.Ready;
import io.tkv.raft.core.Role;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.core.SoftState;
import io.tkv.raft.transport.RaftTransport;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One region's peer on this store: its Raft core, its view of the log, and what waits on Raft — proposals until
 * their entries commit, reads until the apply point passes their read index, committed entries the apply side had
 * no room for. It is the region's state machine in TiKV's batch-system sense; the {@link MultiRaft} driver polls
 * it once per duty cycle with every other region.
 *
 * <p><b>Snapshots and compaction.</b> A snapshot the core accepted from the leader is made durable first: the log is
 * compacted to the snapshot point (its entries go, it restarts after the snapshot index) with the hard state, in
 * the Ready's sync; then the snapshot is offered to the sink (the state machine installs it), ahead of every entry
 * committed after it, and only then is the core advanced. The region's own compaction ({@link #maybeCompact})
 * trims the log below the state machine's durable applied index.
 *
 * <p>Owned by the raft agent; nothing here is touched by another thread.
 */
final class RegionPeer {
    private static final Logger LOG = LoggerFactory.getLogger(RegionPeer.class);

    private final long regionId;
    private final long peerId;
    private final RaftNode node;
    private final LogBackedStorage storage;
    private final PeerDirectory peers;
    private final ApplySink sink;
    private final SnapshotTransfers transfers;
    /** Proposals waiting for their entry to commit: strictly increasing index (see {@link #propose}). */
    private final TokenQueue proposals = new TokenQueue(256);
    /** ReadIndex rounds asked for and not yet confirmed (context = the read's token), in request order. */
    private final TokenQueue unconfirmedReads = new TokenQueue(16);
    /** Reads with a read index (lease or confirmed ReadIndex), waiting for the offered index to reach it. */
    private final TokenQueue leaseReads = new TokenQueue(64);
    private final TokenQueue confirmedReads = new TokenQueue(16);
    /** Committed entries (and their proposal tokens) the sink refused, offered again first next cycle. */
    private final ArrayDeque<Entry> backlog = new ArrayDeque<>();
    private final LongArrayQueue backlogTokens = new LongArrayQueue();
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    /**
     * Readies advanced while their sync runs ({@link #finishWritten}): the log sequence each waits for, and its
     * messages for after the sync, oldest first.
     */
    private final LongArrayQueue syncTickets = new LongArrayQueue();
    private final ArrayDeque<List<RaftMessage>> heldMessages = new ArrayDeque<>();
    private boolean wroteForSync;
    /** The newest of {@link #syncTickets} (while it is not empty). */
    private long lastTicket;
    /** A snapshot to install that the sink had no room for: offered again before any committed entry. */
    private Snapshot pendingSnapshot;
    private long offeredIndex;
    /** Term and vote last written in a Ready that was synced: the hard state the log is known to hold. */
    private long syncedTerm = -1;
    private long syncedVote = -1;
    private long leaderPeerId;
    /** For a peer a leader's message created: that leader, the one peer heard before a snapshot gives a membership. */
    private long creatorPeerId;
    private Role role = Role.FOLLOWER;
    private Ready ready;
    /** Where this region is in the driver's {@link AwakeRegions}, -1 while it is not visited. */
    int awakeSlot = -1;

    RegionPeer(
        final long regionId, final long peerId, final RaftNode node, final LogBackedStorage storage,
        final PeerDirectory peers, final ApplySink sink, final SnapshotTransfers transfers, final long appliedIndex) {
        this.regionId = regionId;
        this.peerId = peerId;
        this.node = node;
        this.storage = storage;
        this.peers = peers;
        this.sink = sink;
        this.transfers = transfers;
        this.offeredIndex = appliedIndex;
    }

    long regionId() {
        return regionId;
    }

    RaftNode node() {
        return node;
    }

    boolean isLeader() {
        return role == Role.LEADER;
    }

    /** @return the store believed to lead the region (this one if it leads), or 0. */
    /** @return the store hosting a peer of this region, 0 if unknown. */
    long storeOf(final long otherPeerId) {
        return peers.storeOf(otherPeerId);
    }

    long leaderStoreId() {
        return leaderPeerId == 0 ? 0 : peers.storeOf(leaderPeerId);
    }

    /**
     * @return whether a message may be stepped: addressed to this peer, from a peer the sending store hosts, which is
     *     a member of the configuration in effect (or, on the leader, a removed peer still being told of it).
     */
    boolean acceptsFrom(final long fromStoreId, final RaftMessage message) {
        return message.to() == peerId && peers.storeOf(message.from()) == fromStoreId
            && (node.knowsPeer(message.from()) || message.from() == creatorPeerId && !node.hasMembership());
    }

    /**
     * Proposes a command; on success the proposal waits for its entry. A proposal at index i means the entries
     * this peer held at i and after (of older terms, proposed while it led before) were overwritten: those
     * proposals will never commit and are dropped now, which keeps the queue in index order.
     *
     * @return the entry's index, or -1 if the core refused (not leader, transfer, window full).
     */
    long propose(final byte[] data, final long token) {
        return track(node.propose(data), token);
    }

    /** @return the change's index, or -1 if the core refused it (not leader, a change pending, or a no-op). */
    long proposeConfChange(final ConfChange change, final long token) {
        return track(node.proposeConfChange(change), token);
    }

    private long track(final long index, final long token) {
        if (index < 0) {
            return -1;
        }
        while (!proposals.isEmpty() && proposals.tailIndex() >= index) {
            final long dropped = proposals.tailToken();
            proposals.removeTail();
            sink.onProposalDropped(regionId, dropped, leaderStoreId());
        }
        proposals.add(index, node.status().term(), token);
        return index;
    }

    /**
     * @return true if the read was queued (it will be offered to the sink once the apply point reaches its read
     *     index, or rejected if leadership goes before its ReadIndex round ends); false if this peer does not lead.
     */
    boolean read(final long token) {
        if (role != Role.LEADER) {
            return false;
        }
        final long leaseIndex = node.leaseReadIndex();
        if (leaseIndex >= 0) {
            leaseReads.add(leaseIndex, 0, token);
            offerReadyReads();
        } else {
            unconfirmedReads.add(0, 0, token);
            node.readIndex(token);
        }
        return true;
    }

    /** @return work done offering what the sink refused before; true while anything is still held back. */
    int drainBacklog() {
        int work = 0;
        if (pendingSnapshot != null) {
            if (!sink.offerSnapshot(regionId, pendingSnapshot)) {
                return 0;
            }
            offeredIndex = pendingSnapshot.index();
            pendingSnapshot = null;
            work++;
        }
        while (!backlog.isEmpty()) {
            final Entry entry = backlog.peekFirst();
            if (!sink.offerCommitted(regionId, entry, backlogTokens.peekLong())) {
                return work;
            }
            backlog.pollFirst();
            backlogTokens.pollLong();
            offeredIndex = entry.index();
            work++;
        }
        return work + offerReadyReads();
    }

    /** @return whether the region hibernates with nothing left to hand over: the driver may stop visiting it. */
    boolean asleep() {
        return node.hibernating() && ready == null && !hasBacklog() && syncTickets.isEmpty()
            && unconfirmedReads.isEmpty()
            && leaseReads.isEmpty() && confirmedReads.isEmpty() && !node.hasReady();
    }

    boolean hasBacklog() {
        return !backlog.isEmpty() || pendingSnapshot != null;
    }

    /** @return whether a Ready was taken (the core had one and nothing is held back for the sink). */
    boolean takeReady() {
        if (hasBacklog() || !node.hasReady()) {
            return false;
        }
        ready = node.ready();
        return true;
    }

    /** @return whether the Ready taken holds a snapshot (handled only with a synchronous sync). */
    boolean readyHasSnapshot() {
        return ready.snapshot() != null;
    }

    /**
     * Writes the Ready's entries and hard state to the log (not synced) and queues its early messages.
     *
     * @return true if the log must be synced before the rest of the Ready is handled.
     */
    boolean persistAndSendEarly(final RaftLog log, final RaftTransport transport) {
        final Snapshot snapshot = ready.snapshot();
        if (snapshot != null) {
            // Before anything else of the Ready: the log now starts after the snapshot (empty unless it holds the
            // snapshot's last entry), durable with this Ready's sync, and the membership is the snapshot's.
            log.compact(regionId, snapshot.index(), snapshot.term());
            storage.confState(snapshot.conf());
            dropProposalsUpTo(snapshot.index());
        }
        if (!ready.entries().isEmpty()) {
            dropOverwritten(ready.entries());
        }
        for (final Entry entry : ready.entries()) {
            final byte[] data = entry.data();
            if (entry.type() == EntryType.CONF_CHANGE) {
                learnPeer(data);
            }
            payload.wrap(data);
            log.append(regionId, entry.index(), entry.term(), entry.type().ordinal(), payload, 0, data.length);
        }
        boolean mustSync = snapshot != null || !ready.entries().isEmpty();
        final HardState hardState = ready.hardState();
        if (hardState != null) {
            log.saveHardState(regionId, hardState.term(), hardState.vote(), hardState.commit());
            // As etcd's MustSync: a new term or vote must be durable before anyone hears of it; a commit index
            // alone need not be (a restarted peer learns it again from the leader), so it rides on the next sync
            // instead of costing one of its own — on the leader after every commit, on a follower per heartbeat.
            mustSync |= hardState.term() != syncedTerm || hardState.vote() != syncedVote;
            syncedTerm = hardState.term();
            syncedVote = hardState.vote();
        }
        send(transport, ready.messages());
        wroteForSync = mustSync;
        return mustSync;
    }

    /** @return whether the Ready last written ({@link #persistAndSendEarly}) needs a sync of its own. */
    boolean wroteForSync() {
        return wroteForSync;
    }

    /** Where a peer a membership change adds lives, known before this Ready's messages go out. */
    private void learnPeer(final byte[] data) {
        try {
            final ConfChange change = ConfChange.decode(data);
            if (change.type() != ConfChange.Type.REMOVE_PEER) {
                peers.learn(change.peerId(), change.storeId());
            }
        } catch (final IllegalArgumentException ex) {
            // A malformed change is a no-op for the membership on every peer alike (Membership); nothing to learn.
        }
    }

    /**
     * After the sync: the late messages, role changes, committed entries and read states; then advances the core.
     *
     * @return work done.
     */
    int finishReady(final RaftTransport transport) {
        final Ready current = ready;
        ready = null;
        if (current.snapshot() != null) {
            // The log is durable past the snapshot; the state machine installs it ahead of every later entry.
            if (sink.offerSnapshot(regionId, current.snapshot())) {
                offeredIndex = current.snapshot().index();
            } else {
                pendingSnapshot = current.snapshot();
            }
        }
        send(transport, current.messagesAfterPersist());
        final int work = handOver(current);
        node.advance(current);
        return work;
    }

    /** Role changes, committed entries and read states of a Ready: what follows its writes, synced or not. */
    private int handOver(final Ready current) {
        if (current.softState() != null) {
            onSoftState(current.softState());
        }
        int work = 1;
        for (final Entry entry : current.committedEntries()) {
            if (entry.type() == EntryType.CONF_CHANGE) {
                storage.applyCommittedChange(entry.index(), entry.data());
            }
            offerCommitted(entry);
            work++;
        }
        for (final ReadState readState : current.readStates()) {
            if (unconfirmedReads.remove(readState.context())) {
                confirmedReads.add(readState.index(), 0, readState.context());
            }
        }
        return work + offerReadyReads();
    }

    /**
     * After the writes, with their sync underway on the log's sync thread: as {@link #finishReady}, but the late
     * messages are held until the log is durable up to {@code ticket} ({@link #onDurable}) and the core counts the
     * Ready's entries durable only then. A Ready that needed no sync of its own waits for this peer's last one all the
     * same: its late messages may vouch for entries that sync covers (an append response repeating the match).
     *
     * @param ticket the log sequence the Ready's writes are durable at, or -1 if it wrote nothing that must be.
     * @return work done.
     */
    int finishWritten(final RaftTransport transport, final long ticket) {
        final Ready current = ready;
        if (current.snapshot() != null) {
            throw new IllegalStateException("region " + regionId + ": a snapshot's Ready is finished once durable");
        }
        ready = null;
        final long waitFor = Math.max(ticket, syncTickets.isEmpty() ? -1 : lastTicket);
        if (waitFor < 0) {
            // Nothing of this peer waits for a sync: the Ready is as good as durable.
            ready = current;
            return finishReady(transport);
        }
        syncTickets.addLong(waitFor);
        lastTicket = waitFor;
        heldMessages.addLast(current.messagesAfterPersist());
        final int work = handOver(current);
        node.advanceWritten(current);
        return work;
    }

    /**
     * The log is durable up to {@code durableSeq}: the Readies waiting for it send their late messages and count as
     * durable in the core, in order.
     *
     * @return work done.
     */
    int onDurable(final RaftTransport transport, final long durableSeq) {
        int work = 0;
        while (!syncTickets.isEmpty() && syncTickets.peekLong() <= durableSeq) {
            syncTickets.pollLong();
            send(transport, heldMessages.pollFirst());
            node.persisted();
            work++;
        }
        return work;
    }

    /** @return whether Readies of this peer wait for a log sync. */
    boolean awaitingSync() {
        return !syncTickets.isEmpty();
    }

    /** The log failed: forget the Ready and what waits for a sync (nothing of it is acknowledged) and stop. */
    void abandonReady() {
        ready = null;
        syncTickets.clear();
        heldMessages.clear();
    }

    /**
     * Entries about to be written from index {@code first} replace whatever the log held there: a proposal of an
     * older term at or after {@code first} is gone from the log (a conflict with the leader's log), so it will
     * never commit. This peer's own new proposals are the tail of the queue and match the entries' terms.
     */
    private void dropOverwritten(final List<Entry> entries) {
        final long first = entries.get(0).index();
        final long last = entries.get(entries.size() - 1).index();
        while (!proposals.isEmpty() && proposals.tailIndex() >= first) {
            final long index = proposals.tailIndex();
            if (index <= last && entries.get((int)(index - first)).term() == proposals.tailTerm()) {
                break;
            }
            final long dropped = proposals.tailToken();
            proposals.removeTail();
            sink.onProposalDropped(regionId, dropped, leaderStoreId());
        }
    }

    private void offerCommitted(final Entry entry) {
        long token = ApplySink.NO_TOKEN;
        while (!proposals.isEmpty() && proposals.headIndex() <= entry.index()) {
            final long head = proposals.headToken();
            final boolean mine = proposals.headIndex() == entry.index() && proposals.headTerm() == entry.term();
            proposals.removeHead();
            if (mine) {
                token = head;
            } else {
                sink.onProposalDropped(regionId, head, leaderStoreId());
            }
        }
        if (!hasBacklog() && sink.offerCommitted(regionId, entry, token)) {
            offeredIndex = entry.index();
        } else {
            backlog.addLast(entry);
            backlogTokens.addLong(token);
        }
    }

    private int offerReadyReads() {
        return offerReads(leaseReads) + offerReads(confirmedReads);
    }

    private int offerReads(final TokenQueue reads) {
        int work = 0;
        while (!reads.isEmpty() && reads.headIndex() <= offeredIndex) {
            if (!sink.offerRead(regionId, reads.headToken())) {
                break;
            }
            reads.removeHead();
            work++;
        }
        return work;
    }

    private void onSoftState(final SoftState softState) {
        final boolean wasLeader = role == Role.LEADER;
        role = softState.role();
        leaderPeerId = softState.leader();
        if (wasLeader && role != Role.LEADER) {
            // ReadIndex rounds of the old term will not be confirmed; confirmed reads stay valid.
            while (!unconfirmedReads.isEmpty()) {
                final long token = unconfirmedReads.headToken();
                unconfirmedReads.removeHead();
                sink.onReadRejected(regionId, token, leaderStoreId());
            }
        }
    }

    /**
     * Compacts the log below the state machine's durable applied index once more than {@code threshold} entries
     * at or below it are held: up to {@code durableApplied - keep}, in the log (a COMPACT record, durable at the
     * next sync, after the state machine already is) and in the core.
     *
     * @return true if it compacted.
     */
    boolean maybeCompact(final RaftLog log, final long durableApplied, final long threshold, final long keep) {
        final long first = log.firstIndex(regionId);
        if (threshold <= 0 || durableApplied - first + 1 <= threshold) {
            return false;
        }
        // The core may only drop what it has handed to the sink; the durable applied index never passes that.
        final long index = Math.min(durableApplied, offeredIndex) - keep;
        final long term = log.term(regionId, index);
        if (index < first || term < 0) {
            return false;
        }
        log.compact(regionId, index, term);
        node.compact(index);
        return true;
    }

    /** This peer was made by {@code leaderPeerId}'s message, before it knew any membership. */
    void admitCreator(final long leaderPeerId) {
        creatorPeerId = leaderPeerId;
    }

    /** The region left this store: every proposal and read waiting here is told it will not happen here. */
    void abandon() {
        while (!proposals.isEmpty()) {
            final long dropped = proposals.headToken();
            proposals.removeHead();
            sink.onProposalDropped(regionId, dropped, 0);
        }
        for (final TokenQueue reads : new TokenQueue[] {unconfirmedReads, leaseReads, confirmedReads}) {
            while (!reads.isEmpty()) {
                final long token = reads.headToken();
                reads.removeHead();
                sink.onReadRejected(regionId, token, 0);
            }
        }
        ready = null;
        syncTickets.clear();
        heldMessages.clear();
    }

    /** Proposals at or below a snapshot from the leader: their fate is in the snapshot, not in an entry here. */
    private void dropProposalsUpTo(final long index) {
        while (!proposals.isEmpty() && proposals.headIndex() <= index) {
            final long dropped = proposals.headToken();
            proposals.removeHead();
            sink.onProposalDropped(regionId, dropped, leaderStoreId());
        }
    }

    private void send(final RaftTransport transport, final List<RaftMessage> messages) {
        for (int i = 0; i < messages.size(); i++) {
            final RaftMessage message = messages.get(i);
            final long storeId = peers.storeOf(message.to());
            if (storeId == 0) {
                node.reportUnreachable(message.to());
                if (message.type() == MessageType.SNAPSHOT) {
                    node.reportSnapshot(message.to(), false);
                }
                continue;
            }
            if (transport.send(storeId, message) && message.type() == MessageType.SNAPSHOT) {
                // A refused send was reported failed by the drop listener; a sent one ends when the streaming side
                // says so (inline snapshots: at once).
                if (!transfers.onSent(storeId, message)) {
                    node.reportSnapshot(message.to(), false);
                } else if (transfers == SnapshotTransfers.NONE) {
                    node.reportSnapshot(message.to(), true);
                }
            }
        }
    }

    /**
     * The transport gave up on a message of this peer (see {@link MultiRaft#onDropped}).
     *
     * @param fitsOneFrame whether the message could travel in one frame at all.
     */
    void onDropped(final RaftMessage message, final boolean fitsOneFrame) {
        node.reportUnreachable(message.to());
        if (message.type() == MessageType.SNAPSHOT) {
            node.reportSnapshot(message.to(), false);
        }
        if (message.type() == MessageType.APPEND && !message.entries().isEmpty() && !fitsOneFrame
            && message.entries().get(0).index() > node.status().commit()) {
            LOG.error("region {}: entry {} ({} bytes) is larger than any frame to another store can carry; stepping "
                + "down so a leader without it takes over", regionId, message.entries().get(0).index(),
                message.entries().get(0).data().length);
            node.stepDown();
        }
    }

    /** @return the outcome of a leader transfer to this region's voter on {@code toStoreId} (see MultiRaft). */
    MultiRaft.Outcome transferToStore(final long toStoreId) {
        final RaftStatus status = node.status();
        long toPeer = 0;
        for (final long voter : status.conf().voters()) {
            if (peers.storeOf(voter) == toStoreId) {
                toPeer = voter;
            }
        }
        if (toPeer == 0) {
            return MultiRaft.Outcome.NO_REGION;
        }
        if (status.role() != Role.LEADER) {
            return MultiRaft.Outcome.NOT_LEADER;
        }
        if (toPeer != status.id()) {
            node.transferLeadership(toPeer);
        }
        return MultiRaft.Outcome.ACCEPTED;
    }

    RaftStatus status() {
        return node.status();
    }

    long offeredIndex() {
        return offeredIndex;
    }

    int pendingProposals() {
        return proposals.size();
    }

    LogBackedStorage storage() {
        return storage;
    }

    long peerId() {
        return peerId;
    }
}
