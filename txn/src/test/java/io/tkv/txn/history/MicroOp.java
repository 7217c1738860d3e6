package io.tkv.txn.history;

import java.util.Arrays;

/**
 * One step of a list-append transaction: {@code append(key, value)} or {@code read(key) -> list}. Appended values
 * must be unique per key across a history, so that every element of a read names the transaction that wrote it.
 * A read's result is {@code null} while unknown (at invoke time, or for a transaction that did not return OK).
 */
public final class MicroOp {
    /** What the micro-op does. */
    public enum Kind {
        APPEND,
        READ
    }

    private final Kind kind;
    private final long key;
    private final long value;
    private final long[] result;

    private MicroOp(final Kind kind, final long key, final long value, final long[] result) {
        this.kind = kind;
        this.key = key;
        this.value = value;
        this.result = result;
    }

    /** Appends {@code value} to the list at {@code key}. */
    public static MicroOp append(final long key, final long value) {
        return new MicroOp(Kind.APPEND, key, value, null);
    }

    /** A read of {@code key} whose result is not (yet) known. */
    public static MicroOp read(final long key) {
        return new MicroOp(Kind.READ, key, 0, null);
    }

    /** A read of {@code key} that returned {@code list} (the whole list, oldest element first). */
    public static MicroOp read(final long key, final long... list) {
        return new MicroOp(Kind.READ, key, 0, list.clone());
    }

    /** This read with its result filled in. */
    public MicroOp withResult(final long[] list) {
        if (kind != Kind.READ) {
            throw new IllegalStateException("only a read has a result: " + this);
        }
        return new MicroOp(Kind.READ, key, 0, list == null ? null : list.clone());
    }

    public Kind kind() {
        return kind;
    }

    public boolean isAppend() {
        return kind == Kind.APPEND;
    }

    public boolean isRead() {
        return kind == Kind.READ;
    }

    public long key() {
        return key;
    }

    /** The appended value (appends only). */
    public long value() {
        return value;
    }

    /** Whether this is a read whose result is known. */
    public boolean hasResult() {
        return result != null;
    }

    /** The list a read returned; the caller must not modify it. {@code null} if unknown or an append. */
    long[] resultArray() {
        return result;
    }

    /** A copy of the list a read returned, or {@code null}. */
    public long[] result() {
        return result == null ? null : result.clone();
    }

    /** Whether {@code other} is the same micro-op as this one apart from a read's result. */
    boolean sameIntent(final MicroOp other) {
        return kind == other.kind && key == other.key && value == other.value;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof MicroOp)) {
            return false;
        }
        final MicroOp m = (MicroOp) o;
        return sameIntent(m) && Arrays.equals(result, m.result);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + Long.hashCode(key)) * 31 + Long.hashCode(value) + Arrays.hashCode(result);
    }

    @Override
    public String toString() {
        if (kind == Kind.APPEND) {
            return "append(" + key + ", " + value + ")";
        }
        return "r(" + key + ")=" + (result == null ? "?" : Arrays.toString(result));
    }
}
