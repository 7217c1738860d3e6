package io.tkv.codec.frame;

import io.tkv.codec.AddOperatorDecoder;
import io.tkv.codec.KvGetDecoder;
import io.tkv.codec.KvGetResponseDecoder;
import io.tkv.codec.KvBatchGetDecoder;
import io.tkv.codec.KvBatchGetResponseDecoder;
import io.tkv.codec.KvScanDecoder;
import io.tkv.codec.KvScanResponseDecoder;
import io.tkv.codec.KvPrewriteDecoder;
import io.tkv.codec.KvPrewriteResponseDecoder;
import io.tkv.codec.KvPessimisticLockDecoder;
import io.tkv.codec.KvPessimisticLockResponseDecoder;
import io.tkv.codec.KvPessimisticRollbackDecoder;
import io.tkv.codec.KvPessimisticRollbackResponseDecoder;
import io.tkv.codec.KvCommitDecoder;
import io.tkv.codec.KvCommitResponseDecoder;
import io.tkv.codec.KvBatchRollbackDecoder;
import io.tkv.codec.KvBatchRollbackResponseDecoder;
import io.tkv.codec.KvCleanupDecoder;
import io.tkv.codec.KvCleanupResponseDecoder;
import io.tkv.codec.KvCheckTxnStatusDecoder;
import io.tkv.codec.KvCheckTxnStatusResponseDecoder;
import io.tkv.codec.KvCheckSecondaryLocksDecoder;
import io.tkv.codec.KvCheckSecondaryLocksResponseDecoder;
import io.tkv.codec.KvResolveLockDecoder;
import io.tkv.codec.KvResolveLockResponseDecoder;
import io.tkv.codec.KvTxnHeartBeatDecoder;
import io.tkv.codec.KvTxnHeartBeatResponseDecoder;
import io.tkv.codec.KvScanLockDecoder;
import io.tkv.codec.KvScanLockResponseDecoder;
import io.tkv.codec.TxnKeyErrorListDecoder;
import io.tkv.codec.AddOperatorResponseDecoder;
import io.tkv.codec.AllocIdDecoder;
import io.tkv.codec.AllocIdResponseDecoder;
import io.tkv.codec.AskSplitDecoder;
import io.tkv.codec.AskSplitResponseDecoder;
import io.tkv.codec.AuthenticateDecoder;
import io.tkv.codec.BootstrapDecoder;
import io.tkv.codec.BootstrapResponseDecoder;
import io.tkv.codec.ChallengeDecoder;
import io.tkv.codec.ChangePeerDecoder;
import io.tkv.codec.ChangePeerResponseDecoder;
import io.tkv.codec.ConnectDecoder;
import io.tkv.codec.ConnectedDecoder;
import io.tkv.codec.DisconnectDecoder;
import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.GetGcSafePointDecoder;
import io.tkv.codec.GetGcSafePointResponseDecoder;
import io.tkv.codec.GetMembersDecoder;
import io.tkv.codec.GetMembersResponseDecoder;
import io.tkv.codec.GetOperatorsDecoder;
import io.tkv.codec.GetOperatorsResponseDecoder;
import io.tkv.codec.GetRegionByIdDecoder;
import io.tkv.codec.GetRegionDecoder;
import io.tkv.codec.GetRegionResponseDecoder;
import io.tkv.codec.GetStoresDecoder;
import io.tkv.codec.GetStoresResponseDecoder;
import io.tkv.codec.InjectFaultDecoder;
import io.tkv.codec.InjectFaultResponseDecoder;
import io.tkv.codec.IsBootstrappedDecoder;
import io.tkv.codec.IsBootstrappedResponseDecoder;
import io.tkv.codec.LocateRegionDecoder;
import io.tkv.codec.LocateRegionResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.PutStoreDecoder;
import io.tkv.codec.PutStoreResponseDecoder;
import io.tkv.codec.RaftBatchDecoder;
import io.tkv.codec.RaftSnapshotDecoder;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchDeleteResponseDecoder;
import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawBatchGetResponseDecoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawBatchPutResponseDecoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawCompareAndSwapResponseDecoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawDeleteRangeResponseDecoder;
import io.tkv.codec.RawDeleteResponseDecoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawGetResponseDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawPutResponseDecoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.RawScanResponseDecoder;
import io.tkv.codec.RegionChecksumDecoder;
import io.tkv.codec.RegionChecksumResponseDecoder;
import io.tkv.codec.RegionHeartbeatDecoder;
import io.tkv.codec.RegionHeartbeatResponseDecoder;
import io.tkv.codec.RegionListDecoder;
import io.tkv.codec.ScanRegionsDecoder;
import io.tkv.codec.ScanRegionsResponseDecoder;
import io.tkv.codec.SetSchedulerDecoder;
import io.tkv.codec.SetSchedulerResponseDecoder;
import io.tkv.codec.SnapshotChunkDecoder;
import io.tkv.codec.SnapshotChunkRequestDecoder;
import io.tkv.codec.SnapshotDoneDecoder;
import io.tkv.codec.SplitRegionDecoder;
import io.tkv.codec.SplitRegionResponseDecoder;
import io.tkv.codec.StoreHeartbeatDecoder;
import io.tkv.codec.StoreHeartbeatResponseDecoder;
import io.tkv.codec.StoreStatusDecoder;
import io.tkv.codec.StoreStatusResponseDecoder;
import io.tkv.codec.TransferLeaderDecoder;
import io.tkv.codec.TransferLeaderResponseDecoder;
import io.tkv.codec.TsoDecoder;
import io.tkv.codec.TsoResponseDecoder;
import io.tkv.codec.UpdateGcSafePointDecoder;
import io.tkv.codec.UpdateGcSafePointResponseDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static io.tkv.codec.frame.FrameShape.DATA;

