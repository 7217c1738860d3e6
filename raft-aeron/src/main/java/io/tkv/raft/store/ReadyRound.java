package io.tkv.raft.store;

import io.tkv.log.RaftLog;
import io.tkv.log.RaftLogException;
import io.tkv.raft.transport.RaftTransport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The persistence part of the driver's duty cycle, over every awake region: take each region's Ready, write its
 * entries and hard state to the shared log and send its early messages (the leader's appends leave while it syncs
 * its own log), make the log durable with one sync for all regions (group commit), then send the late messages, hand
 * committed entries and reads to the apply side and advance each core.
 *
 * <p>With {@link MultiRaftConfig#pipelinedSync()} the round does not wait for the disk: it asks the log for a sync
 * ({@link RaftLog#requestSync()}, done on the log's sync thread), advances each core as written, and a later round
 * sends the held late messages and tells the cores once {@link RaftLog#durableSeq()} has passed them. A round with a
 * snapshot to install waits for the disk, after everything earlier rounds left waiting. Owned by the raft agent.
 */
final class ReadyRound {
    private final MultiRaftConfig config;
    private final RaftLog log;
    private final RaftTransport transport;
    private final AwakeRegions awake;
    private final Consumer<RaftLogException> failure;
    private final List<RegionPeer> readyPeers = new ArrayList<>();
    /** How many awake peers, at most, hold Readies waiting for a log sync (pipelined sync); 0: none. */
    private int awaitingSync;
    /** The log sequence the last requested sync makes durable (-1: the round needed none). */
    private long syncTicket = -1;
    /** A sync failed and was reported: the driver stops, and this round takes nothing more. */
    private boolean failed;

    ReadyRound(
        final MultiRaftConfig config, final RaftLog log, final RaftTransport transport, final AwakeRegions awake,
        final Consumer<RaftLogException> failure) {
        this.config = config;
        this.log = log;
        this.transport = transport;
        this.awake = awake;
        this.failure = failure;
    }

    /** @return work done. A failed log write or sync is reported to the failure handler (the driver stops). */
    int run() {
        int work = 0;
        if (awaitingSync > 0) {
            work += completeSynced();
            if (failed) {
                return work;
            }
        }
        readyPeers.clear();
        for (int i = 0; i < awake.size(); i++) {
            final RegionPeer peer = awake.get(i);
            if (peer.takeReady()) {
                readyPeers.add(peer);
            }
        }
        if (readyPeers.isEmpty()) {
            if (work > 0) {
                transport.flush();
            }
            return work;
        }
        final boolean pipelined;
        try {
            boolean mustSync = false;
            boolean snapshot = false;
            for (int i = 0; i < readyPeers.size(); i++) {
                final RegionPeer peer = readyPeers.get(i);
                mustSync |= peer.persistAndSendEarly(log, transport);
                snapshot |= peer.readyHasSnapshot();
            }
            transport.flush();
            // A snapshot's Ready is handled only once durable (the state machine installs it next): then this cycle
            // waits for the disk, after what earlier cycles left waiting.
            pipelined = config.pipelinedSync() && config.logSync() && !snapshot;
            if (pipelined) {
                syncTicket = mustSync ? log.requestSync() : -1;
            } else if (mustSync && config.logSync()) {
                log.sync();
            }
            if (!pipelined && awaitingSync > 0) {
                work += completeSynced();
            }
        } catch (final RaftLogException ex) {
            failure.accept(ex);
            return 1;
        }
        for (int i = 0; i < readyPeers.size(); i++) {
            final RegionPeer peer = readyPeers.get(i);
            if (pipelined) {
                work += peer.finishWritten(transport, peer.wroteForSync() ? syncTicket : -1);
                if (peer.awaitingSync()) {
                    awaitingSync++;
                }
            } else {
                work += peer.finishReady(transport);
            }
        }
        if (pipelined && syncTicket >= 0) {
            // A log without a sync thread (or one already done) is durable at once: no need to wait for a cycle.
            work += completeSynced();
        }
        transport.flush();
        return work;
    }

    /**
     * Sends the late messages of the Readies the log's sync has caught up with, and tells their cores; counts the
     * peers still waiting in {@link #awaitingSync}.
     */
    private int completeSynced() {
        final long durable;
        try {
            durable = log.durableSeq();
        } catch (final RaftLogException ex) {
            failed = true;
            failure.accept(ex);
            return 1;
        }
        int work = 0;
        int waiting = 0;
        for (int i = 0; i < awake.size(); i++) {
            final RegionPeer peer = awake.get(i);
            if (peer.awaitingSync()) {
                work += peer.onDurable(transport, durable);
                if (peer.awaitingSync()) {
                    waiting++;
                }
            }
        }
        awaitingSync = waiting;
        return work;
    }

    /** The driver stopped: forget the Readies taken (nothing of them is acknowledged). */
    void abandon() {
        for (int i = 0; i < readyPeers.size(); i++) {
            readyPeers.get(i).abandonReady();
        }
        readyPeers.clear();
    }
}
