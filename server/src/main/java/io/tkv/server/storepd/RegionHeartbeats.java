package io.tkv.server.storepd;

import io.tkv.client.OperatorStep;
import io.tkv.client.RegionHeartbeatReport;
import io.tkv.server.region.RegionListWriter;
import io.tkv.server.region.RegionWriteStats;
import io.tkv.storage.RegionDescriptor;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Region heartbeats: each {@link RegionReport} the raft agent hands over becomes a heartbeat to PD, with the region's
 * approximate size (read here, off the raft thread), the bytes and keys written to it since this store's previous
 * heartbeat of it ({@link RegionWriteStats}), and the region as a RegionList naming this store its leader; at
 * most {@link #MAX_IN_FLIGHT} at once (the rest wait in the link's queue). PD's answer is a step: a SPLIT goes to the
 * {@link SplitChecker} (a half split at once), a membership change or a leader transfer to the raft agent — one that
 * adds a peer on a store the raft agent cannot reach yet once the {@link StoreDirectory} learned its address. Worker
 * thread.
 */
final class RegionHeartbeats {
    /** Region heartbeats waiting for PD's answer at once. */
    static final int MAX_IN_FLIGHT = 8;
    private static final Logger LOG = LoggerFactory.getLogger(RegionHeartbeats.class);

    private final long storeId;
    private final StorePd pd;
    private final PdLink link;
    private final RegionData data;
    private final RegionWriteStats writes;
    private final WorkerInbox inbox;
    private final StoreDirectory stores;
    private final SplitChecker splits;
    private final RegionListWriter writer = new RegionListWriter();
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(512);
    private int inFlight;
    private long sent;
    private long nowMs;

    RegionHeartbeats(
        final long storeId, final StorePd pd, final PdLink link, final RegionData data, final RegionWriteStats writes,
        final WorkerInbox inbox, final StoreDirectory stores, final SplitChecker splits) {
        this.storeId = storeId;
        this.pd = pd;
        this.link = link;
        this.data = data;
        this.writes = writes;
        this.inbox = inbox;
        this.stores = stores;
        this.splits = splits;
    }

    /** @return heartbeats sent. */
    int doWork(final long nowMs) {
        this.nowMs = nowMs;
        int work = 0;
        RegionReport report;
        while (inFlight < MAX_IN_FLIGHT && (report = link.pollReport()) != null) {
            send(report);
            work++;
        }
        return work;
    }

    private void send(final RegionReport report) {
        final RegionDescriptor region = report.region();
        long[] size;
        try {
            size = data.approximateSize(region);
        } catch (final RuntimeException ex) {
            LOG.warn("region {}: no size estimate: {}", region.id(), ex.toString());
            size = new long[2];
        }
        final int length = writer.write(List.of(region), id -> storeId, buffer, 0);
        final byte[] regionList = new byte[length];
        buffer.getBytes(0, regionList);
        // What this store applied to the region since its last heartbeat of it: the region's writes, since every
        // replica applies them all.
        final long[] written = writes.sinceLastReport(region.id());
        inFlight++;
        sent++;
        inbox.whenDone(pd.regionHeartbeat(new RegionHeartbeatReport(storeId, report.leaderPeerId(), report.term(),
            size[0], size[1], written[0], written[1], report.downPeerIds(), report.downSeconds(),
            report.pendingPeerIds(), regionList)), this::onAnswer);
    }

    private void onAnswer(final OperatorStep step, final Throwable error) {
        inFlight--;
        if (error != null) {
            LOG.debug("region heartbeat failed: {}", error.toString());
            return;
        }
        switch (step.kind()) {
            case NONE -> {
            }
            case SPLIT -> splits.splitNow(step.regionId(), step.confVer(), step.version(), nowMs);
            case ADD_LEARNER, ADD_VOTER -> stores.whenKnown(step.storeId(), () -> offer(step), nowMs);
            default -> offer(step);
        }
    }

    private void offer(final OperatorStep step) {
        if (!link.offerStep(step)) {
            LOG.debug("raft agent's queue full: PD step {} dropped (PD asks again)", step);
        }
    }

    /** @return heartbeats sent so far. */
    long sent() {
        return sent;
    }

    /** @return heartbeats waiting for PD's answer. */
    int inFlight() {
        return inFlight;
    }
}
