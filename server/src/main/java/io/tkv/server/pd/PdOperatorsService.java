package io.tkv.server.pd;

import io.tkv.codec.AddOperatorDecoder;
import io.tkv.codec.GetOperatorsDecoder;
import io.tkv.codec.OperatorKind;
import io.tkv.codec.SetSchedulerDecoder;
import io.tkv.codec.Status;
import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;
import io.tkv.pd.id.IdAllocator;
import io.tkv.pd.schedule.Coordinator;
import io.tkv.pd.schedule.Operator;
import io.tkv.pd.schedule.OperatorController;
import io.tkv.pd.schedule.OperatorStep;
import io.tkv.server.config.PdSettings;
import io.tkv.server.session.ClientSession;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PD's operators and schedulers for {@code tkv-ctl}, on the leader: GetOperators (any session), SetScheduler and
 * AddOperator (admin sessions only; others get UNAUTHENTICATED). SetScheduler switches a scheduler of this
 * leadership; a new leader starts from {@code schedule.schedulers} again. AddOperator plans an ADMIN operator (it
 * comes before anything PD planned on the region) from one request:
 * <ul>
 *   <li>ADD_LEARNER on a store: a learner with a fresh peer id (the store is UP and has no peer of the region);</li>
 *   <li>ADD_VOTER on a store: its learner promoted, or a new learner added and promoted;</li>
 *   <li>REMOVE_PEER on a store: its peer removed (not the leader's: transfer the leadership first; not the last
 *       voter);</li>
 *   <li>TRANSFER_LEADER to a store: to its voter;</li>
 *   <li>SPLIT: the region's leader picks the key and asks for ids (AskSplit).</li>
 * </ul>
 * Whatever makes no sense for the region as PD knows it is refused MALFORMED with the reason; a region PD does not
 * know (yet) REGION_NOT_FOUND; a region busy with an operator PD will not replace, or a store at its limit,
 * SERVER_BUSY.
 */
final class PdOperatorsService {
    private static final Logger LOG = LoggerFactory.getLogger(PdOperatorsService.class);

    private final PdService service;
    private final PdOperatorReplies replies;
    private final PdReplies errors;
    private final EpochClock clock;

    PdOperatorsService(final PdService service, final PdOperatorReplies replies, final PdReplies errors,
        final EpochClock clock) {
        this.service = service;
        this.replies = replies;
        this.errors = errors;
        this.clock = clock;
    }

    void onGetOperators(final ClientSession session, final long correlationId) {
        if (!admit(session, correlationId, GetOperatorsDecoder.TEMPLATE_ID, false)) {
            return;
        }
        final PdRegistry registry = service.registry();
        final List<PdOperatorReplies.OperatorRow> rows = new ArrayList<>();
        for (final Operator op : registry.coordinator().operators().running()) {
            final RegionInfo region = registry.cluster().regions().byId(op.regionId());
            final WireSteps step = WireSteps.of(op.steps().get(op.currentStep()), region);
            rows.add(new PdOperatorReplies.OperatorRow(op.regionId(), registry.operatorId(op), step.kind(),
                step.storeId(), describe(op)));
        }
        replies.operators(session.publication(), correlationId, rows);
    }

    private static String describe(final Operator op) {
        final String text = op.kind().name().toLowerCase(Locale.ROOT) + " " + op.description() + ": step "
            + (op.currentStep() + 1) + " of " + op.steps().size() + " " + op.steps();
        return text.length() > 512 ? text.substring(0, 512) : text;
    }

    void onSetScheduler(final ClientSession session, final long correlationId, final String name,
        final boolean enabled) {
        final int template = SetSchedulerDecoder.TEMPLATE_ID;
        if (!admit(session, correlationId, template, true)) {
            return;
        }
        final var type = PdRegistry.typeOf(name);
        if (type == null) {
            errors.error(session.publication(), correlationId, Status.MALFORMED, template,
                "unknown scheduler '" + name + "': " + PdSettings.SCHEDULER_NAMES);
            return;
        }
        final Coordinator coordinator = service.registry().coordinator();
        coordinator.setEnabled(type, enabled);
        LOG.info("scheduler {} {} by {}", name, enabled ? "on" : "off", session);
        final Map<String, Boolean> all = new LinkedHashMap<>();
        for (final String each : PdSettings.SCHEDULER_NAMES) {
            all.put(each, coordinator.isEnabled(PdRegistry.typeOf(each)));
        }
        replies.schedulers(session.publication(), correlationId, all);
    }

