package io.tkv.server.apply;

import io.tkv.codec.Status;
import io.tkv.server.gc.GcLink;
import io.tkv.server.txn.TxnLink;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandWriter;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The apply agent's side of the GC driver's requests ({@link GcLink}): opens a region's run from the region as applied
 * here, and proposes the run's deletes as TXN_WRITE commands through the same {@link TxnLink} as the transaction
 * scheduler's writes, under command ids of their own ({@link #isGc}), so the executor routes their outcome here. A
 * write names the epoch version and leader term the run was opened under: a region that split or changed leader since
 * refuses it here at once, and one that does so after the proposal drops it at apply on every replica, as any
 * transactional write whose term or epoch moved — a batch of deletes computed under an old view never applies.
 * Apply agent thread only.
 */
final class GcWrites {
    /** GC's command ids start here, far above any the scheduler hands out (it counts from 1). */
    static final long FIRST_ID = 1L << 62;
    private static final int REQUESTS_PER_CYCLE = 8;

    private final AppliedRegions regions;
    private final TxnLink proposals;
    private final GcLink link;
    private final Long2ObjectHashMap<CompletableFuture<Void>> inFlight = new Long2ObjectHashMap<>();
    private final CommandWriter writer = new CommandWriter();
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final Consumer<GcLink.Request> onRequest = this::onRequest;
    private long nextId = FIRST_ID;

    GcWrites(final AppliedRegions regions, final TxnLink proposals, final GcLink link) {
        this.regions = regions;
        this.proposals = proposals;
        this.link = link;
    }

    /** @return whether a transactional write's command id is one of GC's. */
    static boolean isGc(final long commandId) {
        return commandId >= FIRST_ID;
    }

    /** @return the GC driver's requests taken. */
    int doWork() {
        return link.drain(onRequest, REQUESTS_PER_CYCLE);
    }

    /** @return GC writes proposed and not yet applied or failed. */
    int inFlight() {
        return inFlight.size();
    }

    private void onRequest(final GcLink.Request request) {
        if (request instanceof GcLink.Open open) {
            final AppliedRegions.Region region = regions.get(open.regionId());
            if (region == null) {
                open.reply().completeExceptionally(new IllegalStateException(
                    "region " + open.regionId() + " is not on this store"));
                return;
            }
            open.reply().complete(new GcLink.RegionRun(region.descriptor.id(), region.descriptor.start(),
                region.descriptor.end(), region.descriptor.version(), region.state.appliedTerm()));
        } else if (request instanceof GcLink.Write write) {
            propose(write);
        }
    }

    private void propose(final GcLink.Write write) {
        final GcLink.RegionRun run = write.run();
        final AppliedRegions.Region region = regions.get(run.regionId());
        final String stale = region == null ? "region " + run.regionId() + " left this store"
            : region.descriptor.version() != run.version() ? "region " + run.regionId() + " moved to version "
                + region.descriptor.version() + " since the GC run began at " + run.version()
            : region.state.appliedTerm() != run.term() ? "region " + run.regionId() + " is at term "
                + region.state.appliedTerm() + " since the GC run began at " + run.term()
            : null;
        if (stale != null) {
            write.applied().completeExceptionally(new IllegalStateException(stale));
            return;
        }
        final long commandId = nextId++;
        // As the scheduler's writes: the entry's read term is the run's, so apply drops it if leadership moved.
        writer.begin(scratch, 0, Command.TXN_WRITE, 0, System.currentTimeMillis(), run.regionId(),
            region.descriptor.confVer(), run.version(), 0, commandId, 0, 0);
        writer.item(write.writeBatch()).id(run.term());
        final byte[] command = new byte[writer.finish()];
        scratch.getBytes(0, command);
        if (!proposals.offerProposal(new TxnLink.Proposal(commandId, run.regionId(), command))) {
            write.applied().completeExceptionally(new IllegalStateException("the raft agent's queue is full"));
            return;
        }
        inFlight.put(commandId, write.applied());
    }

    /** A GC write applied on this store and its batch committed. */
    void onApplied(final long commandId) {
        final CompletableFuture<Void> applied = inFlight.remove(commandId);
        if (applied != null) {
            applied.complete(null);
        }
    }

    /** A GC write that will not apply (refused, dropped, stale at apply). */
    void onFailed(final long commandId, final Status status, final String message) {
        final CompletableFuture<Void> applied = inFlight.remove(commandId);
        if (applied != null) {
            applied.completeExceptionally(new IllegalStateException(status + ": " + message));
        }
    }
}
