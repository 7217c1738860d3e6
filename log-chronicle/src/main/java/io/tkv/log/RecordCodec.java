package io.tkv.log;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * The byte layout of the log's records: one Chronicle document per record, written as raw little-endian bytes
 * (no Wire field names, no reflection), ending in a CRC32C over everything before it.
 *
 * <pre>
 *   0  byte  kind ({@link RecordKind#code()})      16 long region id (0 for OPEN and CLOSE)
 *   1  byte  layout version (2; 1 is still read)   24 long a   \
 *   2  short sync lag (version 1: reserved, 0)     32 long b    | meaning depends on the kind, see below
 *   4  int   entry type (ENTRY), kept-suffix flag  40 long c    |
 *            (COMPACT), else 0                     48 long d    |
 *   8  long  record sequence number                56 long e    |
 *                                                  64 long f   /
 *   ENTRY       a=index b=term, then int payload length at 40 and the payload at 44
 *   TRUNCATE    a=first index discarded
 *   HARD_STATE  a=term b=vote c=commit
 *   COMPACT     a=index b=term
 *   REMOVE      (nothing)
 *   CHECKPOINT  a=compacted index b=compacted term c=last index d=hard term e=hard vote f=hard commit
 *   OPEN        a=first queue index the recovery before it did not use b=wall clock ms
 *   CLOSE       a=wall clock ms
 *   then        int CRC32C of all bytes before it
 * </pre>
 * The sequence number counts every record the log ever used, one by one; recovery checks it to notice records
 * that vanished without a trace (for example a header whose bits turned it into Chronicle metadata).
 * <p>
 * The <b>sync lag</b> says how many records were written after the last completed sync and before this one: the
 * record with sequence number {@code seq - 1 - lag} and every record before it were durable when this one was
 * written ({@link #syncedSeq}). {@link #SYNC_LAG_UNKNOWN} (a lag too long to count, no completed sync known, or a
 * version 1 record) says nothing. Recovery uses it to tell a torn tail from damage to synced records: see
 * {@link LogRecovery}.
 * <p>
 * Not thread safe: it holds one reusable {@link CRC32C}.
 */
final class RecordCodec {
    /** The layout this code writes. */
    static final byte VERSION = 2;
    /** The layout before the sync lag: its records are read, their lag is unknown. */
    static final byte VERSION_1 = 1;
    /** A sync lag that says nothing about which records were durable. */
    static final int SYNC_LAG_UNKNOWN = 0xFFFF;
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    static final int KIND_OFFSET = 0;
    static final int VERSION_OFFSET = 1;
    static final int SYNC_LAG_OFFSET = 2;
    static final int TYPE_OFFSET = 4;
    static final int SEQ_OFFSET = 8;
    static final int REGION_OFFSET = 16;
    static final int A_OFFSET = 24;
    static final int B_OFFSET = 32;
    static final int C_OFFSET = 40;
    static final int D_OFFSET = 48;
    static final int E_OFFSET = 56;
    static final int F_OFFSET = 64;
    static final int PAYLOAD_LENGTH_OFFSET = 40;
    static final int PAYLOAD_OFFSET = 44;
    static final int CRC_BYTES = 4;
    /** Bytes an entry record adds to its payload. */
    static final int ENTRY_OVERHEAD_BYTES = PAYLOAD_OFFSET + CRC_BYTES;
    /** The shortest record there is (REMOVE_REGION). */
    static final int MIN_RECORD_BYTES = A_OFFSET + CRC_BYTES;

    private final CRC32C crc = new CRC32C();

    int encodeEntry(
        final ExpandableArrayBuffer dst, final long seq, final long syncedSeq, final long regionId, final long index,
        final long term, final int entryType, final DirectBuffer payload, final int offset, final int length) {
        header(dst, RecordKind.ENTRY, entryType, seq, syncedSeq, regionId);
        dst.putLong(A_OFFSET, index, ORDER);
        dst.putLong(B_OFFSET, term, ORDER);
        dst.putInt(PAYLOAD_LENGTH_OFFSET, length, ORDER);
        if (length > 0) {
            dst.putBytes(PAYLOAD_OFFSET, payload, offset, length);
        }
        return seal(dst, PAYLOAD_OFFSET + length);
    }

    int encodeTruncate(
        final ExpandableArrayBuffer dst, final long seq, final long syncedSeq, final long regionId,
        final long fromIndex) {
        header(dst, RecordKind.TRUNCATE, 0, seq, syncedSeq, regionId);
        dst.putLong(A_OFFSET, fromIndex, ORDER);
        return seal(dst, B_OFFSET);
    }

    int encodeHardState(
        final ExpandableArrayBuffer dst, final long seq, final long syncedSeq, final long regionId, final long term,
        final long vote, final long commit) {
        header(dst, RecordKind.HARD_STATE, 0, seq, syncedSeq, regionId);
        dst.putLong(A_OFFSET, term, ORDER);
        dst.putLong(B_OFFSET, vote, ORDER);
        dst.putLong(C_OFFSET, commit, ORDER);
        return seal(dst, D_OFFSET);
    }

    int encodeCompact(
        final ExpandableArrayBuffer dst, final long seq, final long syncedSeq, final long regionId, final long index,
        final long term, final boolean keptSuffix) {
        header(dst, RecordKind.COMPACT, keptSuffix ? 1 : 0, seq, syncedSeq, regionId);
        dst.putLong(A_OFFSET, index, ORDER);
        dst.putLong(B_OFFSET, term, ORDER);
        return seal(dst, C_OFFSET);
    }

    int encodeRemove(final ExpandableArrayBuffer dst, final long seq, final long syncedSeq, final long regionId) {
        header(dst, RecordKind.REMOVE_REGION, 0, seq, syncedSeq, regionId);
        return seal(dst, A_OFFSET);
    }

    int encodeCheckpoint(
        final ExpandableArrayBuffer dst, final long seq, final long syncedSeq, final RegionLog region) {
        header(dst, RecordKind.CHECKPOINT, 0, seq, syncedSeq, region.regionId());
        dst.putLong(A_OFFSET, region.compactedIndex(), ORDER);
        dst.putLong(B_OFFSET, region.compactedTerm(), ORDER);
        dst.putLong(C_OFFSET, region.lastIndex(), ORDER);
        dst.putLong(D_OFFSET, region.hardTerm(), ORDER);
        dst.putLong(E_OFFSET, region.hardVote(), ORDER);
        dst.putLong(F_OFFSET, region.hardCommit(), ORDER);
        return seal(dst, F_OFFSET + Long.BYTES);
    }

    int encodeOpen(
        final ExpandableArrayBuffer dst, final long seq, final long syncedSeq, final long endQueueIndex,
        final long nowMs) {
        header(dst, RecordKind.OPEN, 0, seq, syncedSeq, 0);
        dst.putLong(A_OFFSET, endQueueIndex, ORDER);
        dst.putLong(B_OFFSET, nowMs, ORDER);
        return seal(dst, C_OFFSET);
    }

    int encodeClose(final ExpandableArrayBuffer dst, final long seq, final long syncedSeq, final long nowMs) {
        header(dst, RecordKind.CLOSE, 0, seq, syncedSeq, 0);
        dst.putLong(A_OFFSET, nowMs, ORDER);
        return seal(dst, B_OFFSET);
    }

    /**
     * Checks that {@code length} bytes at the start of {@code src} are one whole, undamaged record.
     *
     * @param src    the record's bytes, from offset 0.
     * @param length the Chronicle document's length.
     * @return the record's kind, or null if the bytes are not a valid record (torn, corrupt, unknown).
     */
    RecordKind validate(final ExpandableArrayBuffer src, final int length) {
        if (length < MIN_RECORD_BYTES) {
            return null;
        }
        final RecordKind kind = RecordKind.of(src.getByte(KIND_OFFSET));
        if (kind == null || !knownLayout(src, kind)) {
            return null;
        }
        final int bodyLength;
        if (kind == RecordKind.ENTRY) {
            if (length < ENTRY_OVERHEAD_BYTES) {
                return null;
            }
            final int payloadLength = src.getInt(PAYLOAD_LENGTH_OFFSET, ORDER);
            if (payloadLength < 0 || payloadLength > length - ENTRY_OVERHEAD_BYTES) {
                return null;
            }
            bodyLength = PAYLOAD_OFFSET + payloadLength;
        } else {
            bodyLength = bodyLength(kind);
        }
        if (bodyLength + CRC_BYTES != length) {
            return null;
        }
        crc.reset();
        crc.update(src.byteArray(), 0, bodyLength);
        return (int) crc.getValue() == src.getInt(bodyLength, ORDER) ? kind : null;
    }

    /** Version 2, or version 1 with its reserved bytes zero and a kind it knew. */
    private static boolean knownLayout(final ExpandableArrayBuffer src, final RecordKind kind) {
        final byte version = src.getByte(VERSION_OFFSET);
        if (version == VERSION) {
            return true;
        }
        return version == VERSION_1 && src.getShort(SYNC_LAG_OFFSET, ORDER) == 0 && kind != RecordKind.CLOSE;
    }

    private static int bodyLength(final RecordKind kind) {
        switch (kind) {
            case TRUNCATE:
            case CLOSE:
                return B_OFFSET;
            case HARD_STATE:
                return D_OFFSET;
            case COMPACT:
            case OPEN:
                return C_OFFSET;
            case REMOVE_REGION:
                return A_OFFSET;
            case CHECKPOINT:
                return F_OFFSET + Long.BYTES;
            default:
                throw new IllegalArgumentException("no fixed length for " + kind);
        }
    }

    static int entryType(final DirectBuffer src) {
        return src.getInt(TYPE_OFFSET, ORDER);
    }

    static long seq(final DirectBuffer src) {
        return src.getLong(SEQ_OFFSET, ORDER);
    }

    /**
     * @param src a valid record.
     * @return the sequence number of the last record a completed sync had made durable when this one was written
     *         (every record before it was durable too), or -1 if the record does not say.
     */
    static long syncedSeq(final DirectBuffer src) {
        final int lag = src.getShort(SYNC_LAG_OFFSET, ORDER) & 0xFFFF;
        if (src.getByte(VERSION_OFFSET) == VERSION_1 || lag == SYNC_LAG_UNKNOWN) {
            return -1;
        }
        return seq(src) - 1 - lag;
    }

    static long regionId(final DirectBuffer src) {
        return src.getLong(REGION_OFFSET, ORDER);
    }

    static long a(final DirectBuffer src) {
        return src.getLong(A_OFFSET, ORDER);
    }

    static long b(final DirectBuffer src) {
        return src.getLong(B_OFFSET, ORDER);
    }

    static long c(final DirectBuffer src) {
        return src.getLong(C_OFFSET, ORDER);
    }

    static long d(final DirectBuffer src) {
        return src.getLong(D_OFFSET, ORDER);
    }

    static long e(final DirectBuffer src) {
        return src.getLong(E_OFFSET, ORDER);
    }

    static long f(final DirectBuffer src) {
        return src.getLong(F_OFFSET, ORDER);
    }

    static int payloadLength(final DirectBuffer src) {
        return src.getInt(PAYLOAD_LENGTH_OFFSET, ORDER);
    }

    /**
     * @param syncedSeq the sequence number of the last record a completed sync covered, -1 if none is known.
     */
    private static void header(
        final ExpandableArrayBuffer dst, final RecordKind kind, final int type, final long seq, final long syncedSeq,
        final long regionId) {
        final long lag = seq - 1 - syncedSeq;
        dst.putByte(KIND_OFFSET, kind.code());
        dst.putByte(VERSION_OFFSET, VERSION);
        // A lag that does not fit, or a synced record not before this one (a caller's bug), must not claim anything.
        dst.putShort(SYNC_LAG_OFFSET,
            (short) (syncedSeq < 0 || lag < 0 || lag >= SYNC_LAG_UNKNOWN ? SYNC_LAG_UNKNOWN : lag), ORDER);
        dst.putInt(TYPE_OFFSET, type, ORDER);
        dst.putLong(SEQ_OFFSET, seq, ORDER);
        dst.putLong(REGION_OFFSET, regionId, ORDER);
    }

    private int seal(final ExpandableArrayBuffer dst, final int bodyLength) {
        crc.reset();
        crc.update(dst.byteArray(), 0, bodyLength);
        dst.putInt(bodyLength, (int) crc.getValue(), ORDER);
        return bodyLength + CRC_BYTES;
    }
}
