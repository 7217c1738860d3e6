package io.tkv.server.gc;

import io.tkv.txn.Mutation;
import io.tkv.txn.command.AcquirePessimisticLockCommand;
import io.tkv.txn.command.BatchGetCommand;
import io.tkv.txn.command.CommitCommand;
import io.tkv.txn.command.GetCommand;
import io.tkv.txn.command.PrewriteCommand;
import io.tkv.txn.command.ScanCommand;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which commands the GC safe point refuses: reads below it, new transactions' writes at or below it. */
class SafePointGuardTest {
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldRefuseReadsBelowTheSafePointOnly() {
        assertNull(SafePointGuard.refusal(new GetCommand(KEY, 5), 0), "no safe point yet");
        assertNull(SafePointGuard.refusal(new GetCommand(KEY, 100), 100), "at the safe point every version is kept");
        assertNull(SafePointGuard.refusal(new GetCommand(KEY, Long.MAX_VALUE), 100));
        final String refusal = SafePointGuard.refusal(new GetCommand(KEY, 99), 100);
        assertNotNull(refusal);
        assertTrue(refusal.contains("99") && refusal.contains("100"), refusal);
        assertNotNull(SafePointGuard.refusal(new BatchGetCommand(List.of(KEY), 99), 100));
        assertNotNull(SafePointGuard.refusal(new ScanCommand(KEY, new byte[0], 99, 10, false), 100));
        assertNull(SafePointGuard.refusal(new ScanCommand(KEY, new byte[0], 100, 10, false), 100));
    }

    @Test
    void shouldRefuseNewWritesOfTransactionsStartedAtOrBelowTheSafePoint() {
        final List<Mutation> put = List.of(Mutation.put(KEY, KEY));
        assertNotNull(SafePointGuard.refusal(PrewriteCommand.optimistic(put, KEY, 100, 3_000), 100),
            "GC rolls back locks at the safe point: such a transaction cannot commit");
        assertNull(SafePointGuard.refusal(PrewriteCommand.optimistic(put, KEY, 101, 3_000), 100));
        assertNotNull(SafePointGuard.refusal(new AcquirePessimisticLockCommand(List.of(KEY), KEY, 90, 120, 3_000, 0),
            100));
        assertNull(SafePointGuard.refusal(new AcquirePessimisticLockCommand(List.of(KEY), KEY, 101, 120, 3_000, 0),
            100));
    }

    @Test
    void shouldLetOldTransactionsBeResolved() {
        assertNull(SafePointGuard.refusal(new CommitCommand(List.of(KEY), 5, 6), 100),
            "committing or resolving an old transaction is how its locks go away");
    }
}