/**
 * Facts about the tkv wire protocol that both ends share: the layout of every frame, as validators for each
 * direction, and where the correlation id sits. A frame shape's minimum block length is that of the oldest
 * schema version the message exists in (for messages that grew in version 2, the offset of the first field
 * version 2 added), so frames of version 1 peers stay valid; a frame that says it is of a later version must have
 * that version's block ({@link FrameShape#since}), since a decoder reads the fields of the version the frame names.
 */
public final class Protocol {
    /** The schema id every tkv frame carries. */
    public static final int SCHEMA_ID = MessageHeaderDecoder.SCHEMA_ID;
    /** The newest schema version this build speaks. */
    public static final int SCHEMA_VERSION = MessageHeaderDecoder.SCHEMA_VERSION;
    /** Every message body starts with its int64 correlation id, right after the header. */
    public static final int CORRELATION_ID_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH;
    /** The correlation id reported for a frame too short to hold one. */
    public static final long UNKNOWN_CORRELATION_ID = -1;
    /** The most entries a repeating group's header can count (its numInGroup is a uint16). */
    public static final int MAX_ENCODABLE_GROUP_ENTRIES = 0xFFFF;
    /**
     * The most entries a group of a PD request may hold: RegionHeartbeat's down and pending peers name peers of one
     * region (PD's parser allows at most 16 peers a region). With no room at all, every heartbeat of a region with a
     * dead or lagging peer was refused MALFORMED, so PD never saw a new leader or a finished step of such a region.
     */
    public static final int PD_MAX_GROUP_ENTRIES = 16;

    private Protocol() {
    }

