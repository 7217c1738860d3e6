package io.tkv.codec.frame;

import java.util.Arrays;

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
    /** Pairs (version, block length): from that version on, the fixed block is at least that long. */
    private final int[] laterBlockLengths;

    private FrameShape(
        final int minBlockLength, final FrameShape[] parts, final boolean data, final int sinceVersion,
        final int[] laterBlockLengths) {
        this.minBlockLength = minBlockLength;
        this.parts = parts;
        this.data = data;
        this.sinceVersion = sinceVersion;
        this.laterBlockLengths = laterBlockLengths;
    }

    /** Marker part: one var-length data field (uint32 length, then bytes). */
    public static final FrameShape DATA = new FrameShape(-1, new FrameShape[0], true, 0, new int[0]);

    /**
     * A var-length data field added in a later schema version: frames of older versions do not have it.
     *
     * @param sinceVersion the schema version that added it.
     * @return the part.
     */
    public static FrameShape dataSince(final int sinceVersion) {
        return new FrameShape(-1, new FrameShape[0], true, sinceVersion, new int[0]);
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
        return new FrameShape(minBlockLength, parts.clone(), false, 0, new int[0]);
    }

    /**
     * The fixed block grew in {@code version}: a frame that says it is of that version or later must have a block of
     * at least {@code blockLength}, or a decoder would read the new fields from the bytes after the block (SBE decoders
     * trust the version for which fields exist, and the block length for where the block ends).
     *
     * @param version     the schema version that added fields to the block.
     * @param blockLength the block length of that version.
     * @return a new shape with the rule added.
     */
    public FrameShape since(final int version, final int blockLength) {
        if (data || blockLength < minBlockLength(version)) {
            throw new IllegalArgumentException("a block only grows: " + blockLength + " at version " + version);
        }
        final int[] later = Arrays.copyOf(laterBlockLengths, laterBlockLengths.length + 2);
        later[later.length - 2] = version;
        later[later.length - 1] = blockLength;
        return new FrameShape(minBlockLength, parts, false, sinceVersion, later);
    }

    /** @return the shortest block a frame of {@code version} may declare. */
    int minBlockLength(final int version) {
        int length = minBlockLength;
        for (int i = 0; i < laterBlockLengths.length; i += 2) {
            if (version >= laterBlockLengths[i]) {
                length = Math.max(length, laterBlockLengths[i + 1]);
            }
        }
        return length;
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