    void onAddOperator(final ClientSession session, final long correlationId, final long regionId,
        final OperatorKind kind, final long storeId) {
        final int template = AddOperatorDecoder.TEMPLATE_ID;
        if (!admit(session, correlationId, template, true)) {
            return;
        }
        final PdRegistry registry = service.registry();
        final RegionInfo region = registry.cluster().regions().byId(regionId);
        if (region == null) {
            errors.error(session.publication(), correlationId, Status.REGION_NOT_FOUND, template,
                "PD knows no region " + regionId + " (regions are learned from their leaders' heartbeats)");
            return;
        }
        final List<OperatorStep> steps = new ArrayList<>(2);
        final String refusal = plan(region, kind, storeId, registry, steps);
        if (refusal != null) {
            errors.error(session.publication(), correlationId,
                refusal.startsWith("ids") ? Status.SERVER_BUSY : Status.MALFORMED, template,
                "AddOperator " + kind + " on region " + regionId + ", store " + storeId + ": " + refusal);
            return;
        }
        final PdSettings settings = registry.settings();
        final Operator op = new Operator(region, io.tkv.pd.schedule.OperatorKind.ADMIN,
            "admin-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + " store " + storeId, steps,
            settings.leaderStepTimeoutMs(), settings.peerStepTimeoutMs(), clock.time());
        final OperatorController.AddResult result = registry.coordinator().operators().add(op);
        if (result != OperatorController.AddResult.ADDED && result != OperatorController.AddResult.REPLACED) {
            errors.error(session.publication(), correlationId, Status.SERVER_BUSY, template,
                "region " + regionId + ": operator not added (" + result + ")");
            return;
        }
        final long operatorId = registry.operatorId(op);
        LOG.info("operator {} added by {}: {}", operatorId, session, op);
        replies.operatorAdded(session.publication(), correlationId, operatorId);
    }

    /** @return why the request makes no sense (ids: none durable now), or null with the steps filled in. */
    private String plan(final RegionInfo region, final OperatorKind kind, final long storeId,
        final PdRegistry registry, final List<OperatorStep> steps) {
        final Peer peer = region.peerOnStore(storeId);
        if (kind == OperatorKind.SPLIT) {
            steps.add(new OperatorStep.SplitRegion(region.epoch().version()));
            return null;
        }
        if (kind == OperatorKind.TRANSFER_LEADER) {
            if (peer == null || !peer.isVoter()) {
                return "the region has no voter on store " + storeId;
            }
            if (region.leader() == null || region.leaderOn(storeId)) {
                return region.leader() == null ? "the region reported no leader" : "store " + storeId + " leads it";
            }
            steps.add(new OperatorStep.TransferLeader(region.leader().storeId(), storeId));
            return null;
        }
        if (kind == OperatorKind.REMOVE_PEER) {
            if (peer == null) {
                return "the region has no peer on store " + storeId;
            }
            if (region.leaderOn(storeId)) {
                return "the leader's peer: transfer the leadership away first";
            }
            if (peer.isVoter() && region.voters().size() == 1) {
                return "the region's last voter";
            }
            steps.add(new OperatorStep.RemovePeer(storeId));
            return null;
        }
        if (kind != OperatorKind.ADD_LEARNER && kind != OperatorKind.ADD_VOTER) {
            return "no such operator kind";
        }
        if (peer != null && (kind == OperatorKind.ADD_LEARNER || peer.isVoter())) {
            return "the region has a " + (peer.isVoter() ? "voter" : "learner") + " on store " + storeId;
        }
        if (peer != null) {
            steps.add(new OperatorStep.PromoteLearner(storeId, peer.peerId()));
            return null;
        }
        final StoreInfo store = registry.cluster().store(storeId);
        if (store == null || !store.acceptsPeers()) {
            return "store " + storeId + (store == null ? " is not registered" : " is " + store.state())
                + ": no new peers there";
        }
        final long peerId = service.allocateId();
        if (peerId == IdAllocator.NONE) {
            return "ids: PD's id range is being renewed, ask again shortly";
        }
        steps.add(new OperatorStep.AddLearner(storeId, peerId));
        if (kind == OperatorKind.ADD_VOTER) {
            steps.add(new OperatorStep.PromoteLearner(storeId, peerId));
        }
        return null;
    }

    private boolean admit(final ClientSession session, final long correlationId, final int template,
        final boolean adminOnly) {
        if (adminOnly && !session.isAdmin()) {
            errors.error(session.publication(), correlationId, Status.UNAUTHENTICATED, template,
                "this needs an admin session (--admin-secret-file)");
            return false;
        }
        if (!service.leading()) {
            service.refuse(session, correlationId, template);
            return false;
        }
        return true;
    }
}