    /**
     * @param maxGroupEntries the most entries a request group may hold (the batch size limit).
     * @return a validator for the frames a store accepts from clients.
     */
    public static FrameValidator storeIngressValidator(final int maxGroupEntries) {
        return acceptWrites(new FrameValidator(SCHEMA_ID, SCHEMA_VERSION, maxGroupEntries))
            .accept(ConnectDecoder.TEMPLATE_ID, FrameShape.of(ConnectDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(AuthenticateDecoder.TEMPLATE_ID,
                FrameShape.of(AuthenticateDecoder.BLOCK_LENGTH, DATA, FrameShape.dataSince(3)))
            .accept(DisconnectDecoder.TEMPLATE_ID, FrameShape.of(DisconnectDecoder.BLOCK_LENGTH))
            .accept(RawGetDecoder.TEMPLATE_ID, FrameShape.of(RawGetDecoder.BLOCK_LENGTH, DATA))
            .accept(RawBatchGetDecoder.TEMPLATE_ID, FrameShape.of(RawBatchGetDecoder.BLOCK_LENGTH,
                FrameShape.of(0, DATA)))
            .accept(RawScanDecoder.TEMPLATE_ID, FrameShape.of(RawScanDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(StoreStatusDecoder.TEMPLATE_ID, FrameShape.of(StoreStatusDecoder.BLOCK_LENGTH))
            .accept(InjectFaultDecoder.TEMPLATE_ID, FrameShape.of(InjectFaultDecoder.BLOCK_LENGTH,
                FrameShape.of(InjectFaultDecoder.StoresDecoder.sbeBlockLength())))
            .accept(TransferLeaderDecoder.TEMPLATE_ID, FrameShape.of(TransferLeaderDecoder.BLOCK_LENGTH))
            .accept(RegionChecksumDecoder.TEMPLATE_ID, FrameShape.of(RegionChecksumDecoder.BLOCK_LENGTH))
            .accept(SplitRegionDecoder.TEMPLATE_ID, FrameShape.of(SplitRegionDecoder.BLOCK_LENGTH,
                FrameShape.of(SplitRegionDecoder.NewPeersDecoder.sbeBlockLength()), DATA))
            .accept(LocateRegionDecoder.TEMPLATE_ID, FrameShape.of(LocateRegionDecoder.BLOCK_LENGTH, DATA))
            .accept(ChangePeerDecoder.TEMPLATE_ID, FrameShape.of(ChangePeerDecoder.BLOCK_LENGTH))
            .accept(KvGetDecoder.TEMPLATE_ID, FrameShape.of(KvGetDecoder.BLOCK_LENGTH, DATA))
            .accept(KvBatchGetDecoder.TEMPLATE_ID, FrameShape.of(KvBatchGetDecoder.BLOCK_LENGTH, KEYS))
            .accept(KvScanDecoder.TEMPLATE_ID, FrameShape.of(KvScanDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(KvPrewriteDecoder.TEMPLATE_ID, FrameShape.of(KvPrewriteDecoder.BLOCK_LENGTH,
                FrameShape.of(KvPrewriteDecoder.MutationsDecoder.sbeBlockLength(), DATA, DATA), KEYS, DATA))
            .accept(KvPessimisticLockDecoder.TEMPLATE_ID,
                FrameShape.of(KvPessimisticLockDecoder.BLOCK_LENGTH, KEYS, DATA))
            .accept(KvPessimisticRollbackDecoder.TEMPLATE_ID,
                FrameShape.of(KvPessimisticRollbackDecoder.BLOCK_LENGTH, KEYS))
            .accept(KvCommitDecoder.TEMPLATE_ID, FrameShape.of(KvCommitDecoder.BLOCK_LENGTH, KEYS))
            .accept(KvBatchRollbackDecoder.TEMPLATE_ID, FrameShape.of(KvBatchRollbackDecoder.BLOCK_LENGTH, KEYS))
            .accept(KvCleanupDecoder.TEMPLATE_ID, FrameShape.of(KvCleanupDecoder.BLOCK_LENGTH, DATA))
            .accept(KvCheckTxnStatusDecoder.TEMPLATE_ID, FrameShape.of(KvCheckTxnStatusDecoder.BLOCK_LENGTH, DATA))
            .accept(KvCheckSecondaryLocksDecoder.TEMPLATE_ID,
                FrameShape.of(KvCheckSecondaryLocksDecoder.BLOCK_LENGTH, KEYS))
            .accept(KvResolveLockDecoder.TEMPLATE_ID, FrameShape.of(KvResolveLockDecoder.BLOCK_LENGTH, KEYS))
            .accept(KvTxnHeartBeatDecoder.TEMPLATE_ID, FrameShape.of(KvTxnHeartBeatDecoder.BLOCK_LENGTH, DATA))
            .accept(KvScanLockDecoder.TEMPLATE_ID, FrameShape.of(KvScanLockDecoder.BLOCK_LENGTH, DATA, DATA));
    }

    /** A group of keys: no fixed field, one var-length key each. */
    private static final FrameShape KEYS = FrameShape.of(0, DATA);

    /**
     * @return a validator for a TxnKeyErrorList frame carried inside a transactional response, of this version or a
     *     newer one.
     */
    public static FrameValidator txnKeyErrorListValidator() {
        return new FrameValidator(SCHEMA_ID, SCHEMA_VERSION, 0xFFFF).acceptNewerVersions()
            .accept(TxnKeyErrorListDecoder.TEMPLATE_ID, FrameShape.of(TxnKeyErrorListDecoder.BLOCK_LENGTH,
                FrameShape.of(TxnKeyErrorListDecoder.ErrorsDecoder.sbeBlockLength(), KEYS,
                    FrameShape.of(TxnKeyErrorListDecoder.ErrorsDecoder.WaitChainDecoder.sbeBlockLength()),
                    DATA, DATA, DATA)));
    }

    /** The transactional responses a client accepts, added to {@link #clientEgressValidator()}. */
    private static FrameValidator acceptTxnReplies(final FrameValidator validator) {
        final FrameShape pairs = FrameShape.of(0, DATA, DATA);
        return validator
            .accept(KvGetResponseDecoder.TEMPLATE_ID, FrameShape.of(KvGetResponseDecoder.BLOCK_LENGTH, DATA, DATA,
                DATA))
            .accept(KvBatchGetResponseDecoder.TEMPLATE_ID, FrameShape.of(KvBatchGetResponseDecoder.BLOCK_LENGTH,
                pairs, DATA, DATA))
            .accept(KvScanResponseDecoder.TEMPLATE_ID, FrameShape.of(KvScanResponseDecoder.BLOCK_LENGTH, pairs,
                DATA, DATA))
            .accept(KvPrewriteResponseDecoder.TEMPLATE_ID,
                FrameShape.of(KvPrewriteResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(KvPessimisticLockResponseDecoder.TEMPLATE_ID,
                FrameShape.of(KvPessimisticLockResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(KvPessimisticRollbackResponseDecoder.TEMPLATE_ID,
                FrameShape.of(KvPessimisticRollbackResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(KvCommitResponseDecoder.TEMPLATE_ID, FrameShape.of(KvCommitResponseDecoder.BLOCK_LENGTH, DATA,
                DATA))
            .accept(KvBatchRollbackResponseDecoder.TEMPLATE_ID,
                FrameShape.of(KvBatchRollbackResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(KvCleanupResponseDecoder.TEMPLATE_ID, FrameShape.of(KvCleanupResponseDecoder.BLOCK_LENGTH, DATA,
                DATA))
            .accept(KvCheckTxnStatusResponseDecoder.TEMPLATE_ID,
                FrameShape.of(KvCheckTxnStatusResponseDecoder.BLOCK_LENGTH, DATA, DATA, DATA))
            .accept(KvCheckSecondaryLocksResponseDecoder.TEMPLATE_ID,
                FrameShape.of(KvCheckSecondaryLocksResponseDecoder.BLOCK_LENGTH, DATA, DATA, DATA))
            .accept(KvResolveLockResponseDecoder.TEMPLATE_ID,
                FrameShape.of(KvResolveLockResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(KvTxnHeartBeatResponseDecoder.TEMPLATE_ID,
                FrameShape.of(KvTxnHeartBeatResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(KvScanLockResponseDecoder.TEMPLATE_ID,
                FrameShape.of(KvScanLockResponseDecoder.BLOCK_LENGTH, DATA, DATA, DATA));
    }

    /**
     * @param templateId a reply template.
     * @return whether it is a transactional response (an odd id of band 250-299, TxnKeyErrorList excluded).
     */
    public static boolean isTxnResponse(final int templateId) {
        return templateId > KvGetDecoder.TEMPLATE_ID && templateId <= KvScanLockResponseDecoder.TEMPLATE_ID &&
            (templateId & 1) == 1;
    }

    /**
     * @param templateId a request template.
     * @return whether it is a transactional request (band 250-299).
     */
    public static boolean isTxnRequest(final int templateId) {
        return templateId >= KvGetDecoder.TEMPLATE_ID && templateId <= KvScanLockDecoder.TEMPLATE_ID &&
            (templateId & 1) == 0;
    }

    /**
     * @return a validator for the frames a PD member accepts from clients and stores: the session handshake and the
     *     PD requests (template band 200-249).
     */
    public static FrameValidator pdIngressValidator() {
        return new FrameValidator(SCHEMA_ID, SCHEMA_VERSION, PD_MAX_GROUP_ENTRIES)
            .accept(ConnectDecoder.TEMPLATE_ID, FrameShape.of(ConnectDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(AuthenticateDecoder.TEMPLATE_ID,
                FrameShape.of(AuthenticateDecoder.BLOCK_LENGTH, DATA, FrameShape.dataSince(3)))
            .accept(DisconnectDecoder.TEMPLATE_ID, FrameShape.of(DisconnectDecoder.BLOCK_LENGTH))
            .accept(GetMembersDecoder.TEMPLATE_ID, FrameShape.of(GetMembersDecoder.BLOCK_LENGTH))
            .accept(TsoDecoder.TEMPLATE_ID, FrameShape.of(TsoDecoder.BLOCK_LENGTH))
            .accept(AllocIdDecoder.TEMPLATE_ID, FrameShape.of(AllocIdDecoder.BLOCK_LENGTH))
            .accept(IsBootstrappedDecoder.TEMPLATE_ID, FrameShape.of(IsBootstrappedDecoder.BLOCK_LENGTH))
            .accept(BootstrapDecoder.TEMPLATE_ID, FrameShape.of(BootstrapDecoder.BLOCK_LENGTH))
            .accept(PutStoreDecoder.TEMPLATE_ID, FrameShape.of(PutStoreDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(StoreHeartbeatDecoder.TEMPLATE_ID, FrameShape.of(StoreHeartbeatDecoder.BLOCK_LENGTH))
            .accept(RegionHeartbeatDecoder.TEMPLATE_ID, FrameShape.of(RegionHeartbeatDecoder.BLOCK_LENGTH,
                FrameShape.of(RegionHeartbeatDecoder.DownPeersDecoder.sbeBlockLength()),
                FrameShape.of(RegionHeartbeatDecoder.PendingPeersDecoder.sbeBlockLength()), DATA))
            .accept(AskSplitDecoder.TEMPLATE_ID, FrameShape.of(AskSplitDecoder.BLOCK_LENGTH))
            .accept(GetRegionDecoder.TEMPLATE_ID, FrameShape.of(GetRegionDecoder.BLOCK_LENGTH, DATA))
            .accept(GetRegionByIdDecoder.TEMPLATE_ID, FrameShape.of(GetRegionByIdDecoder.BLOCK_LENGTH))
            .accept(ScanRegionsDecoder.TEMPLATE_ID, FrameShape.of(ScanRegionsDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(GetStoresDecoder.TEMPLATE_ID, FrameShape.of(GetStoresDecoder.BLOCK_LENGTH))
            .accept(GetOperatorsDecoder.TEMPLATE_ID, FrameShape.of(GetOperatorsDecoder.BLOCK_LENGTH))
            .accept(SetSchedulerDecoder.TEMPLATE_ID, FrameShape.of(SetSchedulerDecoder.BLOCK_LENGTH, DATA))
            .accept(AddOperatorDecoder.TEMPLATE_ID, FrameShape.of(AddOperatorDecoder.BLOCK_LENGTH))
            .accept(GetGcSafePointDecoder.TEMPLATE_ID, FrameShape.of(GetGcSafePointDecoder.BLOCK_LENGTH))
            .accept(UpdateGcSafePointDecoder.TEMPLATE_ID, FrameShape.of(UpdateGcSafePointDecoder.BLOCK_LENGTH));
    }

    /** The PD replies a client accepts, added to {@link #clientEgressValidator()}. */
    private static FrameValidator acceptPdReplies(final FrameValidator validator) {
        return validator
            .accept(GetMembersResponseDecoder.TEMPLATE_ID, FrameShape.of(GetMembersResponseDecoder.BLOCK_LENGTH,
                FrameShape.of(GetMembersResponseDecoder.MembersDecoder.sbeBlockLength(), DATA), DATA))
            .accept(TsoResponseDecoder.TEMPLATE_ID, FrameShape.of(TsoResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(AllocIdResponseDecoder.TEMPLATE_ID, FrameShape.of(AllocIdResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(IsBootstrappedResponseDecoder.TEMPLATE_ID,
                FrameShape.of(IsBootstrappedResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(BootstrapResponseDecoder.TEMPLATE_ID, FrameShape.of(BootstrapResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(PutStoreResponseDecoder.TEMPLATE_ID, FrameShape.of(PutStoreResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(StoreHeartbeatResponseDecoder.TEMPLATE_ID,
                FrameShape.of(StoreHeartbeatResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(RegionHeartbeatResponseDecoder.TEMPLATE_ID,
                FrameShape.of(RegionHeartbeatResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(AskSplitResponseDecoder.TEMPLATE_ID, FrameShape.of(AskSplitResponseDecoder.BLOCK_LENGTH,
                FrameShape.of(AskSplitResponseDecoder.NewPeersDecoder.sbeBlockLength()), DATA))
            .accept(GetRegionResponseDecoder.TEMPLATE_ID,
                FrameShape.of(GetRegionResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(ScanRegionsResponseDecoder.TEMPLATE_ID, FrameShape.of(ScanRegionsResponseDecoder.BLOCK_LENGTH,
                FrameShape.of(ScanRegionsResponseDecoder.StatsDecoder.writtenBytesEncodingOffset())
                    .since(5, ScanRegionsResponseDecoder.StatsDecoder.sbeBlockLength()), DATA, DATA))
            .accept(GetStoresResponseDecoder.TEMPLATE_ID, FrameShape.of(GetStoresResponseDecoder.BLOCK_LENGTH,
                FrameShape.of(GetStoresResponseDecoder.StoresDecoder.sbeBlockLength(), DATA, DATA), DATA))
            .accept(GetOperatorsResponseDecoder.TEMPLATE_ID, FrameShape.of(GetOperatorsResponseDecoder.BLOCK_LENGTH,
                FrameShape.of(GetOperatorsResponseDecoder.OperatorsDecoder.sbeBlockLength(), DATA), DATA))
            .accept(SetSchedulerResponseDecoder.TEMPLATE_ID, FrameShape.of(SetSchedulerResponseDecoder.BLOCK_LENGTH,
                FrameShape.of(SetSchedulerResponseDecoder.SchedulersDecoder.sbeBlockLength(), DATA), DATA))
            .accept(AddOperatorResponseDecoder.TEMPLATE_ID,
                FrameShape.of(AddOperatorResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(GetGcSafePointResponseDecoder.TEMPLATE_ID,
                FrameShape.of(GetGcSafePointResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(UpdateGcSafePointResponseDecoder.TEMPLATE_ID,
                FrameShape.of(UpdateGcSafePointResponseDecoder.BLOCK_LENGTH, DATA));
    }

    /**
     * The validator a store runs again on the client write frame in each committed Raft entry before applying it:
     * the write layouts of {@link #storeIngressValidator}, and nothing else. Every replica must judge an entry
     * alike, so this depends on the entry's bytes and the protocol only, never on a store's configured limits
     * (which may differ between stores, or change across a restart): its groups may hold as many entries as their
     * header can count.
     *
     * @return a validator for the write frames in committed entries.
     */
    public static FrameValidator committedWriteValidator() {
        return acceptWrites(new FrameValidator(SCHEMA_ID, SCHEMA_VERSION, MAX_ENCODABLE_GROUP_ENTRIES));
    }

    /** The layouts of the writes (the requests that go through Raft), in one place for ingress and apply. */
    private static FrameValidator acceptWrites(final FrameValidator validator) {
        return validator
            .accept(RawPutDecoder.TEMPLATE_ID, FrameShape.of(RawPutDecoder.clientIdEncodingOffset(), DATA, DATA)
                .since(2, RawPutDecoder.BLOCK_LENGTH))
            .accept(RawBatchPutDecoder.TEMPLATE_ID, FrameShape.of(RawBatchPutDecoder.clientIdEncodingOffset(),
                FrameShape.of(0, DATA, DATA)).since(2, RawBatchPutDecoder.BLOCK_LENGTH))
            .accept(RawDeleteDecoder.TEMPLATE_ID, FrameShape.of(RawDeleteDecoder.clientIdEncodingOffset(), DATA)
                .since(2, RawDeleteDecoder.BLOCK_LENGTH))
            .accept(RawBatchDeleteDecoder.TEMPLATE_ID, FrameShape.of(RawBatchDeleteDecoder.clientIdEncodingOffset(),
                FrameShape.of(0, DATA)).since(2, RawBatchDeleteDecoder.BLOCK_LENGTH))
            .accept(RawDeleteRangeDecoder.TEMPLATE_ID,
                FrameShape.of(RawDeleteRangeDecoder.clientIdEncodingOffset(), DATA, DATA)
                    .since(2, RawDeleteRangeDecoder.BLOCK_LENGTH))
            .accept(RawCompareAndSwapDecoder.TEMPLATE_ID,
                FrameShape.of(RawCompareAndSwapDecoder.clientIdEncodingOffset(), DATA, DATA, DATA)
                    .since(2, RawCompareAndSwapDecoder.BLOCK_LENGTH));
    }

    /**
     * @param maxGroupEntries the most messages in a batch, and entries in a message, a store accepts from a peer.
     * @return a validator for the Raft frames a store accepts from other stores.
     */
    public static FrameValidator raftValidator(final int maxGroupEntries) {
        return new FrameValidator(SCHEMA_ID, SCHEMA_VERSION, maxGroupEntries)
            .accept(RaftBatchDecoder.TEMPLATE_ID, FrameShape.of(RaftBatchDecoder.BLOCK_LENGTH,
                FrameShape.of(RaftBatchDecoder.MessagesDecoder.sbeBlockLength(),
                    FrameShape.of(RaftBatchDecoder.MessagesDecoder.EntriesDecoder.sbeBlockLength(), DATA))))
            .accept(RaftSnapshotDecoder.TEMPLATE_ID, FrameShape.of(RaftSnapshotDecoder.BLOCK_LENGTH,
                FrameShape.of(RaftSnapshotDecoder.VotersDecoder.sbeBlockLength()),
                FrameShape.of(RaftSnapshotDecoder.LearnersDecoder.sbeBlockLength()), DATA));
    }

    /**
     * @return a validator for the snapshot-file frames a store accepts from other stores (chunk requests, chunks,
     *     done), on the snapshot stream.
     */
    public static FrameValidator snapshotValidator() {
        return new FrameValidator(SCHEMA_ID, SCHEMA_VERSION, 0xFFFF)
            .accept(SnapshotChunkRequestDecoder.TEMPLATE_ID,
                FrameShape.of(SnapshotChunkRequestDecoder.BLOCK_LENGTH, DATA))
            .accept(SnapshotChunkDecoder.TEMPLATE_ID, FrameShape.of(SnapshotChunkDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(SnapshotDoneDecoder.TEMPLATE_ID, FrameShape.of(SnapshotDoneDecoder.BLOCK_LENGTH));
    }

    /**
     * @return a validator for a RegionList frame carried inside another (ErrorResponse.regions), of this version or a
     *     newer one.
     */
    public static FrameValidator regionListValidator() {
        return new FrameValidator(SCHEMA_ID, SCHEMA_VERSION, 0xFFFF).acceptNewerVersions()
            .accept(RegionListDecoder.TEMPLATE_ID, FrameShape.of(RegionListDecoder.BLOCK_LENGTH,
                FrameShape.of(RegionListDecoder.RegionsDecoder.sbeBlockLength(),
                    FrameShape.of(RegionListDecoder.RegionsDecoder.PeersDecoder.sbeBlockLength()), DATA, DATA)));
    }

    /** @return a validator for the frames a client accepts from a store (of this version or a newer one). */
    public static FrameValidator clientEgressValidator() {
        return acceptTxnReplies(acceptPdReplies(new FrameValidator(SCHEMA_ID, SCHEMA_VERSION, 0xFFFF)
            .acceptNewerVersions()))
            .accept(ChallengeDecoder.TEMPLATE_ID, FrameShape.of(ChallengeDecoder.BLOCK_LENGTH, DATA))
            .accept(ConnectedDecoder.TEMPLATE_ID, FrameShape.of(ConnectedDecoder.storeIdEncodingOffset(), DATA)
                .since(2, ConnectedDecoder.maxRequestBytesEncodingOffset()).since(3, ConnectedDecoder.BLOCK_LENGTH))
            .accept(ErrorResponseDecoder.TEMPLATE_ID,
                FrameShape.of(ErrorResponseDecoder.leaderStoreIdEncodingOffset(), DATA, FrameShape.dataSince(2),
                    FrameShape.dataSince(4)).since(2, ErrorResponseDecoder.BLOCK_LENGTH))
            .accept(RawGetResponseDecoder.TEMPLATE_ID, FrameShape.of(RawGetResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(RawBatchGetResponseDecoder.TEMPLATE_ID, FrameShape.of(RawBatchGetResponseDecoder.BLOCK_LENGTH,
                FrameShape.of(RawBatchGetResponseDecoder.PairsDecoder.sbeBlockLength(), DATA, DATA), DATA))
            .accept(RawPutResponseDecoder.TEMPLATE_ID, FrameShape.of(RawPutResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(RawBatchPutResponseDecoder.TEMPLATE_ID,
                FrameShape.of(RawBatchPutResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(RawDeleteResponseDecoder.TEMPLATE_ID, FrameShape.of(RawDeleteResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(RawBatchDeleteResponseDecoder.TEMPLATE_ID,
                FrameShape.of(RawBatchDeleteResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(RawDeleteRangeResponseDecoder.TEMPLATE_ID,
                FrameShape.of(RawDeleteRangeResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(RawScanResponseDecoder.TEMPLATE_ID, FrameShape.of(RawScanResponseDecoder.BLOCK_LENGTH,
                FrameShape.of(0, DATA, DATA), DATA, FrameShape.dataSince(3)))
            .accept(RawCompareAndSwapResponseDecoder.TEMPLATE_ID,
                FrameShape.of(RawCompareAndSwapResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(StoreStatusResponseDecoder.TEMPLATE_ID,
                FrameShape.of(StoreStatusResponseDecoder.peerFramesUnauthenticatedEncodingOffset(),
                    FrameShape.of(StoreStatusResponseDecoder.RegionsDecoder.confVerEncodingOffset())
                        .since(4, StoreStatusResponseDecoder.RegionsDecoder.sbeBlockLength()), DATA,
                    FrameShape.dataSince(4))
                    .since(3, StoreStatusResponseDecoder.BLOCK_LENGTH))
            .accept(InjectFaultResponseDecoder.TEMPLATE_ID,
                FrameShape.of(InjectFaultResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(TransferLeaderResponseDecoder.TEMPLATE_ID,
                FrameShape.of(TransferLeaderResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(RegionChecksumResponseDecoder.TEMPLATE_ID,
                FrameShape.of(RegionChecksumResponseDecoder.BLOCK_LENGTH, DATA))
            .accept(SplitRegionResponseDecoder.TEMPLATE_ID,
                FrameShape.of(SplitRegionResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(LocateRegionResponseDecoder.TEMPLATE_ID,
                FrameShape.of(LocateRegionResponseDecoder.BLOCK_LENGTH, DATA, DATA))
            .accept(ChangePeerResponseDecoder.TEMPLATE_ID,
                FrameShape.of(ChangePeerResponseDecoder.BLOCK_LENGTH, DATA, DATA));
    }

    /**
     * @param templateId a request template.
     * @return where a write's clientId sits from the start of its message body (version 2 and later), or -1 for a
     *     template that carries none.
     */
    public static int clientIdOffset(final int templateId) {
        return switch (templateId) {
            case RawPutDecoder.TEMPLATE_ID -> RawPutDecoder.clientIdEncodingOffset();
            case RawBatchPutDecoder.TEMPLATE_ID -> RawBatchPutDecoder.clientIdEncodingOffset();
            case RawDeleteDecoder.TEMPLATE_ID -> RawDeleteDecoder.clientIdEncodingOffset();
            case RawBatchDeleteDecoder.TEMPLATE_ID -> RawBatchDeleteDecoder.clientIdEncodingOffset();
            case RawDeleteRangeDecoder.TEMPLATE_ID -> RawDeleteRangeDecoder.clientIdEncodingOffset();
            case RawCompareAndSwapDecoder.TEMPLATE_ID -> RawCompareAndSwapDecoder.clientIdEncodingOffset();
            default -> -1;
        };
    }

    /**
     * @param buffer holding the frame.
     * @param offset of the message header.
     * @param length of the frame.
     * @return the correlation id, or {@link #UNKNOWN_CORRELATION_ID} when the frame is too short to hold one.
     */
    public static long correlationId(final DirectBuffer buffer, final int offset, final int length) {
        if (length < CORRELATION_ID_OFFSET + Long.BYTES) {
            return UNKNOWN_CORRELATION_ID;
        }
        return buffer.getLong(offset + CORRELATION_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }
}
