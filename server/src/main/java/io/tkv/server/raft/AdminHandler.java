package io.tkv.server.raft;

import io.tkv.codec.BooleanType;
import io.tkv.codec.ChangePeerDecoder;
import io.tkv.codec.InjectFaultDecoder;
import io.tkv.codec.InjectFaultResponseEncoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RaftRole;
import io.tkv.codec.RegionChecksumDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.SplitRegionDecoder;
import io.tkv.codec.StoreStatusDecoder;
import io.tkv.codec.StoreStatusResponseEncoder;
import io.tkv.codec.TransferLeaderDecoder;
import io.tkv.codec.TransferLeaderResponseEncoder;
import io.tkv.log.RaftLog;
import io.tkv.log.RaftLogStats;
import io.tkv.raft.core.RaftStatus;
import io.tkv.raft.store.MultiRaft;
import io.tkv.raft.transport.PartitionFaults;
import io.tkv.raft.transport.TransportCounters;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.session.ClientSession;
import io.tkv.server.region.RegionListWriter;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.session.ReplySender;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.RegionSize;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Answers the admin requests of an admin session (one that proved the admin secret; any other session is answered
 * UNAUTHENTICATED and nothing happens), on the raft agent's thread (it reads the driver's state): {@code StoreStatus}
 * — per region role, term, leader, commit, applied and log range, epoch, key range and approximate size, the log's
 * size, and the store-to-store frames refused — and {@code InjectFault}, which replaces the transport's partition,
 * only on a store configured with {@code raft.fault-injection = true}; elsewhere it is refused with UNAUTHENTICATED
 * and changes nothing — and {@code TransferLeader}, which starts a leader transfer of a region this store leads (OK),
 * or answers NOT_LEADER with the leader this store knows of, or REGION_NOT_FOUND — and {@code RegionChecksum}, handed
 * to the apply agent in order with the committed entries — and {@code SplitRegion} ({@link SplitRequests}) and
 * {@code ChangePeer} ({@link ChangePeerRequests}), proposed through the region's log.
 */
