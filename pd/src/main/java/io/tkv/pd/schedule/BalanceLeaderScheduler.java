package io.tkv.pd.schedule;

import io.tkv.pd.cluster.Peer;
import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;

import java.util.Comparator;
import java.util.List;

/**
 * Spreads leaders by count: moves one leader from the store with the most (counting running operators) to the
 * follower of that region on the store with the fewest, when {@link ScheduleContext#shouldBalance} says the gap is
 * worth it (a leader weighs 1). A transfer only moves the leader between a region's existing voters, so it needs no
 * data movement and takes PD's fast step timeout.
 */
public final class BalanceLeaderScheduler implements Scheduler {
    /** Half a leader: see {@link ScheduleContext#shouldBalance}. */
    private static final double LEADER_BAND = 0.5;

    @Override
    public SchedulerType type() {
        return SchedulerType.BALANCE_LEADER;
    }

    @Override
    public Operator schedule(final ScheduleContext ctx) {
        final List<StoreInfo> stores = ctx.upStores();
        if (stores.size() < 2) {
            return null;
        }
        double total = 0;
        for (final StoreInfo s : stores) {
            total += ctx.leaderScore(s.id());
        }
        final double average = total / stores.size();
        // Sources from the most leaders down; the first region that has a worthwhile target wins.
        stores.sort(Comparator.comparingDouble((StoreInfo s) -> -ctx.leaderScore(s.id())).thenComparingLong(
            StoreInfo::id));
        final double lowest = ctx.leaderScore(stores.get(stores.size() - 1).id());
        for (final StoreInfo source : stores) {
            final double sourceScore = ctx.leaderScore(source.id());
            if (!ctx.shouldBalance(sourceScore, lowest, LEADER_BAND, average)) {
                break;
            }
            final Operator op = fromSource(source, sourceScore, average, ctx);
            if (op != null) {
                return op;
            }
        }
        return null;
    }

    private static Operator fromSource(final StoreInfo source, final double sourceScore, final double average,
        final ScheduleContext ctx) {
        for (final RegionInfo region : ctx.cluster().regions().all()) {
            if (!region.leaderOn(source.id()) || !ctx.isHealthy(region) || ctx.hasOperator(region)) {
                continue;
            }
            Peer target = null;
            for (final Peer p : region.voters()) {
                if (p.storeId() != source.id() && ctx.storeKeepsPeers(p.storeId())
                    && (target == null || ctx.leaderScore(p.storeId()) < ctx.leaderScore(target.storeId()))) {
                    target = p;
                }
            }
            if (target != null && ctx.shouldBalance(sourceScore, ctx.leaderScore(target.storeId()), LEADER_BAND,
                average)) {
                return ctx.newOperator(region, OperatorKind.LEADER, "balance-leader",
                    List.of(new OperatorStep.TransferLeader(source.id(), target.storeId())));
            }
        }
        return null;
    }
}
