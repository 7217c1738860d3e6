package io.tkv.perf;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * etcd (a peer to compare with) through its Java client, jetcd: one client over the members' client URLs, the
 * asynchronous KV API, loaded by the same loops as tkv ({@link AsyncTarget}), with the same keys and values.
 * <p>
 * Gets and scans are linearizable: jetcd's default, {@code serializable=false}, makes the member confirm its
 * leadership through a Raft read index before answering, as tkv's lease read answers only a leader's. Puts are
 * durable when answered: etcd fsyncs its WAL before it commits, there is no switch for that.
 * <p>
 * Only the perf module depends on jetcd (its gRPC and Netty stay out of the server and the client).
 */
public final class EtcdTarget extends AsyncTarget {
    /** etcd's default {@code --max-txn-ops}: a preload transaction with more puts is refused. */
    static final int MAX_TXN_OPS = 128;
    /** Well under etcd's default {@code --max-request-bytes} (1.5 MiB) for a preload transaction. */
    static final int MAX_TXN_BYTES = 1024 * 1024;
    /** What a put costs in a transaction beyond its key and value (protobuf tags, lengths): an overestimate. */
    private static final int PUT_OVERHEAD_BYTES = 32;
    private static final int PRELOAD_TXNS_IN_FLIGHT = 8;
    /** etcd's range end {@code "\0"}: every key from the start key up (etcdctl's --from-key). */
    private static final ByteSequence FROM_KEY = ByteSequence.from(new byte[] {0});

    private final Client client;
    private final KV kv;
    private final long requestTimeoutMs;

    private EtcdTarget(final Client client, final long requestTimeoutMs) {
        super("etcd");
        this.client = client;
        this.kv = client.getKVClient();
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /**
     * @param endpoints        the members' client URLs, comma-separated: {@code http://127.0.0.1:2379,...}.
     * @param requestTimeoutMs how long one request may take before it fails.
     * @return a target over a client of those members (jetcd connects lazily, at the first request).
     */
    public static EtcdTarget connect(final String endpoints, final long requestTimeoutMs) {
        final List<URI> uris = EtcdEndpoints.parse(endpoints);
        return new EtcdTarget(Client.builder().endpoints(uris.toArray(URI[]::new)).build(), requestTimeoutMs);
    }

    /**
     * @param keySize   bytes per key.
     * @param valueSize bytes per value.
     * @return puts per preload transaction: within etcd's default limits on operations and request bytes.
     */
    static int preloadBatch(final int keySize, final int valueSize) {
        final long perPut = (long)keySize + valueSize + PUT_OVERHEAD_BYTES;
        return (int)Math.max(1, Math.min(MAX_TXN_OPS, MAX_TXN_BYTES / perPut));
    }

    @Override
    public void preload(final KeySpace keys, final byte[] value) {
        final int batch = preloadBatch(keys.keySize(), value.length);
        final ByteSequence bytes = ByteSequence.from(value);
        final Semaphore window = new Semaphore(PRELOAD_TXNS_IN_FLIGHT);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        long index = 0;
        while (index < keys.keys() && failure.get() == null) {
            final long end = Math.min(keys.keys(), index + batch);
            final Op[] puts = new Op[(int)(end - index)];
            for (int i = 0; index < end; index++, i++) {
                puts[i] = Op.put(ByteSequence.from(keys.encode(index, keys.newKeyBuffer())), bytes, PutOption.DEFAULT);
            }
            window.acquireUninterruptibly();
            final Txn txn = kv.txn();
            txn.Then(puts).commit().orTimeout(requestTimeoutMs, TimeUnit.MILLISECONDS).whenComplete((ignored, ex) -> {
                if (ex != null) {
                    failure.compareAndSet(null, ex);
                }
                window.release();
            });
        }
        window.acquireUninterruptibly(PRELOAD_TXNS_IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("preloading etcd failed: " + failure.get(), failure.get());
        }
    }

    @Override
    protected CompletableFuture<?> send(final OpKind kind, final byte[] key, final byte[] value, final int scanLimit) {
        final CompletableFuture<?> future;
        switch (kind) {
            case PUT:
                future = kv.put(ByteSequence.from(key), ByteSequence.from(value));
                break;
            case GET:
                future = kv.get(ByteSequence.from(key));
                break;
            case SCAN:
                future = kv.get(ByteSequence.from(key),
                    GetOption.builder().withRange(FROM_KEY).withLimit(scanLimit).build());
                break;
            default:
                throw new IllegalStateException("unknown op " + kind);
        }
        // jetcd retries an unavailable member by itself and has no per-call deadline of its own.
        return future.orTimeout(requestTimeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    protected String check(final OpKind kind, final Object result) {
        if (kind == OpKind.GET && ((GetResponse)result).getKvs().isEmpty()) {
            return "preloaded key not found";
        }
        if (kind == OpKind.SCAN && ((GetResponse)result).getKvs().isEmpty()) {
            return "scan of a preloaded key returned nothing";
        }
        return null;
    }

    @Override
    public void close() {
        client.close();
    }
}
