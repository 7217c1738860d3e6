package io.tkv.raft.snapshot;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.exceptions.RegistrationException;
import io.tkv.codec.BooleanType;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.SnapshotChunkEncoder;
import io.tkv.codec.SnapshotChunkRequestEncoder;
import io.tkv.codec.SnapshotChunkStatus;
import io.tkv.codec.SnapshotDoneEncoder;
import io.tkv.codec.auth.ClusterKey;
import io.tkv.codec.auth.PeerFrameSealer;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The snapshot agent's outbound side: one exclusive publication per peer store on its snapshot stream (registered
 * asynchronously, so nothing blocks the agent), and the encoding of the three snapshot frames. An offer that is
 * back-pressured or finds the peer unconnected is not retried here: the pull protocol asks again after its
 * timeout, so a frame lost here costs one request timeout. Every frame is sealed under the cluster key
 * ({@link io.tkv.codec.auth.PeerFrames}); without a key, no store can be added.
 *
 * <p>Owned by the snapshot agent; not thread safe.
 */
final class SnapshotLinks implements AutoCloseable {
    private static final long NO_REGISTRATION = -1;

    /** One peer store's publication. */
    private static final class Link {
        final String channel;
        long registrationId = NO_REGISTRATION;
        ExclusivePublication publication;

        Link(final String channel) {
            this.channel = channel;
        }
    }

    private final Aeron aeron;
    private final SnapshotConfig config;
    private final Long2ObjectHashMap<Link> links = new Long2ObjectHashMap<>();
    private final UnsafeBuffer frame;
    private final PeerFrameSealer sealer;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final SnapshotChunkRequestEncoder requestEncoder = new SnapshotChunkRequestEncoder();
    private final SnapshotChunkEncoder chunkEncoder = new SnapshotChunkEncoder();
    private final SnapshotDoneEncoder doneEncoder = new SnapshotDoneEncoder();
    private long framesSent;
    private long framesNotSent;

    SnapshotLinks(final Aeron aeron, final SnapshotConfig config) {
        this.aeron = aeron;
        this.config = config;
        this.frame = new UnsafeBuffer(ByteBuffer.allocateDirect(config.maxFrameBytes()));
        this.sealer = config.clusterKey().isSet()
            ? new PeerFrameSealer(config.clusterKey().streamKey(ClusterKey.Stream.SNAPSHOT), config.incarnation())
            : null;
    }

    void addStore(final long storeId, final String endpoint) {
        if (sealer == null) {
            throw new IllegalStateException("no cluster key: this store cannot stream snapshots to store " + storeId);
        }
        final String channel = config.channelFor(endpoint);
        final Link existing = links.get(storeId);
        if (existing != null && existing.channel.equals(channel)) {
            return;
        }
        final Link old = links.put(storeId, new Link(channel));
        if (old != null) {
            CloseHelper.quietClose(old.publication);
        }
    }

    boolean request(final long toStoreId, final long snapshotId, final long regionId, final String fileName,
        final long offset, final int length) {
        requestEncoder.wrapAndApplyHeader(frame, 0, header)
            .clusterId(config.clusterId())
            .fromStoreId(config.storeId())
            .toStoreId(toStoreId)
            .snapshotId(snapshotId)
            .regionId(regionId)
            .fileOffset(offset)
            .length(length)
            .fileName(fileName);
        return offer(toStoreId, MessageHeaderEncoder.ENCODED_LENGTH + requestEncoder.encodedLength());
    }

    boolean chunk(final long toStoreId, final long snapshotId, final long regionId, final String fileName,
        final long offset, final SnapshotChunkStatus status, final DirectBuffer bytes, final int length) {
        chunkEncoder.wrapAndApplyHeader(frame, 0, header)
            .clusterId(config.clusterId())
            .fromStoreId(config.storeId())
            .toStoreId(toStoreId)
            .snapshotId(snapshotId)
            .regionId(regionId)
            .fileOffset(offset)
            .status(status)
            .fileName(fileName)
            .putBytes(bytes, 0, length);
        return offer(toStoreId, MessageHeaderEncoder.ENCODED_LENGTH + chunkEncoder.encodedLength());
    }

    boolean done(final long toStoreId, final long snapshotId, final long regionId, final long peerId,
        final boolean ok) {
        doneEncoder.wrapAndApplyHeader(frame, 0, header)
            .clusterId(config.clusterId())
            .fromStoreId(config.storeId())
            .toStoreId(toStoreId)
            .snapshotId(snapshotId)
            .regionId(regionId)
            .peerId(peerId)
            .ok(ok ? BooleanType.TRUE : BooleanType.FALSE);
        return offer(toStoreId, MessageHeaderEncoder.ENCODED_LENGTH + doneEncoder.encodedLength());
    }

    /** @return whether the store is one this store exchanges snapshots with. */
    boolean knows(final long storeId) {
        return links.containsKey(storeId);
    }

    /** Registers publications not yet made; call every duty cycle. @return work done. */
    int connect() {
        int work = 0;
        for (final Link link : links.values()) {
            if (link.publication == null && ensure(link)) {
                work++;
            }
        }
        return work;
    }

    long framesSent() {
        return framesSent;
    }

    long framesNotSent() {
        return framesNotSent;
    }

    private boolean offer(final long toStoreId, final int length) {
        final Link link = links.get(toStoreId);
        if (link == null || !ensure(link) || link.publication.offer(frame, 0, sealer.seal(frame, 0, length)) < 0) {
            framesNotSent++;
            return false;
        }
        framesSent++;
        return true;
    }

    private boolean ensure(final Link link) {
        if (link.publication != null) {
            return true;
        }
        if (link.registrationId == NO_REGISTRATION) {
            link.registrationId = aeron.asyncAddExclusivePublication(link.channel, config.streamId());
            return false;
        }
        try {
            link.publication = aeron.getExclusivePublication(link.registrationId);
        } catch (final RegistrationException ex) {
            link.registrationId = NO_REGISTRATION;
            return false;
        }
        if (link.publication != null) {
            link.registrationId = NO_REGISTRATION;
        }
        return link.publication != null;
    }

    @Override
    public void close() {
        for (final Link link : links.values()) {
            CloseHelper.quietClose(link.publication);
        }
        links.clear();
    }
}
