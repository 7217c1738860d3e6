package io.tkv.txn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Percolator lock: the value of a key in the {@code lock} column family. Immutable; the {@code with...} methods
 * return changed copies.
 * <p>
 * Record format 1 (numbers are unsigned LEB128 varints, byte strings are a varint length then the bytes):
 * <pre>
 * format:1 (=1) type:1 flags:1 primary startTs ttl forUpdateTs txnSize minCommitTs
 * [shortValue]                  if flags &amp; SHORT_VALUE
 * [count secondary*]            if flags &amp; ASYNC_COMMIT
 * [count rollbackTs*]           if flags &amp; ROLLBACK_TS
 * </pre>
 * {@code rollbackTs} are start timestamps of other transactions rolled back on this key while the lock was here
 * (TiKV's "overlapped rollback"): if this transaction later commits at one of them, its write record must say so.
 *
 * @param type          what the lock commits to.
 * @param primary       the transaction's primary user key.
 * @param startTs       the transaction's start timestamp.
 * @param ttl           milliseconds after the start ts's physical time during which the lock is alive.
 * @param forUpdateTs   the pessimistic transaction's for-update ts; 0 for an optimistic one.
 * @param txnSize       the number of keys in the transaction (a hint for resolvers).
 * @param minCommitTs   the smallest commit ts the lock accepts; 0 if unset.
 * @param shortValue    the value of a PUT inlined in the lock, or {@code null}.
 * @param useAsyncCommit whether the transaction commits asynchronously (the primary lists the secondaries).
 * @param secondaries   the user keys of an async-commit transaction's secondaries (on its primary), else empty.
 * @param rollbackTs    start timestamps of transactions rolled back on this key while it was locked.
 */
public record Lock(
    LockType type,
    byte[] primary,
    long startTs,
    long ttl,
    long forUpdateTs,
    long txnSize,
    long minCommitTs,
    byte[] shortValue,
    boolean useAsyncCommit,
    List<byte[]> secondaries,
    long[] rollbackTs) {

    /** Longest value inlined in a lock or a write record, as TiKV's {@code SHORT_VALUE_MAX_LEN}. */
    public static final int SHORT_VALUE_MAX_LENGTH = 255;
    static final int FORMAT = 1;
    private static final int FLAG_ASYNC_COMMIT = 0x01;
    private static final int FLAG_SHORT_VALUE = 0x02;
    private static final int FLAG_ROLLBACK_TS = 0x04;
    private static final int KNOWN_FLAGS = FLAG_ASYNC_COMMIT | FLAG_SHORT_VALUE | FLAG_ROLLBACK_TS;
    private static final long[] NO_TS = new long[0];

    /**
     * A lock with no short value, no async commit and no rollback timestamps.
     */
    public Lock(
        final LockType type, final byte[] primary, final long startTs, final long ttl, final long forUpdateTs,
        final long txnSize, final long minCommitTs) {
        this(type, primary, startTs, ttl, forUpdateTs, txnSize, minCommitTs, null, false, List.of(), NO_TS);
    }

    /** Checks the invariants the encoder relies on. */
    public Lock {
        if (type == null || primary == null || secondaries == null || rollbackTs == null) {
            throw new IllegalArgumentException("type, primary, secondaries and rollbackTs are required");
        }
        if (shortValue != null && shortValue.length > SHORT_VALUE_MAX_LENGTH) {
            throw new IllegalArgumentException("short value of " + shortValue.length + " bytes > 255");
        }
        secondaries = List.copyOf(secondaries);
    }

    /** @return whether the lock belongs to a pessimistic transaction. */
    public boolean isPessimisticTxn() {
        return forUpdateTs != 0;
    }

    /** @return a copy with another min commit ts. */
    public Lock withMinCommitTs(final long newMinCommitTs) {
        return new Lock(type, primary, startTs, ttl, forUpdateTs, txnSize, newMinCommitTs, shortValue, useAsyncCommit,
            secondaries, rollbackTs);
    }

    /** @return a copy with another ttl. */
    public Lock withTtl(final long newTtl) {
        return new Lock(type, primary, startTs, newTtl, forUpdateTs, txnSize, minCommitTs, shortValue, useAsyncCommit,
            secondaries, rollbackTs);
    }

    /** @return a copy with another for-update ts. */
    public Lock withForUpdateTs(final long newForUpdateTs) {
        return new Lock(type, primary, startTs, ttl, newForUpdateTs, txnSize, minCommitTs, shortValue, useAsyncCommit,
            secondaries, rollbackTs);
    }

    /** @return a copy with async commit on and these secondaries. */
    public Lock withAsyncCommit(final List<byte[]> newSecondaries) {
        return new Lock(type, primary, startTs, ttl, forUpdateTs, txnSize, minCommitTs, shortValue, true,
            newSecondaries, rollbackTs);
    }

    /** @return a copy with async commit off and no secondaries. */
    public Lock withoutAsyncCommit() {
        return new Lock(type, primary, startTs, ttl, forUpdateTs, txnSize, minCommitTs, shortValue, false, List.of(),
            rollbackTs);
    }

    /** @return a copy with this short value ({@code null}: none). */
    public Lock withShortValue(final byte[] newShortValue) {
        return new Lock(type, primary, startTs, ttl, forUpdateTs, txnSize, minCommitTs, newShortValue, useAsyncCommit,
            secondaries, rollbackTs);
    }

    /** @return a copy that remembers one more rolled-back start ts. */
    public Lock withRollbackTs(final long ts) {
        final long[] more = Arrays.copyOf(rollbackTs, rollbackTs.length + 1);
        more[rollbackTs.length] = ts;
        return new Lock(type, primary, startTs, ttl, forUpdateTs, txnSize, minCommitTs, shortValue, useAsyncCommit,
            secondaries, more);
    }

    /**
     * @return the record bytes.
     */
    public byte[] encode() {
        final int flags = (useAsyncCommit ? FLAG_ASYNC_COMMIT : 0) | (shortValue != null ? FLAG_SHORT_VALUE : 0) |
            (rollbackTs.length > 0 ? FLAG_ROLLBACK_TS : 0);
        final RecordWriter out = new RecordWriter()
            .writeByte(FORMAT)
            .writeByte(type.code())
            .writeByte(flags)
            .writeBytes(primary)
            .writeVarLong(startTs)
            .writeVarLong(ttl)
            .writeVarLong(forUpdateTs)
            .writeVarLong(txnSize)
            .writeVarLong(minCommitTs);
        if (shortValue != null) {
            out.writeBytes(shortValue);
        }
        if (useAsyncCommit) {
            out.writeVarLong(secondaries.size());
            for (final byte[] secondary : secondaries) {
                out.writeBytes(secondary);
            }
        }
        if (rollbackTs.length > 0) {
            out.writeVarLong(rollbackTs.length);
            for (final long ts : rollbackTs) {
                out.writeVarLong(ts);
            }
        }
        return out.toByteArray();
    }

    /**
     * @param bytes a stored lock record.
     * @return the lock.
     * @throws MalformedRecordException if the bytes are not a lock record of a known format.
     */
    public static Lock decode(final byte[] bytes) {
        final RecordReader in = new RecordReader("lock", bytes);
        final int format = in.readByte();
        if (format != FORMAT) {
            throw in.malformed("unknown format " + format);
        }
        final int typeCode = in.readByte();
        final LockType type = LockType.fromCode(typeCode);
        if (type == null) {
            throw in.malformed("unknown lock type " + typeCode);
        }
        final int flags = in.readByte();
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw in.malformed("unknown flags 0x" + Integer.toHexString(flags));
        }
        final byte[] primary = in.readBytes(Integer.MAX_VALUE);
        final long startTs = in.readVarLong();
        final long ttl = in.readVarLong();
        final long forUpdateTs = in.readVarLong();
        final long txnSize = in.readVarLong();
        final long minCommitTs = in.readVarLong();
        final byte[] shortValue = (flags & FLAG_SHORT_VALUE) != 0 ? in.readBytes(SHORT_VALUE_MAX_LENGTH) : null;
        List<byte[]> secondaries = List.of();
        if ((flags & FLAG_ASYNC_COMMIT) != 0) {
            // Each secondary takes at least its length byte, so the count is bounded by the bytes left.
            final int count = in.readLength(Integer.MAX_VALUE);
            secondaries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                secondaries.add(in.readBytes(Integer.MAX_VALUE));
            }
        }
        long[] rollbackTs = NO_TS;
        if ((flags & FLAG_ROLLBACK_TS) != 0) {
            final int count = in.readLength(Integer.MAX_VALUE);
            if (count == 0) {
                throw in.malformed("rollback-ts flag with no timestamps");
            }
            rollbackTs = new long[count];
            for (int i = 0; i < count; i++) {
                rollbackTs[i] = in.readVarLong();
            }
        }
        in.expectEnd();
        return new Lock(type, primary, startTs, ttl, forUpdateTs, txnSize, minCommitTs, shortValue,
            (flags & FLAG_ASYNC_COMMIT) != 0, secondaries, rollbackTs);
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Lock other)) {
            return false;
        }
        return type == other.type && startTs == other.startTs && ttl == other.ttl &&
            forUpdateTs == other.forUpdateTs && txnSize == other.txnSize && minCommitTs == other.minCommitTs &&
            useAsyncCommit == other.useAsyncCommit && Arrays.equals(primary, other.primary) &&
            Arrays.equals(shortValue, other.shortValue) && Arrays.equals(rollbackTs, other.rollbackTs) &&
            sameKeys(secondaries, other.secondaries);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(primary) * 31 + Long.hashCode(startTs);
    }

    @Override
    public String toString() {
        return "Lock{" + type + ", primary=" + Arrays.toString(primary) + ", startTs=" + startTs + ", ttl=" + ttl +
            ", forUpdateTs=" + forUpdateTs + ", txnSize=" + txnSize + ", minCommitTs=" + minCommitTs +
            ", shortValue=" + (shortValue == null ? "none" : shortValue.length + "B") + ", async=" + useAsyncCommit +
            ", secondaries=" + secondaries.size() + ", rollbackTs=" + Arrays.toString(rollbackTs) + '}';
    }

    static boolean sameKeys(final List<byte[]> a, final List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
