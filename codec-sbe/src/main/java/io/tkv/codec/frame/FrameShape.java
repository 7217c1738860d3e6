package io.tkv.codec.frame;

/**
 * The structure of a message or repeating group after its fixed block: which var-length data fields and nested
 * groups follow, in order. It is all the {@link FrameValidator} needs to walk a frame and check every length
 * before any decoder reads it.
 */
public final class FrameShape {
    private final int minBlockLength;
    private final FrameShape[] parts;
    private final boolean data;
    private final int sinceVersion;

    private FrameShape(final int minBlockLength, final FrameShape[] parts, final boolean data, final int sinceVersion) {
        this.minBlockLength = minBlockLength;
        this.parts = parts;
        this.data = data;
        this.sinceVersion = sinceVersion;
    }

    /** Marker part: one var-length data field (uint32 length, then bytes). */
    public static final FrameShape DATA = new FrameShape(-1, new FrameShape[0], true, 0);

    /**
     * A var-length data field added in a later schema version: frames of older versions do not have it.
     *
     * @param sinceVersion the schema version that added it.
     * @return the part.
     */
    public static FrameShape dataSince(final int sinceVersion) {
        return new FrameShape(-1, new FrameShape[0], true, sinceVersion);
    }

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
        return new FrameShape(minBlockLength, parts.clone(), false, 0);
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
        return data;
    }

    /** @return true when frames of {@code version} carry this part. */
    boolean presentIn(final int version) {
        return version >= sinceVersion;
    }
}
