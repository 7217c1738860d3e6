package io.tkv.raft.transport;

import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RaftBatchDecoder;
import io.tkv.codec.RaftSnapshotDecoder;
import io.tkv.codec.auth.ClusterKey;
import io.tkv.codec.auth.PeerFrameVerifier;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.raft.core.RaftMessage;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.util.function.LongPredicate;

/**
 * The inbound side of store-to-store Raft traffic: polls this store's raft subscription and checks each frame before
 * anything in it is decoded — the routing prefix (this cluster, this store as the target, a sending store of the
 * cluster), then the authentication trailer ({@link io.tkv.codec.auth.PeerFrames}: the tag under the cluster key,
 * newer than anything accepted from that store), then the layout ({@link FrameValidator}: schema, version,
 * template, every length) — and decodes the messages for the {@link RaftMessageHandler}. A frame that fails any
 * check, or one the fault hook drops, never reaches Raft; each is counted. Nothing a peer sends can throw out of
 * {@link #poll}.
 *
 * <p>Owned by the raft agent; not thread safe.
 */
public final class RaftAdapter {
    private static final int CLUSTER_ID_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int FROM_STORE_OFFSET = CLUSTER_ID_OFFSET + Long.BYTES;
    private static final int TO_STORE_OFFSET = FROM_STORE_OFFSET + Long.BYTES;
    /** Fragmented frames assembled at once (one per sending store). */
    private static final int MAX_PARTIAL_FRAMES = 16;

    private final Subscription subscription;
    private final long clusterId;
    private final long storeId;
    private final FrameValidator validator;
    private final PeerFrameVerifier verifier;
    private final LongPredicate memberStores;
    private final TransportFaults faults;
    private final TransportCounters counters;
    private final RaftCodec codec = new RaftCodec();
    private final BoundedFragmentAssembler assembler;
    private final RaftMessageHandler relay = this::relay;
    private RaftMessageHandler handler;
    private String lastError = "";

    /**
     * @param subscription this store's raft stream.
     * @param config       concluded transport settings (cluster id, store id, group bounds).
     * @param memberStores which stores may send to this one (the other stores of the cluster).
     * @param faults       fault hook.
     * @param counters     where frames are counted.
     */
    public RaftAdapter(
        final Subscription subscription, final RaftTransportConfig config, final LongPredicate memberStores,
        final TransportFaults faults, final TransportCounters counters) {
        this.subscription = subscription;
        this.clusterId = config.conclude().clusterId();
        this.storeId = config.storeId();
        this.validator = Protocol.raftValidator(config.maxGroupEntries());
        this.verifier = new PeerFrameVerifier(
            config.clusterKey().isSet() ? config.clusterKey().streamKey(ClusterKey.Stream.RAFT) : null);
        this.memberStores = memberStores;
        // A peer with this store's term length sends at most a term / 8; anything larger is dropped unbuffered.
        this.assembler = new BoundedFragmentAssembler(this::onFragment, (prefix, offset, length, header) -> {
            counters.malformed().increment();
            lastError = "frame larger than " + config.maxFrameBytes() + " bytes";
        }, config.maxFrameBytes(), MAX_PARTIAL_FRAMES);
        this.faults = faults;
        this.counters = counters;
    }

    /**
     * Delivers what arrived, up to {@code fragmentLimit} fragments.
     *
     * @param messageHandler receives every decoded message.
     * @param fragmentLimit  most fragments to read.
     * @return fragments read.
     */
    public int poll(final RaftMessageHandler messageHandler, final int fragmentLimit) {
        handler = messageHandler;
        return subscription.poll(assembler, fragmentLimit);
    }

    /**
     * Checks and decodes one frame; public so tests and fuzzers can feed frames without a network.
     *
     * @param buffer         holding the frame.
     * @param offset         of its message header.
     * @param length         of the frame.
     * @param messageHandler receives every decoded message.
     * @return true if the frame was accepted and delivered.
     */
    public boolean onFrame(
        final DirectBuffer buffer, final int offset, final int length, final RaftMessageHandler messageHandler) {
        counters.framesReceived().increment();
        if (length < TO_STORE_OFFSET + Long.BYTES) {
            return malformed("frame too short for its routing fields");
        }
        final long frameCluster = buffer.getLong(offset + CLUSTER_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final long fromStore = buffer.getLong(offset + FROM_STORE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final long toStore = buffer.getLong(offset + TO_STORE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (frameCluster != clusterId || toStore != storeId) {
            counters.wrongCluster().increment();
            lastError = "frame of another cluster or for another store";
            return false;
        }
        if (fromStore == storeId || !memberStores.test(fromStore)) {
            counters.notMember().increment();
            lastError = "frame from a store not in this cluster";
            return false;
        }
        final int verified = verifier.verify(buffer, offset, length, fromStore);
        if (verified != PeerFrameVerifier.OK) {
            if (verified == PeerFrameVerifier.REPLAYED) {
                counters.replayed().increment();
            } else {
                counters.unauthenticated().increment();
            }
            // Constant strings only: a flood of forged frames must not cost an allocation each.
            lastError = PeerFrameVerifier.describe(verified);
            return false;
        }
        final int frameLength = PeerFrameVerifier.payloadLength(length);
        if (validator.validate(buffer, offset, frameLength) != FrameValidator.VALID) {
            return malformed(validator.lastError());
        }
        if (faults.dropInbound(fromStore)) {
            counters.faultDropped().increment();
            return false;
        }
        handler = messageHandler;
        messageHandler.onFrame(fromStore);
        try {
            if (validator.templateId() == RaftBatchDecoder.TEMPLATE_ID) {
                codec.decodeBatch(buffer, offset, validator.blockLength(), validator.version(), fromStore, relay);
            } else if (validator.templateId() == RaftSnapshotDecoder.TEMPLATE_ID) {
                relay.onMessage(fromStore,
                    codec.decodeSnapshot(buffer, offset, validator.blockLength(), validator.version()));
            } else {
                return malformed("template " + validator.templateId() + " is not a raft frame");
            }
            return true;
        } catch (final MalformedRaftFrameException ex) {
            return malformed(ex.getMessage());
        }
    }

    /** @return why the last frame was refused, or the empty string. */
    public String lastError() {
        return lastError;
    }

    private void relay(final long fromStoreId, final RaftMessage message) {
        counters.messagesReceived().increment();
        handler.onMessage(fromStoreId, message);
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        onFrame(buffer, offset, length, handler);
    }

    private boolean malformed(final String reason) {
        counters.malformed().increment();
        lastError = reason;
        return false;
    }
}
