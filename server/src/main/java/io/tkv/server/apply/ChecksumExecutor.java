package io.tkv.server.apply;

import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.RegionChecksumDecoder;
import io.tkv.codec.RegionChecksumResponseEncoder;
import io.tkv.codec.Status;
import io.tkv.storage.KeyRange;
import io.tkv.storage.RegionChecksum;
import io.tkv.storage.StorageEngine;

/**
 * Answers an admin session's RegionChecksum on the apply agent, between two entries, so the hash is of the state
 * at exactly the applied index it reports. Single-threaded (the apply agent's).
 */
final class ChecksumExecutor {
    private final StorageEngine engine;
    private final PendingReplies replies;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RegionChecksumResponseEncoder reply = new RegionChecksumResponseEncoder();

    ChecksumExecutor(final StorageEngine engine, final PendingReplies replies) {
        this.engine = engine;
        this.replies = replies;
    }

    /** Hashes the region over its range (staged writes committed first) and holds the reply for the session. */
    void execute(final long regionId, final KeyRange range, final int slot, final int generation,
        final long correlationId) {
        final RegionChecksum.Result result = RegionChecksum.compute(engine, regionId, range);
        reply.wrapAndApplyHeader(replies.buffer(), replies.position(), header)
            .correlationId(correlationId)
            .status(Status.OK)
            .regionId(regionId)
            .appliedIndex(result.appliedIndex())
            .checksum(result.checksum())
            .keys(result.keys())
            .errorMessage("");
        replies.commit(slot, generation, MessageHeaderEncoder.ENCODED_LENGTH + reply.encodedLength(), false);
    }

    /** Answers the request with an error (the store failed). */
    void fail(final int slot, final int generation, final long correlationId, final String message) {
        replies.commitError(slot, generation, correlationId, Status.INTERNAL_ERROR, RegionChecksumDecoder.TEMPLATE_ID,
            message);
    }
}
