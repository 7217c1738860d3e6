package io.tkv.client.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Concurrent transfers between accounts spread over the three regions, optimistic and pessimistic side by side,
 * retried on conflicts, with and without lost prewrites and commits; a reader checks that every snapshot sums to the
 * total, and so does the end.
 */
@Timeout(120)
class BankTransferTest extends TxnTestSupport {
    private static final int ACCOUNTS = 9;
    private static final int BALANCE = 100;
    private static final int TRANSFERS_PER_THREAD = 40;

    @ParameterizedTest(name = "async commit and 1PC {0}, lost prewrites and commits {1}")
    @CsvSource({"true, false", "false, false", "true, true", "false, true"})
    void shouldKeepEverySnapshotSumConstant(final boolean fastPaths, final boolean faults) throws Exception {
        // Short ttls: optimistic prewrites that wait on each other are freed when one's locks expire.
        final TxnKvClient client = client(fastConfig().asyncCommit(fastPaths).onePc(fastPaths).lockTtlMs(1_000)
            .heartbeatIntervalMs(200));
        final String[] keyValues = new String[ACCOUNTS * 2];
        for (int i = 0; i < ACCOUNTS; i++) {
            keyValues[2 * i] = account(i);
            keyValues[2 * i + 1] = Integer.toString(BALANCE);
        }
        putCommitted(client, keyValues);
        if (faults) {
            // A lost request or answer leaves a transaction undetermined with its locks in place: readers and
            // writers must resolve them so that each transfer is all or nothing.
            transport.randomFaults(42, 0.05);
        }

        final AtomicBoolean done = new AtomicBoolean();
        final AtomicInteger snapshots = new AtomicInteger();
        final AtomicInteger committed = new AtomicInteger();
        final AtomicInteger undetermined = new AtomicInteger();
        final CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                assertEquals(ACCOUNTS * BALANCE, sum(client), "a snapshot's sum");
                snapshots.incrementAndGet();
            }
        });
        final List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            final TxnMode mode = t == 0 ? TxnMode.PESSIMISTIC : TxnMode.OPTIMISTIC;
            final Random random = new Random(t);
            workers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                    if (transfer(client, mode, random)) {
                        committed.incrementAndGet();
                    } else {
                        undetermined.incrementAndGet();
                    }
                }
            }));
        }
        CompletableFuture.allOf(workers.toArray(new CompletableFuture<?>[0])).get();
        done.set(true);
        reader.get();
        assertEquals(3 * TRANSFERS_PER_THREAD, committed.get() + undetermined.get());
        assertTrue(snapshots.get() > 0);
        if (faults) {
            assertTrue(transport.randomFaultCount() > 0);
        } else {
            assertEquals(0, undetermined.get());
        }
        assertEquals(ACCOUNTS * BALANCE, sum(client));
        assertTrue(client.awaitBackground(5_000));
    }

    @ParameterizedTest(name = "resolve-lock broken {0}")
    @ValueSource(booleans = {false, true})
    void shouldCatchAResolverThatRollsBackACommittedTransfer(final boolean broken) {
        // Negative control: the sum check must see a rule broken. A transfer's secondary commit is lost, so the
        // reader resolves it; a resolver that rolls it back although the primary committed loses the credit.
        final TxnKvClient client = client(fastConfig().asyncCommit(false).onePc(false));
        putCommitted(client, account(0), "100", account(6), "100");
        if (broken) {
            transport.breakResolveLock();
        }
        transport.inject(LocalTxnTransport.Kind.COMMIT, account(6), LocalTxnTransport.Fault.FAIL);
        try (Transaction txn = client.begin()) {
            txn.put(b(account(0)), b("90"));
            txn.put(b(account(6)), b("110"));
            txn.commit();
        }
        assertTrue(client.awaitBackground(5_000));
        assertEquals(broken ? 190 : 200, sum(client));
    }

    /** @return true if committed, false if undetermined. */
    private static boolean transfer(final TxnKvClient client, final TxnMode mode, final Random random) {
        final int from = random.nextInt(ACCOUNTS);
        final int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        final int amount = 1 + random.nextInt(10);
        while (true) {
            try (Transaction txn = client.begin(mode)) {
                final int fromBalance = balance(txn, from);
                final int toBalance = balance(txn, to);
                txn.put(b(account(from)), b(Integer.toString(fromBalance - amount)));
                txn.put(b(account(to)), b(Integer.toString(toBalance + amount)));
                txn.commit();
                return true;
            } catch (final UndeterminedException unknown) {
                // Perhaps committed, perhaps not: retrying could transfer twice.
                return false;
            } catch (final KeyErrorException | TxnAbortedException retry) {
                // Not committed: someone else got there first (a write conflict, a lock that outlived the wait), a
                // prewrite was lost, or the txn's expired locks were rolled back by another. Start over.
            }
        }
    }

    private static int balance(final Transaction txn, final int account) {
        final byte[] key = b(account(account));
        return Integer.parseInt(s(txn.mode() == TxnMode.PESSIMISTIC ? txn.getForUpdate(key) : txn.get(key)));
    }

    private static int sum(final TxnKvClient client) {
        try (Transaction txn = client.begin()) {
            int total = 0;
            for (final KeyValue pair : txn.scan(b("acct"), null, ACCOUNTS + 1)) {
                total += Integer.parseInt(s(pair.value()));
            }
            return total;
        }
    }

    /** Accounts 0-2 in region [,h), 3-5 in [h,p), 6-8 in [p,). */
    private static String account(final int i) {
        final String region = i < 3 ? "acct" : i < 6 ? "j-acct" : "r-acct";
        return region + i;
    }
}
