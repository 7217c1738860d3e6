package io.tkv.server.storepd;

import io.tkv.client.OperatorStep;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.function.Consumer;

/**
 * The hand-over between the raft agent and the store's PD worker, both ways bounded and lock-free. To the raft agent:
 * PD's operator steps ({@link OperatorStep}), store addresses ({@link StoreAddress}) and splits to propose
 * ({@link SplitProposal}), taken a few per duty cycle. To the PD worker: reports of the regions the store leads
 * ({@link RegionReport}), and the ids of the regions it leads (a volatile array, replaced as a whole). A full queue
 * refuses: the raft agent reports again at its next scan, the PD worker drops the item (PD re-sends a step, the next
 * refresh brings an address again, the next split check the split).
 */
public final class PdLink {
    /** Items to the raft agent waiting at once. */
    public static final int COMMAND_CAPACITY = 256;
    /** Region reports to the PD worker waiting at once. */
    public static final int REPORT_CAPACITY = 1024;

    private final ManyToOneConcurrentArrayQueue<Object> commands = new ManyToOneConcurrentArrayQueue<>(
        COMMAND_CAPACITY);
    private final OneToOneConcurrentArrayQueue<RegionReport> reports = new OneToOneConcurrentArrayQueue<>(
        REPORT_CAPACITY);
    private volatile long[] ledRegions = new long[0];

    /** Any thread. @return false if the raft agent's queue is full. */
    public boolean offerStep(final OperatorStep step) {
        return commands.offer(step);
    }

    /** Any thread. @return false if the raft agent's queue is full. */
    public boolean offerAddress(final StoreAddress address) {
        return commands.offer(address);
    }

    /** Any thread. @return false if the raft agent's queue is full. */
    public boolean offerSplit(final SplitProposal split) {
        return commands.offer(split);
    }

    /** Raft agent: hands up to {@code limit} waiting items to {@code handler}. @return how many. */
    public int drainCommands(final Consumer<Object> handler, final int limit) {
        return commands.drain(handler, limit);
    }

    /** Raft agent. @return false if the PD worker's queue is full (report again later). */
    public boolean offerReport(final RegionReport report) {
        return reports.offer(report);
    }

    /** PD worker. @return the next report, or null. */
    public RegionReport pollReport() {
        return reports.poll();
    }

    /** Raft agent: the regions this store leads now (the array is not changed afterwards). */
    public void publishLedRegions(final long[] regionIds) {
        ledRegions = regionIds;
    }

    /** Any thread. @return the regions this store led at the raft agent's last scan (do not change the array). */
    public long[] ledRegions() {
        return ledRegions;
    }
}
