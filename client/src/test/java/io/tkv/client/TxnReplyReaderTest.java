package io.tkv.client;

import io.tkv.codec.BooleanType;
import io.tkv.codec.KvGetResponseEncoder;
import io.tkv.codec.KvPrewriteResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.TxnErrorKind;
import io.tkv.codec.TxnKeyErrorListEncoder;
import io.tkv.codec.TxnLockType;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Transactional replies become typed results, and their key errors typed exceptions with the store's fields. */
class TxnReplyReaderTest {
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    @Test
    void shouldReadAValueOrNothing() {
        assertArrayEquals(b("v"), TxnReplyReader.get(getReply(true, b("v"), new byte[0])));
        assertNull(TxnReplyReader.get(getReply(false, new byte[0], new byte[0])));
    }

    @Test
    void shouldThrowEveryLockMetWithItsDetails() {
        final byte[] errors = errorList(2, TxnErrorKind.KEY_LOCKED);
        final TxnKeyException.KeyLocked locked = assertThrows(TxnKeyException.KeyLocked.class,
            () -> TxnReplyReader.prewrite(prewriteReply(errors)));
        assertEquals(2, locked.locks().size());
        final TxnLockInfo lock = locked.lock();
        assertArrayEquals(b("k0"), lock.key());
        assertArrayEquals(b("p"), lock.primary());
        assertEquals(5, lock.startTs());
        assertEquals(20, lock.ttl());
        assertEquals("PESSIMISTIC", lock.type());
        assertEquals(7, lock.minCommitTs());
        assertEquals(1, lock.secondaries().size());
        assertEquals(ErrorCode.KEY_LOCKED, locked.code());
    }

    @Test
    void shouldThrowAWriteConflictBeforeLocks() {
        final TxnKeyException.WriteConflict conflict = assertThrows(TxnKeyException.WriteConflict.class,
            () -> TxnReplyReader.get(getReply(false, new byte[0], errorList(1, TxnErrorKind.WRITE_CONFLICT))));
        assertEquals(5, conflict.startTs());
        assertEquals(3, conflict.conflictStartTs());
        assertEquals(4, conflict.conflictCommitTs());
        assertThrows(TxnKeyException.MaxTimestampNotSynced.class, () -> TxnReplyReader.prewrite(
            prewriteReply(errorList(1, TxnErrorKind.MAX_TIMESTAMP_NOT_SYNCED))));
    }

    @Test
    void shouldThrowADeadlockWithItsWaitChain() {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final TxnKeyErrorListEncoder list = new TxnKeyErrorListEncoder().wrapAndApplyHeader(buffer, 0, header);
        final TxnKeyErrorListEncoder.ErrorsEncoder errors = list.errorsCount(1);
        errors.next().kind(TxnErrorKind.DEADLOCK).lockType(TxnLockType.PESSIMISTIC).startTs(20).lockTtl(0)
            .txnSize(0).forUpdateTs(0).minCommitTs(0).useAsyncCommit(BooleanType.FALSE).conflictStartTs(0)
            .conflictCommitTs(0).commitTs(0).deadlockKeyHash(42);
        errors.secondariesCount(0);
        final TxnKeyErrorListEncoder.ErrorsEncoder.WaitChainEncoder chain = errors.waitChainCount(2);
        chain.next().txnTs(20).waitForTs(10).keyHash(41);
        chain.next().txnTs(10).waitForTs(20).keyHash(42);
        errors.putKey(b("k"), 0, 1).putPrimary(new byte[0], 0, 0).message("deadlock");
        final byte[] list0 = copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + list.encodedLength());
        final TxnKeyException.Deadlock deadlock = assertThrows(TxnKeyException.Deadlock.class,
            () -> TxnReplyReader.prewrite(prewriteReply(list0)));
        assertEquals(20, deadlock.lockTs());
        assertArrayEquals(b("k"), deadlock.lockKey());
        assertEquals(42, deadlock.deadlockKeyHash());
        assertEquals(List.of(new TxnKeyException.WaitFor(20, 10, 41), new TxnKeyException.WaitFor(10, 20, 42)),
            deadlock.waitChain());
        assertEquals("DEADLOCK", deadlock.kind());
    }

    @Test
    void shouldRefuseABadErrorList() {
        final TkvException bad = assertThrows(TkvException.class,
            () -> TxnReplyReader.get(getReply(false, new byte[0], new byte[] {1, 2, 3})));
        assertEquals(ErrorCode.MALFORMED, bad.code());
    }

    private byte[] getReply(final boolean found, final byte[] value, final byte[] errors) {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final KvGetResponseEncoder reply = new KvGetResponseEncoder().wrapAndApplyHeader(buffer, 0, header);
        reply.correlationId(1).status(Status.OK).found(found ? BooleanType.TRUE : BooleanType.FALSE)
            .putValue(value, 0, value.length).errorMessage("").putKeyErrors(errors, 0, errors.length);
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + reply.encodedLength());
    }

    private byte[] prewriteReply(final byte[] errors) {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final KvPrewriteResponseEncoder reply = new KvPrewriteResponseEncoder().wrapAndApplyHeader(buffer, 0, header);
        reply.correlationId(1).status(Status.KEY_LOCKED).minCommitTs(0).onePcCommitTs(0).errorMessage("")
            .putKeyErrors(errors, 0, errors.length);
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + reply.encodedLength());
    }

    private byte[] errorList(final int count, final TxnErrorKind kind) {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final TxnKeyErrorListEncoder list = new TxnKeyErrorListEncoder().wrapAndApplyHeader(buffer, 0, header);
        final TxnKeyErrorListEncoder.ErrorsEncoder errors = list.errorsCount(count);
        for (int i = 0; i < count; i++) {
            errors.next().kind(kind).lockType(TxnLockType.PESSIMISTIC).startTs(5).lockTtl(20).txnSize(2)
                .forUpdateTs(6).minCommitTs(7).useAsyncCommit(BooleanType.TRUE).conflictStartTs(3)
                .conflictCommitTs(4).commitTs(0);
            errors.secondariesCount(1).next().putKey(b("s"), 0, 1);
            errors.waitChainCount(0);
            final byte[] key = b("k" + i);
            errors.putKey(key, 0, key.length).putPrimary(b("p"), 0, 1).message("m");
        }
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + list.encodedLength());
    }

    private static byte[] copy(final ExpandableArrayBuffer buffer, final int length) {
        final byte[] frame = new byte[length];
        buffer.getBytes(0, frame);
        return frame;
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
