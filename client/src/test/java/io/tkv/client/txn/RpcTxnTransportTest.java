package io.tkv.client.txn;

import io.tkv.client.ErrorCode;
import io.tkv.client.TkvException;
import io.tkv.client.TkvTimeoutException;
import io.tkv.client.TxnKeyException;
import io.tkv.client.TxnLockInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/** How {@link RpcTxnTransport} maps the wire's failures to the transactional client's contract. */
class RpcTxnTransportTest {
    @Test
    void shouldMapKeyErrorsToTheirTypesAndEverythingElseToTransportFailures() {
        final TxnLockInfo wireLock = new TxnLockInfo(b("k"), b("p"), 10, 3_000, "PUT", 2, 0, 11, true,
            List.of(b("s")));
        final KeyLockedException locked = assertInstanceOf(KeyLockedException.class,
            RpcTxnTransport.map(new TxnKeyException.KeyLocked(List.of(wireLock), "locked")));
        assertArrayEquals(b("k"), locked.lock().key());
        assertEquals(LockType.PUT, locked.lock().type());
        assertEquals(2, locked.lock().txnSize());
        assertEquals(11, locked.lock().minCommitTs());
        assertEquals(1, locked.lock().secondaries().size());

        final WriteConflictException conflict = assertInstanceOf(WriteConflictException.class,
            RpcTxnTransport.map(new TxnKeyException.WriteConflict(5, 6, 7, b("k"), b("p"), "conflict")));
        assertEquals(5, conflict.startTs());
        assertEquals(6, conflict.conflictStartTs());
        assertEquals(7, conflict.conflictCommitTs());

        final DeadlockException deadlock = assertInstanceOf(DeadlockException.class,
            RpcTxnTransport.map(new TxnKeyException.Deadlock(8, b("k"), 77,
                List.of(new TxnKeyException.WaitFor(8, 5, 77)), "deadlock")));
        assertEquals(8, deadlock.lockTs());
        assertEquals(77, deadlock.deadlockKeyHash());
        assertEquals(List.of(new DeadlockException.WaitFor(8, 5, 77)), deadlock.waitChain());
        assertInstanceOf(KeyErrorException.class, deadlock);
        assertInstanceOf(TxnNotFoundException.class, RpcTxnTransport.map(new TxnKeyException.TxnNotFound("x")));
        assertInstanceOf(TxnLockNotFoundException.class,
            RpcTxnTransport.map(new TxnKeyException.TxnLockNotFound("x")));
        assertEquals(9, assertInstanceOf(AlreadyCommittedException.class,
            RpcTxnTransport.map(new TxnKeyException.Committed(9, "x"))).commitTs());
        assertEquals(12, assertInstanceOf(CommitTsExpiredException.class,
            RpcTxnTransport.map(new TxnKeyException.CommitTsExpired(12, "x"))).minCommitTs());
        // Still not synced after the retries: refused, nothing written.
        assertEquals(KeyErrorException.class,
            RpcTxnTransport.map(new TxnKeyException.MaxTimestampNotSynced("x")).getClass());

        assertInstanceOf(TxnTransportException.class,
            RpcTxnTransport.map(new TkvException(ErrorCode.NOT_LEADER, "after the proposal")));
        assertInstanceOf(TxnTransportException.class, RpcTxnTransport.map(new TkvTimeoutException("slow")));
        assertInstanceOf(TxnTransportException.class, RpcTxnTransport.map(new IllegalStateException("closed")));
        final TxnAbortedException own = new TxnAbortedException("already ours", null);
        assertSame(own, RpcTxnTransport.map(own));
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
