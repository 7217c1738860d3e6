package io.tkv.server.system;

import io.tkv.client.CasResult;
import io.tkv.client.ClientConfig;
import io.tkv.client.RawKvClient;
import io.tkv.client.TkvException;
import io.tkv.client.TkvTimeoutException;
import io.tkv.raft.linearizability.LinearizabilityChecker;
import io.tkv.raft.linearizability.Operation;
import io.tkv.raft.linearizability.RegisterModel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Several clients running get / put / compare-and-swap on a few registers against a cluster, each client one
 * operation at a time, recording every call and return (System.nanoTime) for the linearizability checker. A write
 * that timed out or failed without a definite answer is recorded as maybe-happened (no return); a read that failed
 * is dropped (it had no effect). Values are unique per write, so a read names the write it saw.
 */
final class RegisterWorkload implements AutoCloseable {
    private static final long MAX_STEPS_PER_KEY = 20_000_000;

    private final List<RawKvClient> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Operation<RegisterModel.Op, Long>> history =
        Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final int keys;
    private volatile Throwable unexpected;
    private final java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

    RegisterWorkload(final List<String> endpoints, final int clientCount, final int keyCount, final long seed) {
        this(endpoints, "127.0.0.1", clientCount, keyCount, seed);
    }

    /** @param clientHost the address of this host the stores reach; the clients receive replies there. */
    RegisterWorkload(
        final List<String> endpoints, final String clientHost, final int clientCount, final int keyCount,
        final long seed) {
        this(endpoints, clientHost, "", clientCount, keyCount, seed);
    }

    /** @param secret the client secret the stores want ("" on loopback). */
    RegisterWorkload(
        final List<String> endpoints, final String clientHost, final String secret, final int clientCount,
        final int keyCount, final long seed) {
        this.keys = keyCount;
        for (int c = 0; c < clientCount; c++) {
            clients.add(RawKvClient.connect(new ClientConfig()
                .storeEndpoints(endpoints)
                .secret(secret)
                .egressChannel("aeron:udp?endpoint=" + clientHost + ":0")
                .clientName("register-" + c)
                .requestTimeoutMs(3_000)
                .connectTimeoutMs(20_000)));
        }
        for (int c = 0; c < clientCount; c++) {
            final int client = c;
            final Thread thread = new Thread(() -> run(client, new SplittableRandom(seed * 31 + client)),
                "register-client-" + c);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** @return every error a client saw (timeouts included), in the order they came. */
    List<String> errors() {
        synchronized (errors) {
            return new ArrayList<>(errors);
        }
    }

    long completedOperations() {
        return completed.get();
    }

    /** Stops the clients (each finishes its current operation) and returns the history. */
    List<Operation<RegisterModel.Op, Long>> stop() throws InterruptedException {
        running.set(false);
        for (final Thread thread : threads) {
            thread.join(30_000);
        }
        if (unexpected != null) {
            throw new AssertionError("a client failed unexpectedly", unexpected);
        }
        synchronized (history) {
            return new ArrayList<>(history);
        }
    }

    static LinearizabilityChecker.Result check(final List<Operation<RegisterModel.Op, Long>> history) {
        return LinearizabilityChecker.checkPerKey(new RegisterModel(), history, RegisterModel.Op::key,
            MAX_STEPS_PER_KEY);
    }

    private void run(final int client, final SplittableRandom random) {
        final RawKvClient kv = clients.get(client);
        long seq = 0;
        final long[] lastSeen = new long[keys];
        try {
            while (running.get()) {
                final int key = random.nextInt(keys);
                final int dice = random.nextInt(10);
                final long value = ((long)(client + 1) << 40) | ++seq;
                final long call = System.nanoTime();
                if (dice < 4) {
                    get(kv, client, key, call, lastSeen);
                } else if (dice < 7) {
                    write(client, RegisterModel.Op.put(key, value), call, () -> {
                        kv.put(keyBytes(key), valueBytes(value));
                        return RegisterModel.OK;
                    });
                } else {
                    final long expected = random.nextInt(3) == 0 ? 0 : lastSeen[key];
                    write(client, RegisterModel.Op.cas(key, expected, value), call, () -> {
                        final CasResult result = kv.compareAndSwap(keyBytes(key),
                            expected == 0 ? null : valueBytes(expected), valueBytes(value));
                        return result.swapped() ? RegisterModel.OK : RegisterModel.FAILED;
                    });
                }
            }
        } catch (final Throwable ex) {
            unexpected = ex;
        }
    }

    private void get(final RawKvClient kv, final int client, final int key, final long call, final long[] lastSeen) {
        try {
            final byte[] value = kv.get(keyBytes(key));
            final long seen = value == null ? 0 : ByteBuffer.wrap(value).getLong();
            lastSeen[key] = seen;
            history.add(new Operation<>(client, RegisterModel.Op.get(key), seen, call, System.nanoTime()));
            completed.incrementAndGet();
        } catch (final TkvException ex) {
            // A read that failed changed nothing: it is not part of the history.
            errors.add("get: " + ex);
        }
    }

    private void write(final int client, final RegisterModel.Op op, final long call, final Write write) {
        try {
            final long output = write.run();
            history.add(new Operation<>(client, op, output, call, System.nanoTime()));
            completed.incrementAndGet();
        } catch (final TkvTimeoutException ex) {
            history.add(Operation.pending(client, op, call));
            errors.add(op + ": " + ex);
        } catch (final TkvException ex) {
            errors.add(op + ": " + ex);
            // Not OK: the write may or may not have been applied (e.g. the leader failed after proposing).
            history.add(Operation.pending(client, op, call));
        }
    }

    @FunctionalInterface
    private interface Write {
        long run();
    }

    static byte[] keyBytes(final int key) {
        return ("reg-" + key).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] valueBytes(final long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    @Override
    public void close() {
        running.set(false);
        for (final RawKvClient client : clients) {
            client.close();
        }
    }
}
