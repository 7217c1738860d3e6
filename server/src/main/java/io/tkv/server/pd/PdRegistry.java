package io.tkv.server.pd;

import io.tkv.pd.cluster.Cluster;
import io.tkv.pd.cluster.StoreInfo;
import io.tkv.pd.cluster.StoreState;
import io.tkv.pd.schedule.Coordinator;
import io.tkv.pd.schedule.Operator;
import io.tkv.pd.schedule.ScheduleConfig;
import io.tkv.pd.schedule.SchedulerType;
import io.tkv.server.config.PdSettings;
import io.tkv.server.config.StoreLabels;
import io.tkv.storage.PdStoreRecord;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The PD leader's view of the cluster, in memory, as PD keeps it: the {@code pd} module's {@link Cluster} (stores and
 * the region tree) and its {@link Coordinator} (operators, schedulers, the replica checker). Built when this member
 * starts leading, from the stores PD's Raft state records (so a new leader knows every store and its address at
 * once), and dropped when it stops. Regions are <b>not</b> replicated: a new leader starts with an empty region tree
 * and learns every region again from its leader's next heartbeat (as PD does), so routing answers REGION_NOT_FOUND
 * for a region until its heartbeat arrives; store stats and liveness likewise come back with the stores' heartbeats
 * (a store counts as heard from when the leadership began, so none is DOWN before max-store-down-time has passed).
 *
 * <p>Scheduling runs on the PD agent's thread, every {@code schedule.interval-ms}, only while this member leads and
 * serves; the clock is passed in. Operator ids are this leadership's: the term in the high 32 bits and a counter in
 * the low, so ids of two leaderships never meet. Not thread safe: one owner.
 */
final class PdRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PdRegistry.class);
    /** SetScheduler's names, in {@link PdSettings#SCHEDULER_NAMES} order, for the coordinator's types. */
    private static final SchedulerType[] TYPES = {SchedulerType.BALANCE_LEADER, SchedulerType.BALANCE_REGION,
        SchedulerType.REPLICA_CHECKER};

    private final PdSettings settings;
    private final LongSupplier peerIds;
    private final Map<Operator, Long> operatorIds = new IdentityHashMap<>();
    private final LongHashSet heard = new LongHashSet();
    private Cluster cluster;
    private Coordinator coordinator;
    private long nextOperatorId;
    private long nextScheduleMs;

    /**
     * @param settings the PD settings (concluded).
     * @param peerIds  fresh peer ids for the coordinator (PD's id allocator; 0: none available now).
     */
    PdRegistry(final PdSettings settings, final LongSupplier peerIds) {
        this.settings = settings;
        this.peerIds = peerIds;
    }

    /**
     * This member starts leading: a fresh view with every recorded store.
     *
     * @param term   the leader's term.
     * @param stores the stores PD's state records.
     * @param nowMs  PD's clock.
     */
    void start(final long term, final Collection<PdStoreRecord> stores, final long nowMs) {
        cluster = new Cluster();
        coordinator = new Coordinator(cluster, new ScheduleConfig()
            .maxReplicas(settings.maxReplicas())
            .locationLabels(settings.locationLabels())
            .maxStoreDownTimeMs(settings.maxStoreDownTimeMs())
            .leaderStepTimeoutMs(settings.leaderStepTimeoutMs())
            .peerStepTimeoutMs(settings.peerStepTimeoutMs()), peerIds);
        for (int i = 0; i < TYPES.length; i++) {
            coordinator.setEnabled(TYPES[i], settings.schedulers().contains(PdSettings.SCHEDULER_NAMES.get(i)));
        }
        for (final PdStoreRecord store : stores) {
            putStore(store, nowMs);
        }
        operatorIds.clear();
        heard.clear();
        nextOperatorId = (term & 0xFFFF_FFFFL) << 32;
        nextScheduleMs = nowMs + settings.scheduleIntervalMs();
        LOG.info("PD registry started for term {}: {} stores known; regions come back with their heartbeats", term,
            stores.size());
    }

    /** This member stops leading: the view is dropped (a later leadership rebuilds it). */
    void stop() {
        cluster = null;
        coordinator = null;
        operatorIds.clear();
    }

    /** @return whether the view exists (this member leads). */
    boolean active() {
        return cluster != null;
    }

    /**
     * A store's record was applied: registers it or updates its address and labels, keeping its heartbeat stats.
     *
     * @param store the record.
     * @param nowMs PD's clock.
     */
    void putStore(final PdStoreRecord store, final long nowMs) {
        if (cluster == null) {
            return;
        }
        final Map<String, String> labels = labelsOf(store);
        final StoreInfo known = cluster.store(store.storeId());
        final StoreInfo next = known == null ? StoreInfo.register(store.storeId(), store.address(), labels, nowMs)
            : new StoreInfo(known.id(), store.address(), labels, known.state(), known.lastHeartbeatMs(),
                known.stats());
        cluster.putStore(next);
        if (store.state() != PdStoreRecord.State.UP) {
            cluster.setStoreState(store.storeId(), store.state() == PdStoreRecord.State.OFFLINE ? StoreState.OFFLINE
                : StoreState.TOMBSTONE);
        }
    }

    private static Map<String, String> labelsOf(final PdStoreRecord store) {
        try {
            return StoreLabels.parse(store.labels());
        } catch (final IllegalArgumentException ex) {
            // Checked before it was proposed; a record from an older rule is kept without labels.
            return Map.of();
        }
    }

    /**
     * The scheduling duty: a round every interval.
     *
     * @param nowMs PD's clock.
     * @return the operators added.
     */
    int doWork(final long nowMs) {
        if (coordinator == null || nowMs < nextScheduleMs) {
            return 0;
        }
        nextScheduleMs = nowMs + settings.scheduleIntervalMs();
        final List<Operator> added = coordinator.schedule(nowMs);
        for (final Operator op : added) {
            LOG.info("operator {} added: {}", operatorId(op), op);
        }
        forgetRetired();
        return added.size();
    }

    /** @return the operator's id, assigned the first time it is asked for. */
    long operatorId(final Operator op) {
        return operatorIds.computeIfAbsent(op, o -> ++nextOperatorId);
    }

    /** Drops the ids of operators no longer running, so the map stays as small as the running set. */
    private void forgetRetired() {
        if (operatorIds.size() > coordinator.operators().running().size()) {
            operatorIds.keySet().removeIf(op -> op.status() != Operator.Status.RUNNING);
        }
    }

    /** Notes that a store heartbeat arrived in this leadership. */
    void heard(final long storeId) {
        heard.add(storeId);
    }

    /** @return whether a heartbeat of the store arrived in this leadership (else its last-heard time is a guess). */
    boolean wasHeard(final long storeId) {
        return heard.contains(storeId);
    }

    /** @return the registry (leading only). */
    Cluster cluster() {
        return cluster;
    }

    /** @return the coordinator (leading only). */
    Coordinator coordinator() {
        return coordinator;
    }

    /** @return the settings. */
    PdSettings settings() {
        return settings;
    }

    /** @return the coordinator's type for a scheduler name, or null if the name is unknown. */
    static SchedulerType typeOf(final String name) {
        final int i = PdSettings.SCHEDULER_NAMES.indexOf(name);
        return i < 0 ? null : TYPES[i];
    }
}
