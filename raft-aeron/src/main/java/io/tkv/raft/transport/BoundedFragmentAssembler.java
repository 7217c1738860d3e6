package io.tkv.raft.transport;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayDeque;

/**
 * Reassembles fragmented Aeron messages, as Aeron's {@code FragmentAssembler} does, but within bounds, since the
 * sender chooses its publication's term length and so how large a message (a term / 8) it may send: a message whose
 * fragments add up to more than {@code maxMessageLength} is dropped as it arrives — never buffered — and reported
 * once to an {@link OversizeHandler} with its first bytes (enough for a header and a correlation id); at most
 * {@code maxPartialMessages} messages are assembled at once (one per sending session), the oldest partial one giving
 * way to a new one; buffers go back to a small pool when a message completes. So one sender, or many, can make it
 * hold at most {@code maxPartialMessages x maxMessageLength} bytes, whatever they send. (Aeron's own assembler keeps a
 * buffer per session for ever, grown to the largest message that session sent.)
 *
 * <p>Not thread safe: one per subscription poller.
 */
public final class BoundedFragmentAssembler implements FragmentHandler {
    /** Told about a message dropped for its size. */
    @FunctionalInterface
    public interface OversizeHandler {
        /**
         * @param prefix       the message's first bytes.
         * @param offset       where they start in {@code prefix}.
         * @param prefixLength how many there are (at most {@link #PREFIX_LENGTH}).
         * @param header       the Aeron header of the fragment that crossed the limit.
         */
        void onOversize(DirectBuffer prefix, int offset, int prefixLength, Header header);
    }

    /** Bytes of an oversized message handed to the {@link OversizeHandler}. */
    public static final int PREFIX_LENGTH = 64;

    private static final int POOL_SIZE = 4;

    /** One message being assembled. */
    private static final class Partial {
        final int sessionId;
        final long startedSequence;
        ExpandableDirectByteBuffer buffer;
        int length;

        Partial(final int sessionId, final long startedSequence, final ExpandableDirectByteBuffer buffer) {
            this.sessionId = sessionId;
            this.startedSequence = startedSequence;
            this.buffer = buffer;
        }
    }

    private final FragmentHandler delegate;
    private final OversizeHandler oversize;
    private final int maxMessageLength;
    private final int maxPartialMessages;
    private final Int2ObjectHashMap<Partial> partials = new Int2ObjectHashMap<>();
    private final ArrayDeque<ExpandableDirectByteBuffer> pool = new ArrayDeque<>(POOL_SIZE);
    private long sequence;
    private long oversized;
    private long evicted;

    /**
     * @param delegate           gets every whole message of at most {@code maxMessageLength} bytes.
     * @param oversize           told once of each message dropped for its size.
     * @param maxMessageLength   the largest message passed on.
     * @param maxPartialMessages how many messages may be assembled at once.
     */
    public BoundedFragmentAssembler(
        final FragmentHandler delegate, final OversizeHandler oversize, final int maxMessageLength,
        final int maxPartialMessages) {
        if (maxMessageLength < PREFIX_LENGTH || maxPartialMessages < 1) {
            throw new IllegalArgumentException("bad bounds: " + maxMessageLength + ", " + maxPartialMessages);
        }
        this.delegate = delegate;
        this.oversize = oversize;
        this.maxMessageLength = maxMessageLength;
        this.maxPartialMessages = maxPartialMessages;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        final byte flags = header.flags();
        if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED) {
            if (length > maxMessageLength) {
                oversized++;
                oversize.onOversize(buffer, offset, Math.min(length, PREFIX_LENGTH), header);
            } else {
                delegate.onFragment(buffer, offset, length, header);
            }
            return;
        }
        final int sessionId = header.sessionId();
        final boolean end = (flags & FrameDescriptor.END_FRAG_FLAG) == FrameDescriptor.END_FRAG_FLAG;
        Partial partial = partials.get(sessionId);
        if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) == FrameDescriptor.BEGIN_FRAG_FLAG) {
            if (partial != null) {
                // A new message from a session whose last one never ended: that one is lost (Aeron does the same).
                release(partial);
            }
            partial = begin(sessionId);
        } else if (partial == null || partial.buffer == null) {
            // The rest of a message dropped for its size, or of one whose beginning was never seen (or evicted).
            if (partial != null && end) {
                release(partial);
            }
            return;
        }
        if ((long)partial.length + length > maxMessageLength) {
            oversized++;
            if (partial.length > 0) {
                oversize.onOversize(partial.buffer, 0, Math.min(partial.length, PREFIX_LENGTH), header);
            } else {
                oversize.onOversize(buffer, offset, Math.min(length, PREFIX_LENGTH), header);
            }
            if (end) {
                release(partial);
            } else {
                discard(partial);
            }
            return;
        }
        partial.buffer.putBytes(partial.length, buffer, offset, length);
        partial.length += length;
        if (end) {
            try {
                delegate.onFragment(partial.buffer, 0, partial.length, header);
            } finally {
                release(partial);
            }
        }
    }

    private Partial begin(final int sessionId) {
        if (partials.size() >= maxPartialMessages) {
            Partial oldest = null;
            for (final Partial candidate : partials.values()) {
                if (oldest == null || candidate.startedSequence < oldest.startedSequence) {
                    oldest = candidate;
                }
            }
            evicted++;
            release(oldest);
        }
        final ExpandableDirectByteBuffer buffer = pool.isEmpty() ? new ExpandableDirectByteBuffer(4096) : pool.poll();
        final Partial partial = new Partial(sessionId, sequence++, buffer);
        partials.put(sessionId, partial);
        return partial;
    }

    /** The message is over: forget it and keep its buffer, if small, for the next. */
    private void release(final Partial partial) {
        partials.remove(partial.sessionId);
        recycle(partial);
    }

    /** Too large: its buffer goes now; the session stays marked until the message's last fragment passes. */
    private void discard(final Partial partial) {
        recycle(partial);
    }

    private void recycle(final Partial partial) {
        // Only buffers that stayed small go back to the pool: one grown towards the limit is left to the collector.
        if (partial.buffer != null && pool.size() < POOL_SIZE && partial.buffer.capacity() <= 64 * 1024) {
            pool.add(partial.buffer);
        }
        partial.buffer = null;
        partial.length = 0;
    }

    /** @return messages dropped for their size. */
    public long oversized() {
        return oversized;
    }

    /** @return partial messages dropped to make room for a new one. */
    public long evicted() {
        return evicted;
    }

    /** @return messages being assembled now. */
    public int partialMessages() {
        return partials.size();
    }
}
