package io.tkv.server.pd;

import io.tkv.codec.AllocIdDecoder;
import io.tkv.codec.BootstrapDecoder;
import io.tkv.codec.GetGcSafePointDecoder;
import io.tkv.codec.IsBootstrappedDecoder;
import io.tkv.codec.PutStoreDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.TsoDecoder;
import io.tkv.codec.UpdateGcSafePointDecoder;
import io.tkv.codec.keys.Timestamps;
import io.tkv.pd.gc.GcLifetimePolicy;
import io.tkv.pd.gc.GcSafePoint;
import io.tkv.pd.id.IdAllocator;
import io.tkv.pd.id.IdStore;
import io.tkv.pd.tso.TimestampOracle;
import io.tkv.pd.tso.TsoStore;
import io.tkv.raft.core.RaftStatus;
import io.tkv.raft.core.Role;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.config.PdSettings;
import io.tkv.server.config.RaftSettings;
import io.tkv.server.session.ClientSession;
import io.tkv.storage.PdState;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What a PD member serves, on the PD agent's thread: it drives the deterministic core ({@link TimestampOracle},
 * {@link IdAllocator}) from PD's Raft group and answers the requests the ingress hands it. It also owns PD's
 * leadership for the store band, routing and operators ({@link PdClusterService}, {@link PdOperatorsService}): the
 * leader's {@link PdRegistry} is built when this member starts leading and dropped when it stops, store registrations
 * go through {@link #proposeStore} and are answered once applied.
 *
 * <p><b>Leadership.</b> The core starts leading only once this member's Raft peer leads <i>and</i> has applied an
 * entry of its own term (the new leader's no-op): every entry committed before, every limit an earlier leader had
 * confirmed included, is then in {@link PdState}, which is what {@code becomeLeader} loads. An applied entry of a newer
 * term while leading means leadership moved and came back in between: the core resigns and starts again from the
 * state, so it never serves from a window an other leader may have passed.
 *
 * <p><b>Durable limits.</b> {@link TsoStore#saveLimit} and {@link IdStore#saveEnd} become Raft proposals (one of each
 * in flight; a dropped one is proposed again), and the core hears of a limit once its entry is applied.
 *
 * <p><b>Timestamps are linearizable.</b> A Tso request is served only through a Raft read (under the leader lease at
 * once, else after a ReadIndex round): a member that lost its leadership without knowing it serves nothing after its
 * lease ran out, and a new leader is elected only after that (the lease is shorter than the election timeout). With
 * the durable limit, every timestamp handed out is greater than every one handed out before its request arrived.
 *
 * <p><b>The GC safe point</b> ({@link GcSafePoint}) is in PD's log: the leader checks a new value (above the applied
 * one, at most a timestamp it hands out now) and proposes it, and apply keeps the maximum. GetGcSafePoint is a Raft
 * read; UpdateGcSafePoint (admin) is answered once its entry is applied. While serving, the leader also advances it
 * by its lifetime ({@link GcLifetimePolicy}, one proposal in flight).
 */
final class PdService implements PdStateMachine.Listener, TsoStore {
    /** PD's one Raft group. */
    static final long GROUP_ID = 1;
    /** The most timestamps one Tso asks for: half the logical space of a millisecond. */
    static final int MAX_TSO_COUNT = (int)(Timestamps.MAX_LOGICAL / 2);
    /**
     * Ids PD never hands out: 1 to this are the static bootstrap's (the stores of a cluster's {@code initial-cluster},
     * its founding region 1 and that region's peers, whose ids are the store ids) and those an admin picks for a split
     * without PD. A region, peer or store id from PD can then never be one the founding cluster already uses.
     */
    static final long STATIC_IDS = 1000;
    /** The most ids one AllocId asks for. */
    static final int MAX_ID_COUNT = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(PdService.class);
    private static final long TSO_SAVE_TOKEN = 1;
    private static final long ID_SAVE_TOKEN = 2;
    private static final long GC_SAVE_TOKEN = 3;
    private static final int KIND_TSO = 1;
    private static final int KIND_IS_BOOTSTRAPPED = 2;
    private static final int KIND_BOOTSTRAP = 3;
    private static final int KIND_PUT_STORE = 4;
    private static final int KIND_GET_GC_SAFE_POINT = 5;
    private static final int KIND_UPDATE_GC_SAFE_POINT = 6;

    private final MultiRaft raft;
    private final PdState state;
    private final PdPending pending;
    private final PdReplies replies;
    private final long memberId;
    private final long clusterId;
    private final List<RaftSettings.StoreAddress> members;
    private final Long2ObjectHashMap<String> endpoints = new Long2ObjectHashMap<>();
    private final TimestampOracle tso;
    private final IdAllocator ids;
    private final PdRegistry registry;
    private final PdStoreReplies storeReplies;
    private final GcLifetimePolicy gcPolicy;
    private boolean gcSaveInFlight;
    /** The applied GC safe point, kept from the state machine's notices (not decoded again every duty cycle). */
    private long appliedGcSafePoint;
    private boolean leading;
    private long leaderTerm;
    private long tsoWanted;
    private boolean tsoSaveInFlight;
    private long idWanted;
    private boolean idSaveInFlight;
    private long nowMs;

    PdService(
        final MultiRaft raft, final PdState state, final PdPending pending, final PdReplies replies,
        final long memberId, final long clusterId, final List<RaftSettings.StoreAddress> members,
        final long tsoSaveWindowMs, final PdSettings settings, final PdStoreReplies storeReplies) {
        this.raft = raft;
        this.state = state;
        this.pending = pending;
        this.replies = replies;
        this.memberId = memberId;
        this.clusterId = clusterId;
        this.members = List.copyOf(members);
        for (final RaftSettings.StoreAddress member : members) {
            endpoints.put(member.storeId(), member.endpoint());
        }
        this.tso = new TimestampOracle(this, tsoSaveWindowMs);
        this.ids = new IdAllocator(new IdStore() {
            @Override
            public long loadEnd() {
                // The first id PD hands out is above the static band (see STATIC_IDS).
                return Math.max(state.idEnd(), STATIC_IDS);
            }

            @Override
            public void saveEnd(final long end) {
                idWanted = Math.max(idWanted, end);
                proposeSaves();
            }
        });
        this.registry = new PdRegistry(settings, ids::allocate);
        this.storeReplies = storeReplies;
        this.gcPolicy = new GcLifetimePolicy(settings.gcLifeTimeMs());
        this.appliedGcSafePoint = PdStateMachine.gcSafePoint(state);
    }

    /**
     * The service's duty cycle: follows Raft's leadership, moves the TSO's clock and renews its window.
     *
     * @param nowMs the wall clock (timestamps are wall-clock milliseconds).
     * @return work done.
     */
    int doWork(final long nowMs) {
        this.nowMs = nowMs;
        final boolean raftLeader = raft.leaderStoreId(GROUP_ID) == memberId;
        if (leading && !raftLeader) {
            resign("this member no longer leads PD's Raft group");
        } else if (!leading && raftLeader) {
            // Cold: only while a new leader waits for its no-op to apply.
            final RaftStatus status = raft.status(GROUP_ID);
            if (status != null && status.role() == Role.LEADER && state.appliedTerm() == status.term()) {
                lead(status.term(), nowMs);
                return 1;
            }
        }
        if (!leading) {
            return 0;
        }
        tso.update(nowMs);
        return proposeSaves() + advanceGcSafePoint(nowMs);
    }

    /** The lifetime's auto-advance: proposes TSO(now - lifetime) when it is a step ahead (one in flight). */
    private int advanceGcSafePoint(final long nowMs) {
        if (gcSaveInFlight || !tso.isServing()) {
            return 0;
        }
        final long current = gcSafePoint();
        // A lower bound of every timestamp handed out from now on, without spending one.
        final long tsoNow = Timestamps.compose(tso.physicalMs(), 0);
        final long target = gcPolicy.target(nowMs, current, tsoNow);
        if (target == GcSafePoint.NONE) {
            return 0;
        }
        gcSaveInFlight = raft.propose(GROUP_ID, PdCommand.encode(PdCommand.GC_SAFE_POINT, target), GC_SAVE_TOKEN)
            == MultiRaft.Outcome.ACCEPTED;
        return 1;
    }

    /** @return the applied GC safe point ({@link GcSafePoint#NONE}: none yet). */
    long gcSafePoint() {
        return appliedGcSafePoint;
    }

    private void lead(final long term, final long nowMs) {
        leading = true;
        leaderTerm = term;
        tsoSaveInFlight = false;
        idSaveInFlight = false;
        gcSaveInFlight = false;
        tsoWanted = 0;
        idWanted = 0;
        tso.becomeLeader(nowMs);
        ids.becomeLeader();
        registry.start(term, state.stores(), nowMs);
        LOG.info("PD member {} leads (term {}): durable TSO limit {} ms, id end {}; serving once the next window is "
            + "durable", memberId, term, state.tsoLimitMs(), state.idEnd());
    }

    private void resign(final String why) {
        leading = false;
        tso.resign();
        ids.resign();
        registry.stop();
        LOG.info("PD member {} stops serving TSO and ids: {}", memberId, why);
    }

    @Override
    public long loadLimit() {
        return state.tsoLimitMs();
    }

    @Override
    public void saveLimit(final long limitMs) {
        tsoWanted = Math.max(tsoWanted, limitMs);
        proposeSaves();
    }

    /** Proposes the limits wanted and not yet durable, one of each kind in flight. */
    private int proposeSaves() {
        int work = 0;
        if (leading && !tsoSaveInFlight && tsoWanted > state.tsoLimitMs()) {
            tsoSaveInFlight = raft.propose(GROUP_ID, PdCommand.encode(PdCommand.TSO_LIMIT, tsoWanted),
                TSO_SAVE_TOKEN) == MultiRaft.Outcome.ACCEPTED;
            work++;
        }
        if (leading && !idSaveInFlight && idWanted > state.idEnd()) {
            idSaveInFlight = raft.propose(GROUP_ID, PdCommand.encode(PdCommand.ID_END, idWanted), ID_SAVE_TOKEN)
                == MultiRaft.Outcome.ACCEPTED;
            work++;
        }
        return work;
    }

    @Override
    public void onApplied(final long term, final byte type, final long value, final long proposalToken) {
        if (leading && term > leaderTerm) {
            resign("an entry of a newer term (" + term + ") was applied");
        }
        if (proposalToken == TSO_SAVE_TOKEN) {
            tsoSaveInFlight = false;
        } else if (proposalToken == ID_SAVE_TOKEN) {
            idSaveInFlight = false;
        } else if (proposalToken == GC_SAVE_TOKEN) {
            gcSaveInFlight = false;
        }
        if (type == PdCommand.TSO_LIMIT) {
            tso.onLimitSaved(state.tsoLimitMs());
        } else if (type == PdCommand.ID_END) {
            ids.onEndSaved(state.idEnd());
        } else if (type == PdCommand.PUT_STORE) {
            registry.putStore(state.store(value), nowMs);
        } else if (type == PdCommand.GC_SAFE_POINT) {
            appliedGcSafePoint = value;
        }
        final int slot = pending.slotOf(proposalToken);
        if (slot >= 0) {
            // A Bootstrap, a PutStore and an UpdateGcSafePoint wait for a commit.
            if (pending.kind(slot) == KIND_PUT_STORE) {
                storeReplies.putStore(pending.session(slot).publication(), pending.correlationId(slot), Status.OK, "");
            } else if (pending.kind(slot) == KIND_UPDATE_GC_SAFE_POINT) {
                replies.gcSafePointUpdated(pending.session(slot).publication(), pending.correlationId(slot),
                    gcSafePoint(), true);
            } else {
                replies.bootstrap(pending.session(slot).publication(), pending.correlationId(slot), false);
            }
            pending.remove(slot);
        }
    }

    @Override
    public void onReadReady(final long readToken) {
        final int slot = pending.slotOf(readToken);
        if (slot < 0) {
            return;
        }
        final ClientSession session = pending.session(slot);
        final long correlationId = pending.correlationId(slot);
        if (pending.kind(slot) == KIND_TSO) {
            serveTso(session, correlationId, pending.count(slot));
        } else if (pending.kind(slot) == KIND_GET_GC_SAFE_POINT) {
            replies.gcSafePoint(session.publication(), correlationId, gcSafePoint(), gcPolicy.lifeTimeMs());
        } else {
            replies.isBootstrapped(session.publication(), correlationId, state.clusterId());
        }
        pending.remove(slot);
    }

    private void serveTso(final ClientSession session, final long correlationId, final int count) {
        final long last = leading ? tso.allocate(count) : TimestampOracle.REFUSED;
        if (last == TimestampOracle.REFUSED) {
            refuse(session, correlationId, TsoDecoder.TEMPLATE_ID);
            return;
        }
        replies.tso(session.publication(), correlationId, Timestamps.physicalMs(last), Timestamps.logical(last),
            count);
    }

    @Override
    public void onReadRejected(final long readToken, final long leaderId) {
        final int slot = pending.slotOf(readToken);
        if (slot >= 0) {
            replies.notLeader(pending.session(slot).publication(), pending.correlationId(slot),
                templateOf(pending.kind(slot)), leaderId, endpointOf(leaderId));
            pending.remove(slot);
        }
    }

    @Override
    public void onProposalDropped(final long proposalToken, final long leaderId) {
        if (proposalToken == TSO_SAVE_TOKEN) {
            tsoSaveInFlight = false;
        } else if (proposalToken == ID_SAVE_TOKEN) {
            idSaveInFlight = false;
        } else if (proposalToken == GC_SAVE_TOKEN) {
            gcSaveInFlight = false;
        } else {
            onReadRejected(proposalToken, leaderId);
        }
    }

    /** GetMembers: any member answers, with the leader it knows. */
    void onGetMembers(final ClientSession session, final long correlationId) {
        replies.members(session.publication(), correlationId, raft.leaderStoreId(GROUP_ID), memberId, members);
    }

    void onTso(final ClientSession session, final long correlationId, final int count) {
        if (count < 1 || count > MAX_TSO_COUNT) {
            replies.error(session.publication(), correlationId, Status.MALFORMED, TsoDecoder.TEMPLATE_ID,
                "Tso count " + count + " outside [1, " + MAX_TSO_COUNT + "]");
            return;
        }
        read(session, correlationId, KIND_TSO, count, TsoDecoder.TEMPLATE_ID);
    }

    void onIsBootstrapped(final ClientSession session, final long correlationId) {
        read(session, correlationId, KIND_IS_BOOTSTRAPPED, 0, IsBootstrappedDecoder.TEMPLATE_ID);
    }

    private void read(
        final ClientSession session, final long correlationId, final int kind, final int count, final int templateId) {
        if (!leading) {
            refuse(session, correlationId, templateId);
            return;
        }
        final long token = pending.add(session, correlationId, kind, count);
        if (token == 0) {
            replies.error(session.publication(), correlationId, Status.SERVER_BUSY, templateId,
                "too many PD requests waiting");
            return;
        }
        // Under the lease the read is served inside this call (offerRead), and its slot is gone already.
        final MultiRaft.Outcome outcome = raft.read(GROUP_ID, token);
        final int slot = pending.slotOf(token);
        if (outcome != MultiRaft.Outcome.ACCEPTED && slot >= 0) {
            pending.remove(slot);
            refuse(session, correlationId, templateId);
        }
    }

    /** GetGcSafePoint: any session, through a Raft read on the leader. */
    void onGetGcSafePoint(final ClientSession session, final long correlationId) {
        read(session, correlationId, KIND_GET_GC_SAFE_POINT, 0, GetGcSafePointDecoder.TEMPLATE_ID);
    }

    /**
     * UpdateGcSafePoint (admin): a safe point above the applied one and at most a timestamp handed out now is proposed
     * and answered once applied; one at or below the applied one is answered at once with the applied one (the safe
     * point never moves backwards); one above the TSO is refused MALFORMED.
     */
    void onUpdateGcSafePoint(final ClientSession session, final long correlationId, final long requested) {
        final int template = UpdateGcSafePointDecoder.TEMPLATE_ID;
        if (!session.isAdmin()) {
            replies.error(session.publication(), correlationId, Status.UNAUTHENTICATED, template,
                "UpdateGcSafePoint needs an admin session (--admin-secret-file)");
            return;
        }
        final long tsoNow = leading ? tso.allocate(1) : TimestampOracle.REFUSED;
        if (tsoNow == TimestampOracle.REFUSED) {
            refuse(session, correlationId, template);
            return;
        }
        final long current = gcSafePoint();
        switch (GcSafePoint.check(current, requested, tsoNow)) {
            case INVALID -> replies.error(session.publication(), correlationId, Status.MALFORMED, template,
                "GC safe point " + requested + " is negative");
            case ABOVE_TSO -> replies.error(session.publication(), correlationId, Status.MALFORMED, template,
                "GC safe point " + requested + " is above the TSO's current timestamp " + tsoNow);
            case NOT_NEWER -> replies.gcSafePointUpdated(session.publication(), correlationId, current, false);
            case ADVANCE -> proposeGcSafePoint(session, correlationId, requested);
            default -> throw new IllegalStateException("unknown verdict");
        }
    }

    private void proposeGcSafePoint(final ClientSession session, final long correlationId, final long safePoint) {
        final int template = UpdateGcSafePointDecoder.TEMPLATE_ID;
        final long token = pending.add(session, correlationId, KIND_UPDATE_GC_SAFE_POINT, 0);
        if (token == 0) {
            replies.error(session.publication(), correlationId, Status.SERVER_BUSY, template,
                "too many PD requests waiting");
            return;
        }
        if (raft.propose(GROUP_ID, PdCommand.encode(PdCommand.GC_SAFE_POINT, safePoint), token)
            != MultiRaft.Outcome.ACCEPTED) {
            pending.remove(pending.slotOf(token));
            refuse(session, correlationId, template);
        }
    }

    void onAllocId(final ClientSession session, final long correlationId, final int count) {
        if (count < 1 || count > MAX_ID_COUNT) {
            replies.error(session.publication(), correlationId, Status.MALFORMED, AllocIdDecoder.TEMPLATE_ID,
                "AllocId count " + count + " outside [1, " + MAX_ID_COUNT + "]");
            return;
        }
        // Ids need no read point: a new leader continues after every range any leader reserved durably.
        final long first = leading ? ids.allocate() : IdAllocator.NONE;
        if (first == IdAllocator.NONE) {
            refuse(session, correlationId, AllocIdDecoder.TEMPLATE_ID);
            return;
        }
        int allocated = 1;
        // Within one leadership the allocator hands out consecutive ids; NONE ends the batch early.
        while (allocated < count && ids.allocate() != IdAllocator.NONE) {
            allocated++;
        }
        replies.allocId(session.publication(), correlationId, first, allocated);
    }

    void onBootstrap(final ClientSession session, final long correlationId, final long requestedClusterId) {
        if (!session.isAdmin()) {
            replies.error(session.publication(), correlationId, Status.UNAUTHENTICATED, BootstrapDecoder.TEMPLATE_ID,
                "Bootstrap needs an admin session (--admin-secret-file)");
            return;
        }
        if (requestedClusterId != clusterId) {
            replies.error(session.publication(), correlationId, Status.MALFORMED, BootstrapDecoder.TEMPLATE_ID,
                "cluster id " + requestedClusterId + " is not this PD's cluster id " + clusterId);
            return;
        }
        if (!leading) {
            refuse(session, correlationId, BootstrapDecoder.TEMPLATE_ID);
            return;
        }
        if (state.clusterId() != 0) {
            replies.bootstrap(session.publication(), correlationId, true);
            return;
        }
        final long token = pending.add(session, correlationId, KIND_BOOTSTRAP, 0);
        if (token == 0) {
            replies.error(session.publication(), correlationId, Status.SERVER_BUSY, BootstrapDecoder.TEMPLATE_ID,
                "too many PD requests waiting");
            return;
        }
        if (raft.propose(GROUP_ID, PdCommand.encode(PdCommand.BOOTSTRAP, clusterId), token)
            != MultiRaft.Outcome.ACCEPTED) {
            pending.remove(pending.slotOf(token));
            refuse(session, correlationId, BootstrapDecoder.TEMPLATE_ID);
        }
    }

    /**
     * Proposes a store's registration; its PutStoreResponse goes out once the entry is applied (or NOT_LEADER if the
     * proposal is dropped). Leading only.
     */
    void proposeStore(final ClientSession session, final long correlationId, final byte[] entry,
        final int templateId) {
        final long token = pending.add(session, correlationId, KIND_PUT_STORE, 0);
        if (token == 0) {
            replies.error(session.publication(), correlationId, Status.SERVER_BUSY, templateId,
                "too many PD requests waiting");
            return;
        }
        if (raft.propose(GROUP_ID, entry, token) != MultiRaft.Outcome.ACCEPTED) {
            pending.remove(pending.slotOf(token));
            refuse(session, correlationId, templateId);
        }
    }

    /** @return a fresh id, or {@link IdAllocator#NONE} when none is durable now (or not leading). */
    long allocateId() {
        return leading ? ids.allocate() : IdAllocator.NONE;
    }

    /** @return whether this member leads PD (its own term's entry applied): the registry is there. */
    boolean leading() {
        return leading;
    }

    /** @return the leader's view of stores and regions (active while leading). */
    PdRegistry registry() {
        return registry;
    }

    /**
     * The member cannot serve now: a leader still making its window durable answers SERVER_BUSY (the client retries
     * shortly); any other member NOT_LEADER with the leader it knows.
     */
    void refuse(final ClientSession session, final long correlationId, final int templateId) {
        final long leaderId = raft.leaderStoreId(GROUP_ID);
        if (leaderId == memberId) {
            replies.error(session.publication(), correlationId, Status.SERVER_BUSY, templateId,
                "the PD leader is starting: its TSO window or id range is not durable yet");
        } else {
            replies.notLeader(session.publication(), correlationId, templateId, leaderId, endpointOf(leaderId));
        }
    }

    private String endpointOf(final long id) {
        final String endpoint = endpoints.get(id);
        return endpoint == null ? "" : endpoint;
    }

    private static int templateOf(final int kind) {
        return switch (kind) {
            case KIND_TSO -> TsoDecoder.TEMPLATE_ID;
            case KIND_IS_BOOTSTRAPPED -> IsBootstrappedDecoder.TEMPLATE_ID;
            case KIND_PUT_STORE -> PutStoreDecoder.TEMPLATE_ID;
            case KIND_GET_GC_SAFE_POINT -> GetGcSafePointDecoder.TEMPLATE_ID;
            case KIND_UPDATE_GC_SAFE_POINT -> UpdateGcSafePointDecoder.TEMPLATE_ID;
            default -> BootstrapDecoder.TEMPLATE_ID;
        };
    }

    /** @return whether this member serves TSO and ids (it leads and its window is durable). PD agent thread. */
    boolean isServing() {
        return leading && tso.isServing();
    }

    /** @return requests waiting for Raft. */
    int pendingRequests() {
        return pending.size();
    }
}
