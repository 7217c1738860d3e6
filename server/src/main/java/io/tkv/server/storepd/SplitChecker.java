package io.tkv.server.storepd;

import io.tkv.client.SplitIds;
import io.tkv.server.config.SplitCheckSettings;
import io.tkv.server.region.RegionRegistry;
import io.tkv.storage.RegionDescriptor;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * Splits the regions this store leads when they grow too big (TiKV's split checker): every split-check interval, each
 * region led here whose approximate size or key count is past the maximum gets a split key from its data (the first
 * key past the split size or count), then ids from PD (AskSplit), then the raft agent proposes the split (the
 * {@link SplitProposal} through the {@link PdLink}, checked again there against the region as it is then). A SPLIT step
 * from PD does the same at once with the key that halves the region. A region asked for is not asked for again at the
 * same epoch for a while (its split is on its way, or failed and is retried later). Reads the data on the PD worker's
 * thread, never on the raft thread.
 */
final class SplitChecker {
    private static final Logger LOG = LoggerFactory.getLogger(SplitChecker.class);
    /** AskSplit requests waiting for PD at once. */
    private static final int MAX_IN_FLIGHT = 4;
    private static final long MIN_RETRY_AFTER_MS = 5_000;

    /** A split asked for: the epoch it was for, and until when it is not asked for again. */
    private record Asked(long confVer, long version, long untilMs) {
    }

    private final StorePd pd;
    private final PdLink link;
    private final RegionRegistry regions;
    private final RegionData data;
    private final WorkerInbox inbox;
    private final SplitCheckSettings settings;
    private final long retryAfterMs;
    private final Long2ObjectHashMap<Asked> asked = new Long2ObjectHashMap<>();
    private long nextCheckMs = 0;
    private int inFlight;
    private long splitsAsked;

    SplitChecker(
        final StorePd pd, final PdLink link, final RegionRegistry regions, final RegionData data,
        final WorkerInbox inbox, final SplitCheckSettings settings) {
        this.pd = pd;
        this.link = link;
        this.regions = regions;
        this.data = data;
        this.inbox = inbox;
        this.settings = settings;
        this.retryAfterMs = Math.max(MIN_RETRY_AFTER_MS, 3 * settings.splitCheckIntervalMs());
    }

    /** Checks every region led here, once a split-check interval. @return splits asked for. */
    int check(final long nowMs) {
        if (nowMs < nextCheckMs) {
            return 0;
        }
        nextCheckMs = nowMs + settings.splitCheckIntervalMs();
        asked.values().removeIf(a -> nowMs > a.untilMs());
        int work = 0;
        for (final long regionId : link.ledRegions()) {
            final RegionDescriptor region = regions.get(regionId);
            if (region == null || inFlight >= MAX_IN_FLIGHT || isAsked(region)) {
                continue;
            }
            final long[] size = data.approximateSize(region);
            if (size[0] <= settings.regionMaxSizeBytes() && size[1] <= settings.regionMaxKeys()) {
                continue;
            }
            final byte[] key = data.splitKey(region, settings.regionSplitSizeBytes(), settings.regionSplitKeys());
            if (key == null) {
                LOG.debug("region {}: ~{} bytes, ~{} keys, but no split key in its data", regionId, size[0], size[1]);
                continue;
            }
            LOG.info("region {}: ~{} bytes, ~{} keys, past the maximum: splitting at {}", regionId, size[0], size[1],
                Arrays.toString(key));
            ask(region, key, nowMs);
            work++;
        }
        return work;
    }

    /** PD asked for a split of a region at an epoch: at once, halving it, if the region is still there at it. */
    void splitNow(final long regionId, final long confVer, final long version, final long nowMs) {
        final RegionDescriptor region = regions.get(regionId);
        if (region == null || region.confVer() != confVer || region.version() != version || isAsked(region)
            || inFlight >= MAX_IN_FLIGHT) {
            return;
        }
        final byte[] key = data.halfSplitKey(region);
        if (key == null) {
            LOG.info("region {}: PD asked for a split, but it has nothing to split", regionId);
            return;
        }
        LOG.info("region {}: PD asked for a split: splitting at {}", regionId, Arrays.toString(key));
        ask(region, key, nowMs);
    }

    private boolean isAsked(final RegionDescriptor region) {
        final Asked last = asked.get(region.id());
        return last != null && last.confVer() == region.confVer() && last.version() == region.version();
    }

    private void ask(final RegionDescriptor region, final byte[] key, final long nowMs) {
        asked.put(region.id(), new Asked(region.confVer(), region.version(), nowMs + retryAfterMs));
        inFlight++;
        splitsAsked++;
        inbox.whenDone(pd.askSplit(region.id(), region.confVer(), region.version(), region.peers().size()),
            (ids, error) -> onIds(region, key, ids, error));
    }

    private void onIds(final RegionDescriptor region, final byte[] key, final SplitIds ids, final Throwable error) {
        inFlight--;
        if (error != null) {
            LOG.warn("region {}: AskSplit failed: {}", region.id(), error.toString());
            asked.remove(region.id());
            return;
        }
        if (!link.offerSplit(new SplitProposal(region.id(), region.confVer(), region.version(), key,
            ids.newRegionId(), ids.newPeerIds()))) {
            LOG.warn("region {}: the raft agent's queue is full: the split waits for the next check", region.id());
            asked.remove(region.id());
        }
    }

    /** @return AskSplit requests sent so far. */
    long splitsAsked() {
        return splitsAsked;
    }
}
