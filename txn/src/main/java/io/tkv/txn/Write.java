package io.tkv.txn;

import java.util.Arrays;

/**
 * A commit record: the value of {@code key ~commitTs} in the {@code write} column family. Immutable.
 * <p>
 * Record format 1 (numbers are unsigned LEB128 varints):
 * <pre>
 * format:1 (=1) type:1 flags:1 startTs [shortValue: length bytes, if flags &amp; SHORT_VALUE]
 * </pre>
 * Flags: {@code OVERLAPPED_ROLLBACK} (a transaction whose start ts equals this record's commit ts was rolled back
 * here, so a late prewrite of it must still be refused) and {@code PROTECTED} (a rollback record that must not be
 * collapsed, as TiKV's protected rollback).
 *
 * @param type                   what the record says.
 * @param startTs                the start ts of the transaction that wrote it.
 * @param shortValue             the inlined value of a PUT, or {@code null} (then it is in the default CF).
 * @param hasOverlappedRollback  whether a rollback of another transaction at this commit ts hides in this record.
 * @param isProtected            for a ROLLBACK: whether it must survive a collapse of rollbacks.
 */
public record Write(WriteType type, long startTs, byte[] shortValue, boolean hasOverlappedRollback,
    boolean isProtected) {

    static final int FORMAT = 1;
    private static final int FLAG_SHORT_VALUE = 0x01;
    private static final int FLAG_OVERLAPPED_ROLLBACK = 0x02;
    private static final int FLAG_PROTECTED = 0x04;
    private static final int KNOWN_FLAGS = FLAG_SHORT_VALUE | FLAG_OVERLAPPED_ROLLBACK | FLAG_PROTECTED;

    /** Checks the invariants the encoder relies on. */
    public Write {
        if (type == null) {
            throw new IllegalArgumentException("type is required");
        }
        if (shortValue != null && shortValue.length > Lock.SHORT_VALUE_MAX_LENGTH) {
            throw new IllegalArgumentException("short value of " + shortValue.length + " bytes > 255");
        }
    }

    /**
     * @return a plain record.
     */
    public static Write of(final WriteType type, final long startTs, final byte[] shortValue) {
        return new Write(type, startTs, shortValue, false, false);
    }

    /**
     * @return a rollback record of the transaction that started at {@code startTs}.
     */
    public static Write rollback(final long startTs, final boolean isProtected) {
        return new Write(WriteType.ROLLBACK, startTs, null, false, isProtected);
    }

    /** @return a copy that records an overlapped rollback. */
    public Write withOverlappedRollback() {
        return new Write(type, startTs, shortValue, true, isProtected);
    }

    /**
     * @return the record bytes.
     */
    public byte[] encode() {
        final int flags = (shortValue != null ? FLAG_SHORT_VALUE : 0) |
            (hasOverlappedRollback ? FLAG_OVERLAPPED_ROLLBACK : 0) | (isProtected ? FLAG_PROTECTED : 0);
        final RecordWriter out = new RecordWriter().writeByte(FORMAT).writeByte(type.code()).writeByte(flags)
            .writeVarLong(startTs);
        if (shortValue != null) {
            out.writeBytes(shortValue);
        }
        return out.toByteArray();
    }

    /**
     * @param bytes a stored write record.
     * @return the record.
     * @throws MalformedRecordException if the bytes are not a write record of a known format.
     */
    public static Write decode(final byte[] bytes) {
        final RecordReader in = new RecordReader("write", bytes);
        final int format = in.readByte();
        if (format != FORMAT) {
            throw in.malformed("unknown format " + format);
        }
        final int typeCode = in.readByte();
        final WriteType type = WriteType.fromCode(typeCode);
        if (type == null) {
            throw in.malformed("unknown write type " + typeCode);
        }
        final int flags = in.readByte();
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw in.malformed("unknown flags 0x" + Integer.toHexString(flags));
        }
        final long startTs = in.readVarLong();
        final byte[] shortValue = (flags & FLAG_SHORT_VALUE) != 0 ? in.readBytes(Lock.SHORT_VALUE_MAX_LENGTH) : null;
        in.expectEnd();
        return new Write(type, startTs, shortValue, (flags & FLAG_OVERLAPPED_ROLLBACK) != 0,
            (flags & FLAG_PROTECTED) != 0);
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Write other && type == other.type && startTs == other.startTs &&
            hasOverlappedRollback == other.hasOverlappedRollback && isProtected == other.isProtected &&
            Arrays.equals(shortValue, other.shortValue);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Long.hashCode(startTs);
    }

    @Override
    public String toString() {
        return "Write{" + type + ", startTs=" + startTs + ", shortValue=" +
            (shortValue == null ? "none" : shortValue.length + "B") + (hasOverlappedRollback ? ", overlapped" : "") +
            (isProtected ? ", protected" : "") + '}';
    }
}
