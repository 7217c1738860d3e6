package io.tkv.server.system;

import io.tkv.client.txn.KeyErrorException;
import io.tkv.client.txn.KeyValue;
import io.tkv.client.txn.Transaction;
import io.tkv.client.txn.TxnAbortedException;
import io.tkv.client.txn.TxnConfig;
import io.tkv.client.txn.TxnKv;
import io.tkv.client.txn.TxnKvClient;
import io.tkv.client.txn.TxnKvException;
import io.tkv.client.txn.TxnMode;
import io.tkv.client.txn.TxnTransportException;
import io.tkv.client.txn.UndeterminedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bank test on real processes: {@value #ACCOUNTS} accounts over four regions (PD and three stores,
 * {@link TxnCluster}), client threads moving money between two random accounts (read both, write both) in
 * optimistic and pessimistic mode with async commit and 1PC on, while {@link BankFaults} kills (-9) and restarts,
 * freezes (SIGSTOP) and resumes, and partitions and heals stores; a reader takes snapshots of every account
 * throughout. Checked: every snapshot sums to the initial total; and, because each transfer also writes a record of
 * itself ({@code bNN/t/<client>/<seq>} = from, to, amount, in the from account's region) in the same transaction, the
 * records found at the end replayed over the initial balances give the final balances exactly, every transfer the
 * client saw commit has its record, none it saw fail has one, and an undetermined one is decided by its record.
 * After the faults are healed, transfers must commit again.
 *
 * <p>Clients: two {@link TxnKv}s, each shared by half the transfer threads (an optimistic and a pessimistic one
 * each) and the first also by the reader. Each {@link TxnKv} runs two embedded media drivers; one per thread would
 * add four more busy processes' worth of threads on this 2-core machine. Sharing also puts one client's region cache,
 * lock resolver and background commits under concurrent use, as in an application server, and two of them keep
 * separate (and separately stale) region caches.
 *
 * <p>Knobs (system properties): {@code tkv.bank.seed} (the fault schedule and the transfers' choices),
 * {@code tkv.bank.faultSeconds} (default 22), {@code tkv.bank.clients} (transfer threads, default 4). A long run:
 * {@code -Dtkv.bank.faultSeconds=120 -Dtkv.bank.clients=8}.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class BankSystemTest {
    private static final int ACCOUNTS = 16;
    private static final long INITIAL_BALANCE = 1_000;
    private static final long TOTAL = ACCOUNTS * INITIAL_BALANCE;
    private static final int MAX_AMOUNT = 50;
    private static final long DEFAULT_SEED = 20_261_207L;
    /** Transfers keep running this long after the faults are healed; enough of them must commit. */
    private static final long CALM_MS = 5_000;
    private static final int MIN_COMMITTED_AFTER_FAULTS = 20;
    private static final long FINAL_READ_MS = 30_000;

    @TempDir
    Path dir;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch broken = new CountDownLatch(1);
    private final Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final Queue<String> sumViolations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger undetermined = new AtomicInteger();
    private final AtomicLong snapshotsChecked = new AtomicLong();
    private final Map<String, AtomicInteger> failures = new ConcurrentSkipListMap<>();

    /** How a transfer ended as its client saw it. */
    enum Outcome {
        COMMITTED, FAILED, UNDETERMINED
    }

    /** One transfer attempt: its record key (unique), what it moved, and how it ended. */
    record Attempt(String recordKey, int from, int to, long amount, Outcome outcome, String failure) {
    }

    @Test
    void everySnapshotSumsToTheTotalAndTheRecordsExplainTheBalancesThroughKillsPausesAndPartitions()
        throws Exception {
        final long seed = Long.getLong("tkv.bank.seed", DEFAULT_SEED);
        final long faultMs = TimeUnit.SECONDS.toMillis(Long.getLong("tkv.bank.faultSeconds", 22));
        final int clients = Integer.getInteger("tkv.bank.clients", 4);
        System.out.println("BANK seed " + seed + " (-Dtkv.bank.seed), faults for " + faultMs + " ms, " + clients
            + " transfer clients");
        final BankFaults faults;
        final int afterFaults;
        final Map<String, byte[]> end;
        try (TxnCluster cluster = TxnCluster.start(dir, "--fault-injection");
            TxnKv first = cluster.connect("bank-a", config());
            TxnKv second = cluster.connect("bank-b", config())) {
            cluster.split(first.rpc(), "b04", "b08", "b12");
            cluster.stores().awaitLeader(TxnCluster.WAIT_MS, cluster.stores().all());
            openAccounts(first.client());

            final List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                final int client = i;
                final TxnKvClient kv = (i % 2 == 0 ? first : second).client();
                final TxnMode mode = i / 2 % 2 == 0 ? TxnMode.OPTIMISTIC : TxnMode.PESSIMISTIC;
                final Random random = new Random(seed * 31 + i);
                threads.add(new Thread(() -> transfers(client, kv, mode, random), "bank-" + i + "-" + mode));
            }
            threads.add(new Thread(() -> snapshots(first.client()), "bank-reader"));
            threads.forEach(Thread::start);

            faults = new BankFaults(cluster.stores(), seed, broken);
            try {
                faults.run(System.currentTimeMillis() + faultMs);
            } finally {
                faults.healAll();
            }
            cluster.stores().awaitLeader(TxnCluster.WAIT_MS, cluster.stores().all());
            final int beforeCalm = committed.get();
            try {
                broken.await(CALM_MS, TimeUnit.MILLISECONDS);
            } finally {
                stop.set(true);
                for (final Thread thread : threads) {
                    thread.join(60_000);
                }
            }
            afterFaults = committed.get() - beforeCalm;
            first.client().awaitBackground(TxnCluster.WAIT_MS);
            second.client().awaitBackground(TxnCluster.WAIT_MS);
            end = readAll(first.client());
        }

        final Ledger ledger = new Ledger(end, List.copyOf(attempts));
        System.out.println("BANK transfers: committed " + committed + ", failed " + failed + ", undetermined "
            + undetermined + " (of which committed: " + ledger.undeterminedCommitted + ", not: "
            + ledger.undeterminedNot + "); " + afterFaults + " committed in the " + CALM_MS + " ms after the faults; "
            + "snapshot reads checked " + snapshotsChecked + ", sum violations " + sumViolations.size()
            + "; records " + ledger.records + "; failures " + failures);
        System.out.println("BANK faults applied: " + faults.applied().size() + " " + faults.applied());
        System.out.println("BANK final balances " + ledger.describe());

        assertEquals(List.of(), List.copyOf(unexpected), "failures of no kind the client promises");
        assertEquals(List.of(), List.copyOf(sumViolations), "snapshots whose sum is not " + TOTAL);
        assertEquals(List.of(), ledger.problems, "the records explain the end state");
        assertTrue(faults.count(BankFaults.Kind.KILL) > 0 && faults.count(BankFaults.Kind.PAUSE) > 0
            && faults.count(BankFaults.Kind.PARTITION) > 0, "every kind of fault ran: " + faults.applied());
        assertTrue(snapshotsChecked.get() > 0, "the reader checked snapshots");
        assertTrue(afterFaults >= MIN_COMMITTED_AFTER_FAULTS,
            "transfers commit after the faults: " + afterFaults + " in " + CALM_MS + " ms");
    }

    private static TxnConfig config() {
        return new TxnConfig().requestTimeoutMs(5_000).lockWaitTimeoutMs(5_000);
    }

    /** Every account's opening balance, in one transaction (async commit: the accounts span four regions). */
    private static void openAccounts(final TxnKvClient client) {
        try (Transaction txn = client.begin()) {
            for (int i = 0; i < ACCOUNTS; i++) {
                txn.put(account(i), number(INITIAL_BALANCE));
            }
            txn.commit();
        }
    }

    /** One client thread: transfers until told to stop, each a new attempt with its own record key. */
    private void transfers(final int client, final TxnKvClient kv, final TxnMode mode, final Random random) {
        long seq = 0;
        while (!stop.get()) {
            try {
                transferOnce(client, seq++, kv, mode, random);
            } catch (final RuntimeException | Error ex) {
                unexpected.add(ex);
                broken.countDown();
                return;
            }
        }
    }

    /**
     * Reads both balances, moves a random amount and writes the record, all in one transaction. Nothing reaches the
     * stores' data before {@link Transaction#commit()} (optimistic writes are buffered; pessimistic locks are not
     * data), so a failure before it is FAILED whatever its kind; at commit, a key error or an abort is FAILED (rolled
     * back), a transport failure or an undetermined outcome UNDETERMINED.
     */
    private void transferOnce(final int client, final long seq, final TxnKvClient kv, final TxnMode mode,
        final Random random) {
        final int from = random.nextInt(ACCOUNTS);
        final int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        final long amount = 1 + random.nextInt(MAX_AMOUNT);
        final String recordKey = String.format("b%02d/t/%d/%08d", from, client, seq);
        boolean committing = false;
        Outcome outcome;
        String failure = "";
        try (Transaction txn = kv.begin(mode)) {
            final long fromBalance = balance(txn, from);
            final long toBalance = balance(txn, to);
            txn.put(account(from), number(fromBalance - amount));
            txn.put(account(to), number(toBalance + amount));
            txn.put(bytes(recordKey), bytes(from + "," + to + "," + amount));
            committing = true;
            txn.commit();
            outcome = Outcome.COMMITTED;
        } catch (final KeyErrorException | TxnAbortedException ex) {
            outcome = Outcome.FAILED;
            failure = count(ex, committing);
        } catch (final UndeterminedException | TxnTransportException ex) {
            outcome = committing ? Outcome.UNDETERMINED : Outcome.FAILED;
            failure = count(ex, committing);
        }
        attempts.add(new Attempt(recordKey, from, to, amount, outcome, failure));
        (outcome == Outcome.COMMITTED ? committed : outcome == Outcome.FAILED ? failed : undetermined)
            .incrementAndGet();
    }

    private static long balance(final Transaction txn, final int account) {
        final byte[] value = txn.mode() == TxnMode.PESSIMISTIC ? txn.getForUpdate(account(account))
            : txn.get(account(account));
        if (value == null) {
            throw new IllegalStateException("account " + account + " has no balance at " + txn.startTs());
        }
        return Long.parseLong(text(value));
    }

    private String count(final TxnKvException failure, final boolean committing) {
        final String kind = (committing ? "commit: " : "before commit: ") + failure.getClass().getSimpleName();
        failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        return kind;
    }

    /**
     * The reader: read-only snapshots of every account, by one batch get and by sixteen gets in turn; a read that
     * fails (a lock that outlived the wait, a store that did not answer) is counted, not checked.
     */
    private void snapshots(final TxnKvClient kv) {
        final List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            keys.add(account(i));
        }
        long round = 0;
        while (!stop.get()) {
            try (Transaction txn = kv.begin()) {
                final List<Long> balances = new ArrayList<>();
                if (round++ % 2 == 0) {
                    for (final KeyValue pair : txn.batchGet(keys)) {
                        balances.add(Long.parseLong(text(pair.value())));
                    }
                } else {
                    for (final byte[] key : keys) {
                        final byte[] value = txn.get(key);
                        if (value != null) {
                            balances.add(Long.parseLong(text(value)));
                        }
                    }
                }
                final long sum = balances.stream().mapToLong(Long::longValue).sum();
                if (balances.size() != ACCOUNTS || sum != TOTAL) {
                    sumViolations.add("snapshot at start ts " + txn.startTs() + ": " + balances.size()
                        + " accounts sum to " + sum + " " + balances);
                }
                snapshotsChecked.incrementAndGet();
            } catch (final KeyErrorException | TxnTransportException | TxnAbortedException ex) {
                failures.computeIfAbsent("snapshot: " + ex.getClass().getSimpleName(), k -> new AtomicInteger())
                    .incrementAndGet();
            } catch (final RuntimeException | Error ex) {
                unexpected.add(ex);
                broken.countDown();
                return;
            }
        }
    }

    /** Everything under {@code b}: accounts and records, in one snapshot, retried until the cluster answers. */
    private static Map<String, byte[]> readAll(final TxnKvClient kv) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + FINAL_READ_MS;
        while (true) {
            try (Transaction txn = kv.begin()) {
                final Map<String, byte[]> all = new ConcurrentSkipListMap<>();
                for (final KeyValue pair : txn.scan(bytes("b"), bytes("c"), Integer.MAX_VALUE)) {
                    all.put(text(pair.key()), pair.value());
                }
                return all;
            } catch (final KeyErrorException | TxnTransportException ex) {
                if (System.currentTimeMillis() > deadline) {
                    throw ex;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    /**
     * The end state explained: the records replayed over the opening balances must give the final ones, and every
     * attempt's outcome must agree with whether its record exists.
     */
    private static final class Ledger {
        private final List<String> problems = new ArrayList<>();
        private final long[] balances = new long[ACCOUNTS];
        private int records;
        private int undeterminedCommitted;
        private int undeterminedNot;

        Ledger(final Map<String, byte[]> end, final List<Attempt> attempts) {
            final long[] replayed = new long[ACCOUNTS];
            Arrays.fill(replayed, INITIAL_BALANCE);
            final Map<String, Attempt> byKey = new HashMap<>();
            attempts.forEach(attempt -> byKey.put(attempt.recordKey(), attempt));
            for (final Map.Entry<String, byte[]> entry : end.entrySet()) {
                final String key = entry.getKey();
                final String value = text(entry.getValue());
                if (key.length() == 3) {
                    balances[Integer.parseInt(key.substring(1))] = Long.parseLong(value);
                    continue;
                }
                records++;
                final String[] parts = value.split(",");
                final Attempt attempt = byKey.get(key);
                if (attempt == null || Integer.parseInt(parts[0]) != attempt.from()
                    || Integer.parseInt(parts[1]) != attempt.to() || Long.parseLong(parts[2]) != attempt.amount()) {
                    problems.add("record " + key + " = " + value + " is no attempt's: " + attempt);
                    continue;
                }
                replayed[attempt.from()] -= attempt.amount();
                replayed[attempt.to()] += attempt.amount();
            }
            for (final Attempt attempt : attempts) {
                final boolean recorded = end.containsKey(attempt.recordKey());
                switch (attempt.outcome()) {
                    case COMMITTED -> {
                        if (!recorded) {
                            problems.add("committed without its record: " + attempt);
                        }
                    }
                    case FAILED -> {
                        if (recorded) {
                            problems.add("failed but recorded: " + attempt);
                        }
                    }
                    default -> {
                        if (recorded) {
                            undeterminedCommitted++;
                        } else {
                            undeterminedNot++;
                        }
                    }
                }
            }
            if (!Arrays.equals(replayed, balances)) {
                problems.add("replayed records give " + Arrays.toString(replayed) + " but the accounts hold "
                    + Arrays.toString(balances));
            }
            if (Arrays.stream(balances).sum() != TOTAL) {
                problems.add("the final balances sum to " + Arrays.stream(balances).sum());
            }
        }

        String describe() {
            return Arrays.toString(balances);
        }
    }

    private static byte[] account(final int i) {
        return bytes(String.format("b%02d", i));
    }

    private static byte[] number(final long value) {
        return bytes(Long.toString(value));
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
