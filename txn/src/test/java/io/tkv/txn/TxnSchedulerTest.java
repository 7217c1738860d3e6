package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.txn.command.CommitCommand;
import io.tkv.txn.command.GetCommand;
import io.tkv.txn.command.PrewriteCommand;
import io.tkv.txn.command.TxnResponse;

import java.util.List;

import org.junit.jupiter.api.Test;

class TxnSchedulerTest extends SchedulerTestSupport {
    @Test
    void shouldHoldLatchesUntilTheWriteIsAppliedSoTheNextCommandSeesIt() {
        final long first = submit(PrewriteCommand.optimistic(puts("k", "v1"), b("k"), 10, 3_000));
        assertEquals(1, proposals.size());
        assertNull(responses.get(first), "a write is answered only once applied");
        final long second = submit(PrewriteCommand.optimistic(puts("k", "v2", "j", "v2"), b("k"), 20, 3_000));
        assertEquals(1, scheduler.waitingForLatches());
        assertEquals(1, proposals.size(), "the second prewrite waits for k's latch");

        applyNext();
        assertEquals(List.of(), assertInstanceOf(TxnResponse.Prewrite.class, responses.get(first)).locked());
        // Released, the second ran on a snapshot holding the first's lock: KEY_LOCKED, and nothing to propose.
        final TxnResponse.Prewrite refused = assertInstanceOf(TxnResponse.Prewrite.class, responses.get(second));
        assertEquals(1, refused.locked().size());
        assertBytes("k", refused.locked().get(0).key());
        assertEquals(10, refused.locked().get(0).lock().startTs());
        assertTrue(proposals.isEmpty());
        assertEquals(0, scheduler.waitingForLatches());
        assertUnlocked("j");
    }

    @Test
    void shouldRunCommandsOnOtherKeysWhileOneWaitsForItsApply() {
        submit(PrewriteCommand.optimistic(puts("k", "v"), b("k"), 10, 3_000));
        submit(PrewriteCommand.optimistic(puts("j", "v"), b("j"), 11, 3_000));
        assertEquals(2, proposals.size());
        assertEquals(2, scheduler.pendingWrites());
        applyAll();
        assertLocked("k", 10);
        assertLocked("j", 11);
    }

    @Test
    void shouldNotLatchReads() {
        prewriteKeys(10, "k", "k", "v");
        exec(new CommitCommand(keys("k"), 10, 11));
        submit(PrewriteCommand.optimistic(puts("k", "v2"), b("k"), 20, 3_000));
        // The read does not wait for k's latch: it reads its snapshot, where the prewrite is not applied yet.
        final TxnResponse.Value value =
            assertInstanceOf(TxnResponse.Value.class, answerNow(new GetCommand(b("k"), 30)));
        assertBytes("v", value.value());
        assertEquals(1, proposals.size());
    }

    @Test
    void shouldRefuseWithServerBusyBeyondTheWaitingBound() {
        scheduler = newScheduler(1);
        final long running = submit(PrewriteCommand.optimistic(puts("k", "v"), b("k"), 10, 3_000));
        final long waiting = submit(new CommitCommand(keys("k"), 10, 11));
        final long refused = submit(new CommitCommand(keys("k", "j"), 10, 11));
        assertInstanceOf(TxnResponse.Busy.class, responses.get(refused));
        // A command that need not wait still runs.
        final long other = submit(PrewriteCommand.optimistic(puts("j", "v"), b("j"), 12, 3_000));
        assertEquals(2, proposals.size());
        applyAll();
        assertInstanceOf(TxnResponse.Prewrite.class, responses.get(running));
        assertInstanceOf(TxnResponse.Done.class, responses.get(waiting));
        assertInstanceOf(TxnResponse.Prewrite.class, responses.get(other));
        assertWritten("k", 10, 11, WriteType.PUT);
    }

    @Test
    void shouldReleaseLatchesAndMemoryLocksWhenTheWriteIsDropped() {
        final long prewrite = submit(asyncPrewrite(10, "k"));
        assertEquals(1, cm.memoryLockCount());
        final long commit = submit(new CommitCommand(keys("k"), 10, 30));
        assertEquals(prewrite, scheduler.onWriteFailed(proposals.pollFirst().commandId()));
        assertEquals(0, cm.memoryLockCount());
        assertNull(responses.get(prewrite), "the server answers a dropped write itself");
        // The waiting commit ran: the prewrite never landed, so there is no lock to commit.
        assertInstanceOf(TxnException.TxnLockNotFound.class,
            assertInstanceOf(TxnResponse.Error.class, responses.get(commit)).error());
        assertEquals(-1, scheduler.onWriteFailed(12345));
        assertFalse(scheduler.onApplied(12345));
    }

    @Test
    void shouldBlockReadsOnAnUnappliedAsyncCommitPrewriteAndReleaseItAfterApply() {
        final long prewrite = submit(asyncPrewrite(10, "k"));
        // The memory lock blocks a read at or after the start ts before the prewrite is applied...
        final TxnResponse.Error error =
            assertInstanceOf(TxnResponse.Error.class, answerNow(new GetCommand(b("k"), 50)));
        assertEquals(10, assertInstanceOf(TxnException.KeyLocked.class, error.error()).lock().startTs());
        assertNull(assertInstanceOf(TxnResponse.Value.class, answerNow(new GetCommand(b("k"), 5))).value());
        applyNext();
        final TxnResponse.Prewrite answer = assertInstanceOf(TxnResponse.Prewrite.class, responses.get(prewrite));
        assertEquals(11, answer.minCommitTs(), "max(max_ts 1, start ts 10) + 1: the read at 50 came after");
        // ...and after apply the lock is in the lock CF and the memory lock is gone.
        assertEquals(0, cm.memoryLockCount());
        assertTrue(assertLocked("k", 10).useAsyncCommit());
        execFails(TxnException.KeyLocked.class, new GetCommand(b("k"), 50));
        // A new async prewrite computes its min commit ts above the read at 50.
        final TxnResponse.Prewrite later = exec(TxnResponse.Prewrite.class, asyncPrewrite(60, "m"));
        assertEquals(61, later.minCommitTs());
        final TxnResponse.Prewrite pushed = exec(TxnResponse.Prewrite.class, asyncPrewrite(55, "n"));
        assertEquals(56, pushed.minCommitTs(), "max(max_ts 50 from the read, start ts 55) + 1");
    }

    @Test
    void shouldAnswerAFailedCommandAndRunTheNextOnItsKeys() {
        execFails(TxnException.TxnLockNotFound.class, new CommitCommand(keys("k"), 10, 11));
        assertEquals(List.of(), prewriteKeys(10, "k", "k", "v").locked());
        assertInstanceOf(TxnResponse.Done.class, exec(new CommitCommand(keys("k"), 10, 11)));
        assertValue("v", "k", 11);
        assertEquals(0, scheduler.waitingForLatches());
        assertEquals(0, scheduler.pendingWrites());
    }

    private static PrewriteCommand asyncPrewrite(final long startTs, final String key) {
        return new PrewriteCommand(puts(key, "v"), b(key), startTs, 3_000, 1, 0, null, List.of(), false, 0, 0,
            false);
    }
}
