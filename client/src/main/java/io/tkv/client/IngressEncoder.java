package io.tkv.client;

import io.tkv.codec.AuthenticateEncoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.ConnectEncoder;
import io.tkv.codec.DisconnectEncoder;
import io.tkv.codec.InjectFaultEncoder;
import io.tkv.codec.LocateRegionEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RawBatchDeleteEncoder;
import io.tkv.codec.RawBatchGetEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawCompareAndSwapEncoder;
import io.tkv.codec.RawDeleteEncoder;
import io.tkv.codec.RawDeleteRangeEncoder;
import io.tkv.codec.RawGetEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.RawScanEncoder;
import io.tkv.codec.RegionChecksumEncoder;
import io.tkv.codec.RegionContextEncoder;
import io.tkv.codec.StoreStatusEncoder;
import io.tkv.codec.ChangePeerEncoder;
import io.tkv.codec.ConfChangeType;
import io.tkv.codec.SplitRegionEncoder;
import io.tkv.codec.TransferLeaderEncoder;
import org.agrona.ExpandableArrayBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Encodes the frames a client sends to a store. Each method returns the whole frame (message header included) as
 * a fresh array: the client keeps it with the request so it can stamp a new session token into it and resend it
 * after a reconnect. Requests are encoded with session token 0; {@link PendingRequest#stampToken} fills it in,
 * and, for writes, {@link PendingRequest#stampFirstIncomplete} the first incomplete id (encoded here as the
 * request's own id, always a safe value).
 *
 * <p>Not thread-safe: {@link #current()} gives each thread its own encoder (callers encode on their own thread).
 */
final class IngressEncoder {
    /** Where every request's sessionToken sits in the frame: after the header and the correlationId. */
    static final int SESSION_TOKEN_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + RawGetEncoder.sessionTokenEncodingOffset();

    private static final int TEMPLATE_ID_OFFSET = 2;
    /** Where every region-scoped request carries its RegionContext {regionId, confVer, version}. */
    private static final int REGION_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + RawGetEncoder.regionEncodingOffset();
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int INITIAL_CAPACITY = 4096;
    /** A thread that once sent a huge batch does not keep a huge buffer. */
    private static final int MAX_RETAINED_CAPACITY = 1024 * 1024;
    private static final ThreadLocal<IngressEncoder> ENCODERS = ThreadLocal.withInitial(IngressEncoder::new);
    private static final byte[] EMPTY = new byte[0];

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ConnectEncoder connect = new ConnectEncoder();
    private final AuthenticateEncoder authenticate = new AuthenticateEncoder();
    private final DisconnectEncoder disconnect = new DisconnectEncoder();
    private final RawGetEncoder get = new RawGetEncoder();
    private final RawBatchGetEncoder batchGet = new RawBatchGetEncoder();
    private final RawPutEncoder put = new RawPutEncoder();
    private final RawBatchPutEncoder batchPut = new RawBatchPutEncoder();
    private final RawDeleteEncoder delete = new RawDeleteEncoder();
    private final RawBatchDeleteEncoder batchDelete = new RawBatchDeleteEncoder();
    private final RawDeleteRangeEncoder deleteRange = new RawDeleteRangeEncoder();
    private final RawScanEncoder scan = new RawScanEncoder();
    private final RawCompareAndSwapEncoder cas = new RawCompareAndSwapEncoder();
    private final LocateRegionEncoder locateRegion = new LocateRegionEncoder();
    private final StoreStatusEncoder storeStatus = new StoreStatusEncoder();
    private final InjectFaultEncoder injectFault = new InjectFaultEncoder();
    private final TransferLeaderEncoder transferLeader = new TransferLeaderEncoder();
    private final SplitRegionEncoder splitRegion = new SplitRegionEncoder();
    private final ChangePeerEncoder changePeer = new ChangePeerEncoder();
    private final RegionChecksumEncoder regionChecksum = new RegionChecksumEncoder();
    private ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(INITIAL_CAPACITY);

    /**
     * @param frame an encoded request.
     * @return where its firstIncompleteId sits, or -1 for a request that has none (reads).
     */
    static int firstIncompleteOffset(final byte[] frame) {
        final int templateId = (frame[TEMPLATE_ID_OFFSET] & 0xFF) | (frame[TEMPLATE_ID_OFFSET + 1] & 0xFF) << 8;
        final int bodyOffset;
        switch (templateId) {
            case RawPutEncoder.TEMPLATE_ID:
                bodyOffset = RawPutEncoder.firstIncompleteIdEncodingOffset();
                break;
            case RawBatchPutEncoder.TEMPLATE_ID:
                bodyOffset = RawBatchPutEncoder.firstIncompleteIdEncodingOffset();
                break;
            case RawDeleteEncoder.TEMPLATE_ID:
                bodyOffset = RawDeleteEncoder.firstIncompleteIdEncodingOffset();
                break;
            case RawBatchDeleteEncoder.TEMPLATE_ID:
                bodyOffset = RawBatchDeleteEncoder.firstIncompleteIdEncodingOffset();
                break;
            case RawDeleteRangeEncoder.TEMPLATE_ID:
                bodyOffset = RawDeleteRangeEncoder.firstIncompleteIdEncodingOffset();
                break;
            case RawCompareAndSwapEncoder.TEMPLATE_ID:
                bodyOffset = RawCompareAndSwapEncoder.firstIncompleteIdEncodingOffset();
                break;
            default:
                return -1;
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + bodyOffset;
    }

    /** @return this thread's encoder. */
    static IngressEncoder current() {
        return ENCODERS.get();
    }

    byte[] connect(final long correlationId, final int egressStreamId, final String egressChannel,
        final String clientName) {
        connect.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(correlationId)
            .egressStreamId(egressStreamId)
            .egressChannel(egressChannel)
            .clientName(clientName);
        return frame(connect.encodedLength());
    }

    byte[] authenticate(final long correlationId, final long handshakeId, final byte[] hmac, final byte[] clientKey) {
        authenticate.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(correlationId)
            .handshakeId(handshakeId)
            .putHmac(hmac, 0, hmac.length)
            .putClientKey(clientKey, 0, clientKey.length);
        return frame(authenticate.encodedLength());
    }

    byte[] disconnect(final long correlationId, final long sessionToken) {
        disconnect.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(correlationId)
            .sessionToken(sessionToken);
        return frame(disconnect.encodedLength());
    }

    byte[] get(final long correlationId, final RegionEpoch region, final byte[] key) {
        get.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(get.region(), region);
        get.putKey(key, 0, key.length);
        return frame(get.encodedLength());
    }

    byte[] batchGet(final long correlationId, final RegionEpoch region, final List<byte[]> keys) {
        batchGet.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(batchGet.region(), region);
        final RawBatchGetEncoder.KeysEncoder group = batchGet.keysCount(keys.size());
        for (final byte[] key : keys) {
            group.next().putKey(key, 0, key.length);
        }
        return frame(batchGet.encodedLength());
    }

    byte[] put(final long correlationId, final long clientId, final RegionEpoch region, final byte[] key,
        final byte[] value, final long ttlSeconds) {
        put.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(put.region(), region);
        put.ttlSeconds(ttlSeconds).clientId(clientId).firstIncompleteId(correlationId)
            .putKey(key, 0, key.length).putValue(value, 0, value.length);
        return frame(put.encodedLength());
    }

    byte[] batchPut(final long correlationId, final long clientId, final RegionEpoch region,
        final List<KvPair> pairs, final long ttlSeconds) {
        batchPut.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(batchPut.region(), region);
        batchPut.ttlSeconds(ttlSeconds).clientId(clientId).firstIncompleteId(correlationId);
        final RawBatchPutEncoder.PairsEncoder group = batchPut.pairsCount(pairs.size());
        for (final KvPair pair : pairs) {
            final byte[] key = pair.keyRef();
            final byte[] value = pair.valueRef();
            group.next().putKey(key, 0, key.length).putValue(value, 0, value.length);
        }
        return frame(batchPut.encodedLength());
    }

    byte[] delete(final long correlationId, final long clientId, final RegionEpoch region, final byte[] key) {
        delete.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(delete.region(), region);
        delete.clientId(clientId).firstIncompleteId(correlationId).putKey(key, 0, key.length);
        return frame(delete.encodedLength());
    }

    byte[] batchDelete(final long correlationId, final long clientId, final RegionEpoch region,
        final List<byte[]> keys) {
        batchDelete.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(batchDelete.region(), region);
        batchDelete.clientId(clientId).firstIncompleteId(correlationId);
        final RawBatchDeleteEncoder.KeysEncoder group = batchDelete.keysCount(keys.size());
        for (final byte[] key : keys) {
            group.next().putKey(key, 0, key.length);
        }
        return frame(batchDelete.encodedLength());
    }

    byte[] deleteRange(final long correlationId, final long clientId, final RegionEpoch region,
        final byte[] startKey, final byte[] endKey) {
        final byte[] start = startKey == null ? EMPTY : startKey;
        final byte[] end = endKey == null ? EMPTY : endKey;
        deleteRange.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(deleteRange.region(), region);
        deleteRange.clientId(clientId).firstIncompleteId(correlationId)
            .putStartKey(start, 0, start.length).putEndKey(end, 0, end.length);
        return frame(deleteRange.encodedLength());
    }

    byte[] scan(final long correlationId, final RegionEpoch region, final byte[] startKey, final byte[] endKey,
        final int limit, final boolean reverse, final boolean keyOnly) {
        final byte[] start = startKey == null ? EMPTY : startKey;
        final byte[] end = endKey == null ? EMPTY : endKey;
        scan.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(scan.region(), region);
        scan.scanLimit(limit)
            .reverse(bool(reverse))
            .keyOnly(bool(keyOnly))
            .putStartKey(start, 0, start.length)
            .putEndKey(end, 0, end.length);
        return frame(scan.encodedLength());
    }

    byte[] compareAndSwap(final long correlationId, final long clientId, final RegionEpoch region,
        final byte[] key, final byte[] expected, final byte[] newValue, final long ttlSeconds) {
        final byte[] expectedBytes = expected == null ? EMPTY : expected;
        cas.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(cas.region(), region);
        cas.ttlSeconds(ttlSeconds)
            .expectAbsent(bool(expected == null))
            .clientId(clientId)
            .firstIncompleteId(correlationId)
            .putKey(key, 0, key.length)
            .putExpectedValue(expectedBytes, 0, expectedBytes.length)
            .putNewValue(newValue, 0, newValue.length);
        return frame(cas.encodedLength());
    }

    byte[] storeStatus(final long correlationId) {
        storeStatus.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        return frame(storeStatus.encodedLength());
    }

    byte[] injectFault(final long correlationId, final boolean isolateAll, final long[] storeIds) {
        injectFault.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .isolateAll(bool(isolateAll));
        final InjectFaultEncoder.StoresEncoder stores = injectFault.storesCount(storeIds.length);
        for (final long storeId : storeIds) {
            stores.next().storeId(storeId);
        }
        return frame(injectFault.encodedLength());
    }

    byte[] transferLeader(final long correlationId, final long regionId, final long toStoreId) {
        transferLeader.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .regionId(regionId).toStoreId(toStoreId);
        return frame(transferLeader.encodedLength());
    }

    byte[] splitRegion(
        final long correlationId, final RegionEpoch region, final byte[] storedSplitKey, final long newRegionId,
        final long[] newPeerIds) {
        splitRegion.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(splitRegion.region(), region);
        splitRegion.newRegionId(newRegionId);
        final SplitRegionEncoder.NewPeersEncoder peers = splitRegion.newPeersCount(newPeerIds.length);
        for (final long peerId : newPeerIds) {
            peers.next().peerId(peerId);
        }
        splitRegion.putSplitKey(storedSplitKey, 0, storedSplitKey.length);
        return frame(splitRegion.encodedLength());
    }

    byte[] changePeer(
        final long correlationId, final RegionEpoch region, final PeerChange change, final long peerId,
        final long storeId) {
        changePeer.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        region(changePeer.region(), region);
        changePeer.changeType(ConfChangeType.get((short)change.ordinal())).peerId(peerId).storeId(storeId);
        return frame(changePeer.encodedLength());
    }

    byte[] regionChecksum(final long correlationId, final long regionId) {
        regionChecksum.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .regionId(regionId);
        return frame(regionChecksum.encodedLength());
    }

    byte[] locateRegion(final long correlationId, final byte[] storedKey) {
        locateRegion.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .putKey(storedKey, 0, storedKey.length);
        return frame(locateRegion.encodedLength());
    }

    /**
     * Rewrites the region context of an encoded region-scoped request in place (every such request carries it at
     * the same offset), so a request the cache moved to another region is resent as the same frame under its own
     * correlation id.
     */
    static void patchRegion(final byte[] frame, final RegionEpoch region) {
        LONG_LE.set(frame, REGION_OFFSET, region.regionId());
        LONG_LE.set(frame, REGION_OFFSET + Long.BYTES, region.confVer());
        LONG_LE.set(frame, REGION_OFFSET + 2 * Long.BYTES, region.version());
    }

    private static void region(final RegionContextEncoder encoder, final RegionEpoch region) {
        encoder.regionId(region.regionId()).confVer(region.confVer()).version(region.version());
    }

    private static BooleanType bool(final boolean value) {
        return value ? BooleanType.TRUE : BooleanType.FALSE;
    }

    private byte[] frame(final int bodyLength) {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        final byte[] frame = new byte[length];
        buffer.getBytes(0, frame, 0, length);
        if (buffer.capacity() > MAX_RETAINED_CAPACITY) {
            buffer = new ExpandableArrayBuffer(INITIAL_CAPACITY);
        }
        return frame;
    }
}
