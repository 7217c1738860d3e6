package io.tkv.server.system;

import io.tkv.client.ClientConfig;
import io.tkv.client.TxnRegionGrouping;
import io.tkv.client.txn.RpcTxnTransport;
import io.tkv.client.txn.Transaction;
import io.tkv.client.txn.TxnConfig;
import io.tkv.client.txn.TxnKv;
import io.tkv.client.txn.TxnKvClient;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A transaction coordinator in a process of its own, for {@link CoordinatorKillSystemTest} to {@code kill -9} in
 * the middle of a commit. It commits with 2PC or async commit (never 1PC: its keys span four regions), with short
 * lock ttls so that readers may resolve its locks soon after it dies, and writes each transaction's start ts
 * ({@link #value}) to every key of it. It prints one line per event, flushed at once:
 * <ul>
 * <li>{@code READY} once connected;</li>
 * <li>{@code TXN <tag> <startTs>} before a commit starts; {@code COMMITTED <tag> <startTs> <commitTs>} after it;
 *     {@code FAILED <tag> <startTs> <exception>} if it threw;</li>
 * <li>{@code PHASE <name> <startTs>} when a commit stopped at its {@link PhaseStopTransport.Phase} (it then blocks
 *     until killed).</li>
 * </ul>
 * Modes: {@code phases} runs one transaction per phase, each on its own thread, on keys {@link #keys keys(phase)};
 * {@code loop} runs transactions {@code r0, r1, ...} one after another on keys {@code keys("r" + n)} until killed,
 * even ones with 2PC, odd ones with async commit.
 *
 * <p>Arguments: {@code <phases|loop> <pd endpoint> <store endpoint>...}. It exits when the test JVM does (the
 * {@code tkv.coordinator.parent} property names its pid).
 */
public final class TxnCoordinatorMain {
    static final long LOCK_TTL_MS = 500;

    private TxnCoordinatorMain() {
    }

    /** @return the keys of the transaction tagged {@code tag}: one in each region of a cluster split at b, d, f. */
    static List<String> keys(final String tag) {
        return List.of("a-" + tag, "c-" + tag, "e-" + tag, "g-" + tag);
    }

    /** @return what the transaction of this start ts writes to each of its keys. */
    static byte[] value(final long startTs) {
        return ("ts:" + startTs).getBytes(StandardCharsets.UTF_8);
    }

    public static void main(final String[] args) throws Exception {
        exitWithParent();
        final PrintStream out = System.out;
        final String mode = args[0];
        final String pd = args[1];
        final List<String> stores = List.of(args).subList(2, args.length);
        final ClientConfig storeConfig = new ClientConfig().storeEndpoints(stores).clientName("coordinator")
            .secret(StoreCluster.ADMIN_SECRET).requestTimeoutMs(5_000).connectTimeoutMs(20_000);
        final ClientConfig pdConfig = new ClientConfig().storeEndpoints(pd).clientName("coordinator-tso")
            .requestTimeoutMs(5_000).connectTimeoutMs(20_000);
        try (TxnKv kv = TxnKv.connect(storeConfig, pdConfig, new TxnConfig())) {
            final PhaseStopTransport transport = new PhaseStopTransport(new RpcTxnTransport(kv.rpc(),
                TxnRegionGrouping.of(kv.stores()), kv.pd(), 5_000, 5_000), out);
            final TxnKvClient twoPc = new TxnKvClient(transport, config(false));
            final TxnKvClient async = new TxnKvClient(transport, config(true));
            line(out, "READY");
            if ("phases".equals(mode)) {
                phases(out, transport, twoPc, async);
            } else {
                for (long n = 0; ; n++) {
                    commit(out, n % 2 == 0 ? twoPc : async, "r" + n);
                }
            }
        }
    }

    private static void phases(final PrintStream out, final PhaseStopTransport transport, final TxnKvClient twoPc,
        final TxnKvClient async) throws InterruptedException {
        final List<Thread> threads = new ArrayList<>();
        for (final PhaseStopTransport.Phase phase : PhaseStopTransport.Phase.values()) {
            final TxnKvClient client = phase == PhaseStopTransport.Phase.ASYNC_PREWRITTEN ? async : twoPc;
            final Thread thread = new Thread(() -> {
                try (Transaction txn = client.begin()) {
                    transport.stopAt(txn.startTs(), phase);
                    write(out, txn, phase.line());
                }
            }, "txn-" + phase.line());
            thread.start();
            threads.add(thread);
        }
        for (final Thread thread : threads) {
            thread.join();
        }
        line(out, "UNEXPECTED every phase returned");
        while (true) {
            LockSupport.park();
        }
    }

    private static void commit(final PrintStream out, final TxnKvClient client, final String tag) {
        try (Transaction txn = client.begin()) {
            write(out, txn, tag);
        }
    }

    private static void write(final PrintStream out, final Transaction txn, final String tag) {
        for (final String key : keys(tag)) {
            txn.put(key.getBytes(StandardCharsets.UTF_8), value(txn.startTs()));
        }
        line(out, "TXN " + tag + " " + txn.startTs());
        try {
            final long commitTs = txn.commit();
            line(out, "COMMITTED " + tag + " " + txn.startTs() + " " + commitTs);
        } catch (final RuntimeException ex) {
            line(out, "FAILED " + tag + " " + txn.startTs() + " " + ex);
        }
    }

    private static TxnConfig config(final boolean asyncCommit) {
        // No heartbeats: a dead coordinator's locks must expire on their own ttl.
        return new TxnConfig().onePc(false).asyncCommit(asyncCommit).lockTtlMs(LOCK_TTL_MS).heartbeatIntervalMs(0)
            .requestTimeoutMs(10_000);
    }

    private static void line(final PrintStream out, final String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private static void exitWithParent() {
        final String parent = System.getProperty("tkv.coordinator.parent");
        if (parent != null) {
            ProcessHandle.of(Long.parseLong(parent))
                .ifPresent(handle -> handle.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));
        }
    }
}
