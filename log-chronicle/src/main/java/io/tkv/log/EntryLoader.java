package io.tkv.log;

import org.agrona.ExpandableArrayBuffer;

/**
 * The log's read path: loads entry records back from the queue by their queue index, checks each is the entry the
 * index says (kind, region, Raft index, CRC), and hands them to an {@link EntryReader}. Owner thread only, like the
 * log: one read buffer, valid during each {@link EntryReader#onEntry} call.
 */
final class EntryLoader {
    private final LogQueue queue;
    private final RecordCodec codec;
    private final ExpandableArrayBuffer readBuffer;

    EntryLoader(final LogQueue queue, final RecordCodec codec, final ExpandableArrayBuffer readBuffer) {
        this.queue = queue;
        this.codec = codec;
        this.readBuffer = readBuffer;
    }

    /**
     * Reads the region's entries of {@code [fromIndex, toIndexExclusive)} (the caller checked they are held) in
     * order, stopping before the entry that would take the payload bytes past {@code maxBytes} (but always at least
     * one entry).
     *
     * @return how many entries were read.
     * @throws RaftLogException if a record cannot be read back or is not what the index says.
     */
    int read(
        final RegionLog region, final long fromIndex, final long toIndexExclusive, final int maxBytes,
        final EntryReader reader) {
        int count = 0;
        long bytes = 0;
        for (long index = fromIndex; index < toIndexExclusive; index++) {
            load(region, index);
            final int length = RecordCodec.payloadLength(readBuffer);
            if (count > 0 && bytes + length > maxBytes) {
                break;
            }
            reader.onEntry(region.regionId(), index, RecordCodec.b(readBuffer), RecordCodec.entryType(readBuffer),
                readBuffer, RecordCodec.PAYLOAD_OFFSET, length);
            bytes += length;
            count++;
        }
        return count;
    }

    private void load(final RegionLog region, final long index) {
        final long queueIndex = region.queueIndex(index);
        final int length;
        try {
            length = queue.read(queueIndex, readBuffer);
        } catch (final RuntimeException ex) {
            throw new RaftLogException("cannot read entry " + index + " of region " + region.regionId()
                + " at queue index " + Long.toHexString(queueIndex) + ": " + ex, ex);
        }
        if (length < 0) {
            throw new RaftLogException("entry " + index + " of region " + region.regionId()
                + " is missing from the queue at index " + Long.toHexString(queueIndex));
        }
        if (codec.validate(readBuffer, length) != RecordKind.ENTRY
            || RecordCodec.regionId(readBuffer) != region.regionId() || RecordCodec.a(readBuffer) != index) {
            throw new RaftLogException("the record at queue index " + Long.toHexString(queueIndex)
                + " is not entry " + index + " of region " + region.regionId() + " or is corrupt");
        }
    }
}
