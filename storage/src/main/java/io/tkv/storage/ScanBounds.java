package io.tkv.storage;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.rocksdb.DirectSlice;
import org.rocksdb.ReadOptions;

/**
 * Reusable {@link ReadOptions} whose iterate lower and upper bounds are rewritten for each scan, so a scan
 * allocates no native slices or options.
 * <p>
 * RocksDB keeps a pointer to each bound's native {@code Slice}, and the slice points into our direct buffer; so
 * rewriting the buffer and the slice's length moves the bound in place. A bound too long for its buffer gets a
 * bigger buffer and a new slice. Single owner, like the store that holds it; the bounds must not change while an
 * iterator made with these options is open.
 */
final class ScanBounds implements AutoCloseable {
    private static final int INITIAL_CAPACITY = 256;

    private final ReadOptions readOptions = new ReadOptions();
    private final Bound lower = new Bound(true);
    private final Bound upper = new Bound(false);

    /**
     * Sets the bounds to the raw key range {@code [start, end)}; an empty end means the end of the raw key space.
     */
    void setRawRange(
        final DirectBuffer start, final int startOffset, final int startLength,
        final DirectBuffer end, final int endOffset, final int endLength) {
        lower.setRawKey(start, startOffset, startLength);
        if (endLength == 0) {
            upper.setKeySpaceEnd();
        } else {
            upper.setRawKey(end, endOffset, endLength);
        }
    }

    ReadOptions readOptions() {
        return readOptions;
    }

    @Override
    public void close() {
        // The options hold pointers to the slices: close them first.
        readOptions.close();
        lower.close();
        upper.close();
    }

    private final class Bound implements AutoCloseable {
        private final boolean isLower;
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        private ByteBuffer buffer;
        private DirectSlice slice;

        Bound(final boolean isLower) {
            this.isLower = isLower;
            allocate(INITIAL_CAPACITY);
        }

        void setRawKey(final DirectBuffer key, final int offset, final int length) {
            ensureCapacity(RawFormat.KEY_PREFIX_LENGTH + length);
            setLength(RawFormat.encodeKey(view, key, offset, length));
        }

        void setKeySpaceEnd() {
            view.putByte(0, RawFormat.KEY_SPACE_END);
            setLength(1);
        }

        private void setLength(final int length) {
            slice.setLength(length);
        }

        private void ensureCapacity(final int length) {
            if (length > buffer.capacity()) {
                final DirectSlice old = slice;
                allocate(Math.max(length, buffer.capacity() * 2));
                old.close();
            }
        }

        private void allocate(final int capacity) {
            buffer = ByteBuffer.allocateDirect(capacity);
            view.wrap(buffer);
            slice = new DirectSlice(buffer, 0);
            if (isLower) {
                readOptions.setIterateLowerBound(slice);
            } else {
                readOptions.setIterateUpperBound(slice);
            }
        }

        @Override
        public void close() {
            slice.close();
        }
    }
}
