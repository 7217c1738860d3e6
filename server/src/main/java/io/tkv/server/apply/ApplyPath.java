package io.tkv.server.apply;

import io.tkv.storage.RawKvStore;
import org.agrona.DirectBuffer;

/**
 * The apply agent's work for one request — decode the frame, run it against RocksDB, encode the reply — without
 * the queue, the WAL sync or the network. For the JMH apply-path benchmark and for tests that check replies
 * byte for byte. Single-threaded.
 */
public final class ApplyPath {
    private final PendingReplies replies = new PendingReplies();
    private final RawCommandExecutor executor;

    /**
     * @param store         the RawKV state machine.
     * @param maxReplyBytes the largest reply frame.
     */
    public ApplyPath(final RawKvStore store, final int maxReplyBytes) {
        this.executor = new RawCommandExecutor(store, replies, maxReplyBytes);
    }

    /**
     * Applies one validated request frame; its reply is then at offset 0 of {@link #reply()}.
     *
     * @return the reply's length.
     */
    public int apply(final int templateId, final DirectBuffer frame, final int offset) {
        replies.clear();
        executor.execute(templateId, frame, offset, 0, 0);
        return replies.position();
    }

    /** @return the buffer holding the last reply, at offset 0. */
    public DirectBuffer reply() {
        return replies.buffer();
    }
}
