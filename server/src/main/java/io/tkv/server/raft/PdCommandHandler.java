package io.tkv.server.raft;

import io.tkv.client.OperatorStep;
import io.tkv.raft.core.ConfChange;
import io.tkv.raft.store.MultiRaft;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.storepd.PdLink;
import io.tkv.server.storepd.SplitProposal;
import io.tkv.server.storepd.StoreAddress;
import io.tkv.storage.RegionDescriptor;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * What the PD worker hands the raft agent, done on its thread with no admin session involved: PD's operator steps for
 * regions this store leads — a membership change proposed as an admin's ChangePeer is ({@link ConfChangeProposer}),
 * a leader transfer as an admin's TransferLeader is — store addresses for the {@link StoreAddressBook}, and splits
 * ({@link SplitProposer}, as an admin's SplitRegion). A step is taken only while the region is at the step's epoch
 * and led here; any other is ignored (PD asks again with the next heartbeat's answer if it still wants it). Nobody
 * waits for an answer: proposals carry {@link #PD_TOKEN}, which no client proposal has. Each step taken is logged
 * once at INFO.
 */
final class PdCommandHandler {
    /** The proposal token of the store's own proposals: never a {@link ProposalTable} id (those are positive). */
    static final long PD_TOKEN = -1;
    private static final Logger LOG = LoggerFactory.getLogger(PdCommandHandler.class);
    private static final int COMMANDS_PER_CYCLE = 16;

    private final MultiRaft raft;
    private final RegionRegistry registry;
    private final long storeId;
    private final PdLink link;
    private final ConfChangeProposer confChanges;
    private final SplitProposer splits;
    private final StoreAddressBook addresses;
    private final Consumer<Object> onCommand = this::onCommand;
    /** Per region, the last step taken: PD re-sends a step until it is done, and a repeat is not logged again. */
    private final Long2ObjectHashMap<OperatorStep> lastTaken = new Long2ObjectHashMap<>();

    PdCommandHandler(
        final MultiRaft raft, final RegionRegistry registry, final long storeId, final PdLink link,
        final ConfChangeProposer confChanges, final SplitProposer splits, final StoreAddressBook addresses) {
        this.raft = raft;
        this.registry = registry;
        this.storeId = storeId;
        this.link = link;
        this.confChanges = confChanges;
        this.splits = splits;
        this.addresses = addresses;
    }

    /** @return work done: items taken. */
    int doWork() {
        return link.drainCommands(onCommand, COMMANDS_PER_CYCLE);
    }

    private void onCommand(final Object command) {
        if (command instanceof StoreAddress address) {
            addresses.learn(address.storeId(), address.endpoint());
        } else if (raft.failure() != null) {
            return;
        } else if (command instanceof OperatorStep step) {
            onStep(step);
        } else if (command instanceof SplitProposal split) {
            onSplit(split);
        }
    }

    /**
     * @param leads whether this store leads the region.
     * @return why a step must not be taken by this store now, or null: a step is for one epoch of one region, and only
     *     its leader takes it.
     */
    static String stepRefusal(final OperatorStep step, final RegionDescriptor region, final boolean leads) {
        if (step.kind() == OperatorStep.Kind.NONE) {
            return "nothing to do";
        }
        if (region == null) {
            return "region " + step.regionId() + " is not on this store";
        }
        if (region.confVer() != step.confVer() || region.version() != step.version()) {
            return "the step is for epoch (" + step.confVer() + ", " + step.version() + "), region " + region.id()
                + " is at (" + region.confVer() + ", " + region.version() + ")";
        }
        return leads ? null : "this store does not lead region " + region.id();
    }

    private void onStep(final OperatorStep step) {
        final long regionId = step.regionId();
        final String refusal = stepRefusal(step, registry.get(regionId), raft.leaderStoreId(regionId) == storeId);
        if (refusal != null) {
            LOG.debug("PD step ignored: {}: {}", step, refusal);
            return;
        }
        final boolean taken = switch (step.kind()) {
            case ADD_LEARNER -> changePeer(step, ConfChange.Type.ADD_LEARNER);
            case ADD_VOTER -> changePeer(step, ConfChange.Type.ADD_VOTER);
            case REMOVE_PEER -> changePeer(step, ConfChange.Type.REMOVE_PEER);
            case TRANSFER_LEADER -> raft.transferLeaderToStore(regionId, step.storeId()) == MultiRaft.Outcome.ACCEPTED;
            default -> false;
        };
        if (taken && !step.equals(lastTaken.put(regionId, step))) {
            LOG.info("region {}: took PD operator {}'s step {} (peer {}, store {}) at epoch ({}, {})", regionId,
                step.operatorId(), step.kind(), step.peerId(), step.storeId(), step.confVer(), step.version());
        }
    }

    private boolean changePeer(final OperatorStep step, final ConfChange.Type type) {
        final long regionId = step.regionId();
        final String refusal = confChanges.refusal(regionId, step.confVer(), step.version(), type, step.peerId(),
            step.storeId());
        if (refusal != null) {
            LOG.debug("PD step {} not taken: {}", step, refusal);
            return false;
        }
        return confChanges.propose(regionId, confChanges.change(regionId, type, step.peerId(), step.storeId(), 0),
            PD_TOKEN) == MultiRaft.Outcome.ACCEPTED;
    }

    private void onSplit(final SplitProposal split) {
        final long regionId = split.regionId();
        final SplitProposer.Refusal refusal = raft.leaderStoreId(regionId) != storeId
            ? new SplitProposer.Refusal(null, "this store does not lead region " + regionId)
            : splits.refusal(regionId, split.confVer(), split.version(), split.splitKey(), split.newRegionId(),
                split.newPeerIds().length);
        if (refusal != null) {
            LOG.info("region {}: split at {} not proposed: {}", regionId, Arrays.toString(split.splitKey()),
                refusal.message());
            return;
        }
        final byte[] command = splits.command(regionId, split.confVer(), split.version(), split.splitKey(),
            split.newRegionId(), split.newPeerIds(), 0, System.currentTimeMillis());
        final MultiRaft.Outcome outcome = raft.propose(regionId, command, PD_TOKEN);
        LOG.info("region {} at ({}, {}): split at {} into region {} with peers {}: {}", regionId, split.confVer(),
            split.version(), Arrays.toString(split.splitKey()), split.newRegionId(),
            Arrays.toString(split.newPeerIds()), outcome);
    }
}
