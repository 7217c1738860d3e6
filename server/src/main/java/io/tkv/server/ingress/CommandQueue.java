package io.tkv.server.ingress;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The hand-over from the raft agent to the apply agent: a one-to-one ring buffer of two kinds of record, in the
 * order Raft decided them.
 *
 * <pre>
 *   ENTRY  regionId:8 index:8 term:8 entryType:4 slot:4 generation:4 | entry data
 *          (a committed entry; slot/generation name the session to answer, generation 0 = nobody)
 *   READ   regionId:8 slot:4 generation:4 | request frame
 *          (a read whose read index every ENTRY before it covers)
 *   INGEST regionId:8 index:8 term:8 | snapshot data
 *          (a snapshot from the leader to install; the ENTRY records after it continue from index + 1)
 *   CHECKSUM regionId:8 slot:4 generation:4 correlationId:8
 *          (an admin session's RegionChecksum: hashed between the entries before it and those after)
 * </pre>
 * All little-endian. Data is copied once, into the ring; the apply agent decodes it in place.
 */
public final class CommandQueue {
    /** Record type of a committed entry. */
    public static final int ENTRY = 1;
    /** Record type of a read. */
    public static final int READ = 2;
    /** Record type of a snapshot to install. */
    public static final int INGEST = 3;
    /** Record type of a region checksum request. */
    public static final int CHECKSUM = 4;
    /** Length of a CHECKSUM record, and its offsets. */
    public static final int CHECKSUM_LENGTH = 24;
    public static final int CHECKSUM_REGION = 0;
    public static final int CHECKSUM_SLOT = 8;
    public static final int CHECKSUM_GENERATION = 12;
    public static final int CHECKSUM_CORRELATION_ID = 16;
    /** Bytes before the snapshot data in an INGEST record. */
    public static final int INGEST_HEADER_LENGTH = 24;
    /** Offsets in an INGEST record. */
    public static final int INGEST_REGION = 0;
    public static final int INGEST_INDEX = 8;
    public static final int INGEST_TERM = 16;
    /** Bytes before the data in an ENTRY record. */
    public static final int ENTRY_HEADER_LENGTH = 36;
    /** Bytes before the frame in a READ record. */
    public static final int READ_HEADER_LENGTH = 16;
    /** Offsets in an ENTRY record. */
    public static final int ENTRY_REGION = 0;
    public static final int ENTRY_INDEX = 8;
    public static final int ENTRY_TERM = 16;
    public static final int ENTRY_TYPE = 24;
    public static final int ENTRY_SLOT = 28;
    public static final int ENTRY_GENERATION = 32;
    /** Offsets in a READ record. */
    public static final int READ_REGION = 0;
    public static final int READ_SLOT = 8;
    public static final int READ_GENERATION = 12;

    private final RingBuffer ring;

    /** @param capacityBytes a power of two. */
    public CommandQueue(final int capacityBytes) {
        final int length = capacityBytes + RingBufferDescriptor.TRAILER_LENGTH;
        ring = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(length)));
    }

    /**
     * Offers a committed entry. Raft agent only.
     *
     * @return false when the ring is full (the driver offers it again next cycle).
     * @throws IllegalArgumentException if the entry can never fit a record.
     */
    public boolean offerEntry(
        final long regionId, final long index, final long term, final int entryType, final int slot,
        final int generation, final DirectBuffer data, final int offset, final int length) {
        final int index0 = claim(ENTRY, ENTRY_HEADER_LENGTH + length);
        if (index0 <= 0) {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index0 + ENTRY_REGION, regionId, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index0 + ENTRY_INDEX, index, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index0 + ENTRY_TERM, term, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(index0 + ENTRY_TYPE, entryType, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(index0 + ENTRY_SLOT, slot, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(index0 + ENTRY_GENERATION, generation, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(index0 + ENTRY_HEADER_LENGTH, data, offset, length);
        ring.commit(index0);
        return true;
    }

    /**
     * Offers a read. Raft agent only.
     *
     * @return false when the ring is full.
     */
    public boolean offerRead(
        final long regionId, final int slot, final int generation, final DirectBuffer frame, final int offset,
        final int length) {
        final int index0 = claim(READ, READ_HEADER_LENGTH + length);
        if (index0 <= 0) {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index0 + READ_REGION, regionId, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(index0 + READ_SLOT, slot, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(index0 + READ_GENERATION, generation, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(index0 + READ_HEADER_LENGTH, frame, offset, length);
        ring.commit(index0);
        return true;
    }

    /**
     * Offers a snapshot to install. Raft agent only.
     *
     * @return false when the ring is full (the driver offers it again next cycle).
     */
    public boolean offerIngest(final long regionId, final long index, final long term, final byte[] data) {
        final int index0 = claim(INGEST, INGEST_HEADER_LENGTH + data.length);
        if (index0 <= 0) {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index0 + INGEST_REGION, regionId, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index0 + INGEST_INDEX, index, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index0 + INGEST_TERM, term, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(index0 + INGEST_HEADER_LENGTH, data);
        ring.commit(index0);
        return true;
    }

    /**
     * Offers a region checksum request of an admin session. Raft agent only.
     *
     * @return false when the ring is full.
     */
    public boolean offerChecksum(final long regionId, final int slot, final int generation, final long correlationId) {
        final int index0 = claim(CHECKSUM, CHECKSUM_LENGTH);
        if (index0 <= 0) {
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index0 + CHECKSUM_REGION, regionId, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(index0 + CHECKSUM_SLOT, slot, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(index0 + CHECKSUM_GENERATION, generation, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index0 + CHECKSUM_CORRELATION_ID, correlationId, ByteOrder.LITTLE_ENDIAN);
        ring.commit(index0);
        return true;
    }

    private int claim(final int type, final int length) {
        if (length > ring.maxMsgLength()) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds the ring's limit of "
                + ring.maxMsgLength());
        }
        return ring.tryClaim(type, length);
    }

    /** @return the largest record the ring takes. */
    public int maxRecordLength() {
        return ring.maxMsgLength();
    }

    /**
     * Reads up to {@code limit} records. Apply agent only.
     *
     * @return the number read.
     */
    public int drain(final MessageHandler handler, final int limit) {
        return ring.read(handler, limit);
    }

    /** @return bytes waiting to be applied. */
    public int size() {
        return ring.size();
    }
}
