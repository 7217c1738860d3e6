package io.tkv.server.pd;

import io.tkv.codec.AddOperatorDecoder;
import io.tkv.codec.GetOperatorsDecoder;
import io.tkv.codec.OperatorKind;
import io.tkv.codec.SetSchedulerDecoder;
import io.tkv.codec.Status;
import io.tkv.pd.cluster.RegionInfo;
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
 * leadership; a new leader starts from {@code schedule.schedulers} again. AddOperator runs an ADMIN operator (it
 * comes before anything PD planned on the region) planned by {@link AdminOperators}: what makes no sense for the
 * region as PD knows it is refused MALFORMED with the reason; a region PD does not know (yet) REGION_NOT_FOUND; a
 * region busy with an operator PD will not replace, a store at its limit, or ids being renewed, SERVER_BUSY.
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
        final AdminOperators.Plan plan = AdminOperators.plan(region, kind, storeId, registry.cluster(),
            service::allocateId);
        if (plan.refusal() != null) {
            errors.error(session.publication(), correlationId, plan.idsShort() ? Status.SERVER_BUSY : Status.MALFORMED,
                template, "AddOperator " + kind + " on region " + regionId + ", store " + storeId + ": "
                    + plan.refusal());
            return;
        }
        final List<OperatorStep> steps = plan.steps();
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
