package io.tkv.codec.frame;

/**
 * The structure of a message or repeating group after its fixed block: which var-length data fields and nested
 * groups follow, in order. It is all the {@link FrameValidator} needs to walk a frame and check every length
 * before any decoder reads it.
 */
public final class FrameShape {
    private final int minBlockLength;
    private final FrameShape[] parts;

    private FrameShape(final int minBlockLength, final FrameShape[] parts) {
        this.minBlockLength = minBlockLength;
        this.parts = parts;
    }

    /** Marker part: one var-length data field (uint32 length, then bytes). */
    public static final FrameShape DATA = new FrameShape(-1, new FrameShape[0]);

    /**
     * A message or group shape.
     *
     * @param minBlockLength the fixed block length of the oldest schema version this shape accepts.
     * @param parts          {@link #DATA} for each var-length field and a nested shape for each group, in order.
     * @return the shape.
     */
    public static FrameShape of(final int minBlockLength, final FrameShape... parts) {
        if (minBlockLength < 0) {
            throw new IllegalArgumentException("minBlockLength < 0: " + minBlockLength);
        }
        return new FrameShape(minBlockLength, parts.clone());
    }

    int minBlockLength() {
        return minBlockLength;
    }

    int partCount() {
        return parts.length;
    }

    FrameShape part(final int index) {
        return parts[index];
    }

    boolean isData() {
        return this == DATA;
    }
}
