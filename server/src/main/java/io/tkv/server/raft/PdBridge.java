package io.tkv.server.raft;

import io.tkv.server.storepd.PdLink;

/**
 * The raft agent's part in talking to PD (only on a store with PD): it reports the regions it leads
 * ({@link LeaderReporter}) and takes what the PD worker hands it ({@link PdCommandHandler}), each duty cycle, through
 * the bounded {@link PdLink}. Raft agent thread.
 */
public final class PdBridge {
    private final LeaderReporter reporter;
    private final PdCommandHandler commands;
    private final PdLink link;

    PdBridge(final LeaderReporter reporter, final PdCommandHandler commands, final PdLink link) {
        this.reporter = reporter;
        this.commands = commands;
        this.link = link;
    }

    /** @return work done. */
    int doWork(final long nowNs) {
        return commands.doWork() + reporter.doWork(nowNs);
    }

    /** @return the PD worker's side of the hand-over. */
    public PdLink link() {
        return link;
    }
}
