package io.tkv.pd.schedule;

import io.tkv.pd.cluster.RegionInfo;
import io.tkv.pd.cluster.StoreInfo;

import java.util.Comparator;
import java.util.List;

/**
 * Spreads peers by the bytes they weigh: moves one peer of a healthy region from the highest-scoring store
 * (counting running operators) to the lowest-scoring store that does not hold the region, when
 * {@link ScheduleContext#shouldBalance} says the gap is worth it (the band is half the heaviest region), and only
 * to a store that isolates the region at least as well by location labels as the source did. A move is add
 * learner → promote → (transfer the leader away if it was on the source) → remove the source's peer.
 */
public final class BalanceRegionScheduler implements Scheduler {
    @Override
    public SchedulerType type() {
        return SchedulerType.BALANCE_REGION;
    }

    @Override
    public Operator schedule(final ScheduleContext ctx) {
        final List<StoreInfo> stores = ctx.upStores();
        if (stores.size() < 2) {
            return null;
        }
        double total = 0;
        for (final StoreInfo s : stores) {
            total += ctx.regionScore(s.id());
        }
        final double average = total / stores.size();
        final double band = heaviestRegion(ctx) / 2.0;
        stores.sort(Comparator.comparingDouble((StoreInfo s) -> ctx.regionScore(s.id())).thenComparingLong(
            StoreInfo::id));
        final double lowest = ctx.regionScore(stores.get(0).id());
        for (int i = stores.size() - 1; i > 0; i--) {
            final StoreInfo source = stores.get(i);
            final double sourceScore = ctx.regionScore(source.id());
            if (!ctx.shouldBalance(sourceScore, lowest, band, average)) {
                break;
            }
            if (!ctx.storeHasRoom(source.id())) {
                continue;
            }
            final Operator op = fromSource(source, sourceScore, average, band, stores, ctx);
            if (op != null) {
                return op;
            }
        }
        return null;
    }

    private static long heaviestRegion(final ScheduleContext ctx) {
        long heaviest = RegionInfo.MIN_SCORE_SIZE_BYTES;
        for (final RegionInfo r : ctx.cluster().regions().all()) {
            heaviest = Math.max(heaviest, r.scoreSizeBytes());
        }
        return heaviest;
    }

    private static Operator fromSource(final StoreInfo source, final double sourceScore, final double average,
        final double band, final List<StoreInfo> byScore, final ScheduleContext ctx) {
        for (final RegionInfo region : ctx.cluster().regions().all()) {
            if (region.peerOnStore(source.id()) == null || !ctx.isHealthy(region) || ctx.hasOperator(region)
                || ReplicaChecker.placementImprovable(region, ctx)) {
                continue;
            }
            final List<StoreInfo> others = ctx.storesOf(region, source.id());
            final double sourceDistinct = ctx.placement().distinctScore(others, source);
            for (final StoreInfo target : byScore) {
                if (!ctx.shouldBalance(sourceScore, ctx.regionScore(target.id()), band, average)) {
                    break;
                }
                if (region.peerOnStore(target.id()) != null || !ctx.storeHasRoom(target.id())
                    || ctx.placement().distinctScore(others, target) < sourceDistinct) {
                    continue;
                }
                return Moves.movePeer(region, target.id(), source.id(), OperatorKind.REGION,
                    "balance-region", ctx);
            }
        }
        return null;
    }
}