public final class AdminHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final RaftRole[] ROLES = {
        RaftRole.FOLLOWER, RaftRole.PRE_CANDIDATE, RaftRole.CANDIDATE, RaftRole.LEADER};

    private final MultiRaft raft;
    private final RaftLog log;
    private final PartitionFaults faults;
    private final boolean faultInjection;
    private final long storeId;
    private final ReplySender replies;
    private final TransportCounters transportCounters;
    private final CommandQueue queue;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(1024);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final StoreStatusDecoder statusRequest = new StoreStatusDecoder();
    private final StoreStatusResponseEncoder statusReply = new StoreStatusResponseEncoder();
    private final InjectFaultDecoder faultRequest = new InjectFaultDecoder();
    private final InjectFaultResponseEncoder faultReply = new InjectFaultResponseEncoder();
    private final TransferLeaderDecoder transferRequest = new TransferLeaderDecoder();
    private final TransferLeaderResponseEncoder transferReply = new TransferLeaderResponseEncoder();
    private final RegionChecksumDecoder checksumRequest = new RegionChecksumDecoder();
    private final SplitRegionDecoder splitRequest = new SplitRegionDecoder();
    private final SplitRequests splits;
    private final ChangePeerDecoder changePeerRequest = new ChangePeerDecoder();
    private final ChangePeerRequests changePeers;
    private final RegionRegistry registry;
    private final RegionSize sizes;
    private final RegionListWriter regionList = new RegionListWriter();
    private final ExpandableDirectByteBuffer list = new ExpandableDirectByteBuffer(1024);

    AdminHandler(
        final MultiRaft raft, final RaftLog log, final PartitionFaults faults, final boolean faultInjection,
        final long storeId, final ReplySender replies, final TransportCounters transportCounters,
        final CommandQueue queue, final SplitRequests splits, final ChangePeerRequests changePeers,
        final RegionRegistry registry, final RegionSize sizes) {
        this.raft = raft;
        this.log = log;
        this.faults = faults;
        this.faultInjection = faultInjection;
        this.storeId = storeId;
        this.replies = replies;
        this.transportCounters = transportCounters;
        this.queue = queue;
        this.splits = splits;
        this.changePeers = changePeers;
        this.registry = registry;
        this.sizes = sizes;
    }

    /** @return whether the template is an admin request. */
    public static boolean isAdmin(final int templateId) {
        return templateId == StoreStatusDecoder.TEMPLATE_ID || templateId == InjectFaultDecoder.TEMPLATE_ID
            || templateId == TransferLeaderDecoder.TEMPLATE_ID || templateId == RegionChecksumDecoder.TEMPLATE_ID
            || templateId == SplitRegionDecoder.TEMPLATE_ID || templateId == ChangePeerDecoder.TEMPLATE_ID;
    }

    /** Handles a validated admin frame from an authenticated session: served for admin sessions only. */
    public void onRequest(
        final ClientSession session, final int templateId, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        if (!session.isAdmin()) {
            LOG.warn("refused admin request {} of a client session: {}", templateId, session.clientName());
            replies.sendError(session.publication(), buffer.getLong(body, ByteOrder.LITTLE_ENDIAN),
                Status.UNAUTHENTICATED, templateId, "admin requests need a session opened with the admin secret");
            return;
        }
        if (templateId == RegionChecksumDecoder.TEMPLATE_ID) {
            checksumRequest.wrap(buffer, body, blockLength, version);
            onRegionChecksum(session);
        } else if (templateId == StoreStatusDecoder.TEMPLATE_ID) {
            statusRequest.wrap(buffer, body, blockLength, version);
            onStoreStatus(session, statusRequest.correlationId());
        } else if (templateId == ChangePeerDecoder.TEMPLATE_ID) {
            changePeers.onChangePeer(session, changePeerRequest.wrap(buffer, body, blockLength, version));
        } else if (templateId == SplitRegionDecoder.TEMPLATE_ID) {
            splits.onSplit(session, splitRequest.wrap(buffer, body, blockLength, version));
        } else if (templateId == TransferLeaderDecoder.TEMPLATE_ID) {
            transferRequest.wrap(buffer, body, blockLength, version);
            onTransferLeader(session);
        } else {
            faultRequest.wrap(buffer, body, blockLength, version);
            onInjectFault(session);
        }
    }

    private void onTransferLeader(final ClientSession session) {
        final long regionId = transferRequest.regionId();
        final long toStoreId = transferRequest.toStoreId();
        final MultiRaft.Outcome outcome = raft.transferLeaderToStore(regionId, toStoreId);
        final Status status;
        final String message;
        switch (outcome) {
            case ACCEPTED:
                status = Status.OK;
                message = "";
                LOG.info("transferring the leadership of region {} to store {} (asked by {})", regionId, toStoreId,
                    session.clientName());
                break;
            case NOT_LEADER:
                status = Status.NOT_LEADER;
                message = "store " + storeId + " does not lead region " + regionId;
                break;
            case FAILED:
                status = Status.INTERNAL_ERROR;
                message = String.valueOf(raft.failure());
                break;
            default:
                status = Status.REGION_NOT_FOUND;
                message = "region " + regionId + " is not on store " + storeId + " or has no voter on store "
                    + toStoreId;
                break;
        }
        transferReply.wrapAndApplyHeader(scratch, 0, header)
            .correlationId(transferRequest.correlationId())
            .status(status)
            .leaderStoreId(raft.leaderStoreId(regionId))
            .errorMessage(message);
        replies.send(session.publication(), scratch, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + transferReply.encodedLength());
    }

    private void onRegionChecksum(final ClientSession session) {
        final long correlationId = checksumRequest.correlationId();
        final long regionId = checksumRequest.regionId();
        if (raft.status(regionId) == null) {
            replies.sendError(session.publication(), correlationId, Status.REGION_NOT_FOUND,
                RegionChecksumDecoder.TEMPLATE_ID, "region " + regionId + " is not on store " + storeId);
        } else if (!queue.offerChecksum(regionId, session.slot(), session.generation(), correlationId)) {
            replies.sendError(session.publication(), correlationId, Status.SERVER_BUSY,
                RegionChecksumDecoder.TEMPLATE_ID, "the apply queue is full; try again");
        }
    }

    private void onStoreStatus(final ClientSession session, final long correlationId) {
        final RaftLogStats stats = log.stats();
        statusReply.wrapAndApplyHeader(scratch, 0, header)
            .correlationId(correlationId)
            .status(raft.failure() == null ? Status.OK : Status.INTERNAL_ERROR)
            .storeId(storeId)
            .logBytes(stats.diskBytes())
            .logCycleFiles(stats.cycleFiles())
            .logSyncs(stats.syncs())
            .peerFramesUnauthenticated(transportCounters.unauthenticated().get())
            .peerFramesReplayed(transportCounters.replayed().get())
            .peerFramesNotMember(transportCounters.notMember().get())
            .raftMessagesNotMember(raft.messagesFromNonMembers());
        final long[] regionIds = raft.regionIds();
        final StoreStatusResponseEncoder.RegionsEncoder regions = statusReply.regionsCount(regionIds.length);
        for (final long regionId : regionIds) {
            final RaftStatus status = raft.status(regionId);
            final RegionDescriptor region = registry.get(regionId);
            final long[] size = region == null ? new long[2] : sizes.estimate(region.range());
            regions.next()
                .regionId(regionId)
                .peerId(status.id())
                .term(status.term())
                .leaderPeerId(status.leader())
                .leaderStoreId(raft.leaderStoreId(regionId))
                .commitIndex(status.commit())
                .appliedIndex(status.applied())
                .firstIndex(status.firstIndex())
                .lastIndex(status.lastIndex())
                .role(ROLES[status.role().ordinal()])
                .confVer(region == null ? 0 : region.confVer())
                .version(region == null ? 0 : region.version())
                .approximateBytes(size[0])
                .approximateKeys(size[1]);
        }
        statusReply.errorMessage(raft.failure() == null ? "" : raft.failure());
        final int listLength = regionList.write(registry.all(), raft::leaderStoreId, list, 0);
        statusReply.putRegionList(list, 0, listLength);
        replies.send(session.publication(), scratch, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + statusReply.encodedLength());
    }

    private void onInjectFault(final ClientSession session) {
        final long correlationId = faultRequest.correlationId();
        final boolean isolateAll = faultRequest.isolateAll() == BooleanType.TRUE;
        final InjectFaultDecoder.StoresDecoder stores = faultRequest.stores();
        final long[] storeIds = new long[stores.count()];
        int i = 0;
        for (final InjectFaultDecoder.StoresDecoder store : stores) {
            storeIds[i++] = store.storeId();
        }
        final Status status;
        final String message;
        if (!faultInjection) {
            status = Status.UNAUTHENTICATED;
            message = "fault injection is off on this store (raft.fault-injection = false)";
        } else {
            faults.isolateAll(isolateAll);
            faults.isolateFrom(storeIds);
            status = Status.OK;
            message = "";
            LOG.warn("fault injected: {}", faults);
        }
        faultReply.wrapAndApplyHeader(scratch, 0, header)
            .correlationId(correlationId)
            .status(status)
            .errorMessage(message);
        replies.send(session.publication(), scratch, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + faultReply.encodedLength());
        if (!faultInjection) {
            LOG.warn("refused a fault injection from {}: off on this store ({})", session.clientName(),
                Arrays.toString(storeIds));
        }
    }
}
