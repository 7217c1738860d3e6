package io.tkv.pd.gc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The rules of PD's GC safe point and its persisted record.
 *
 * <p><b>Rules.</b> A safe point {@code sp} promises every store: no reader will ever read at a ts below {@code sp}
 * again, so any version no reader at {@code ts >= sp} can see may be deleted, and any lock with
 * {@code startTs <= sp} may be resolved. Hence:
 * <ul>
 * <li>it never moves backwards ({@link #advance}: the apply rule, a pure max, so a replayed or reordered entry
 * changes nothing and every PD member ends with the same value);</li>
 * <li>it is never set above the TSO's current timestamp ({@link #check}: a safe point in the future would let GC
 * delete what a transaction starting now still reads). The leader checks this before it proposes; apply does not
 * (the TSO is not part of the replicated state), it only keeps the maximum.</li>
 * </ul>
 * 0 ({@link #NONE}) means no safe point yet: nothing may be collected.
 *
 * <p><b>Record</b> (big-endian, in PD's state under its own key):
 * <pre>
 *   +0 uint8 format (1)   +1 int64 safePoint
 * </pre>
 */
public final class GcSafePoint {
    /** No safe point yet. */
    public static final long NONE = 0;
    /** The record format written. */
    public static final byte FORMAT = 1;
    /** Bytes of a record. */
    public static final int RECORD_LENGTH = 1 + Long.BYTES;

    /** What {@link #check} says of a requested safe point. */
    public enum Verdict {
        /** Above the current one and at most the current TSO: propose it. */
        ADVANCE,
        /** At or below the current one: nothing to do (the safe point never moves backwards). */
        NOT_NEWER,
        /** Above the current TSO: refused. */
        ABOVE_TSO,
        /** Negative: not a timestamp. */
        INVALID
    }

    private GcSafePoint() {
    }

    /**
     * @param current   the safe point now.
     * @param requested the safe point asked for.
     * @param tsoNow    a timestamp the TSO handed out now (the newest a reader may hold).
     * @return whether to propose {@code requested}.
     */
    public static Verdict check(final long current, final long requested, final long tsoNow) {
        if (requested < 0) {
            return Verdict.INVALID;
        }
        if (requested <= current) {
            return Verdict.NOT_NEWER;
        }
        return requested > tsoNow ? Verdict.ABOVE_TSO : Verdict.ADVANCE;
    }

    /**
     * The apply rule: the safe point only grows.
     *
     * @param current  the applied safe point.
     * @param proposed the value a committed entry carries.
     * @return the safe point after the entry.
     */
    public static long advance(final long current, final long proposed) {
        return Math.max(current, proposed);
    }

    /** @return the record of a safe point. */
    public static byte[] encode(final long safePoint) {
        if (safePoint < 0) {
            throw new IllegalArgumentException("safe point " + safePoint + " is negative");
        }
        final byte[] record = new byte[RECORD_LENGTH];
        ByteBuffer.wrap(record).order(ByteOrder.BIG_ENDIAN).put(FORMAT).putLong(safePoint);
        return record;
    }

    /**
     * @param record a stored record, or {@code null} (none stored: {@link #NONE}).
     * @return its safe point.
     * @throws IllegalArgumentException if the bytes are not a record of a format this build reads.
     */
    public static long decode(final byte[] record) {
        if (record == null) {
            return NONE;
        }
        if (record.length != RECORD_LENGTH || record[0] != FORMAT) {
            throw new IllegalArgumentException("GC safe point record of " + record.length + " bytes"
                + (record.length > 0 ? ", format " + record[0] : "") + ": expected format " + FORMAT + ", "
                + RECORD_LENGTH + " bytes");
        }
        final long safePoint = ByteBuffer.wrap(record, 1, Long.BYTES).order(ByteOrder.BIG_ENDIAN).getLong();
        if (safePoint < 0) {
            throw new IllegalArgumentException("GC safe point record holds a negative safe point " + safePoint);
        }
        return safePoint;
    }
}
