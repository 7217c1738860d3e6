package io.tkv.server.storepd;

import io.tkv.client.PdClient;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A store's PD worker thread before it has a PD client: connects to PD (a connect waits up to the client's connect
 * timeout, on this thread only), and on failure tries again after a back-off that doubles up to
 * {@link #MAX_BACKOFF_MS}, for as long as the store runs — as a TiKV store keeps retrying PD. Meanwhile the store
 * serves its regions; what the raft agent reports for PD waits in the link's bounded queue. Once connected it becomes
 * the {@link PdWorker} the client was for. Closes the client with the agent. The store's GC thread connects the same
 * way ({@link io.tkv.server.gc.GcDriver} as its worker).
 */
public final class PdConnector implements Agent {
    /** Longest wait between two attempts. */
    public static final long MAX_BACKOFF_MS = 10_000;
    private static final long FIRST_BACKOFF_MS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(PdConnector.class);

    private final Supplier<PdClient> connect;
    private final String roleName;
    private final Function<PdClient, Agent> worker;
    private final EpochClock clock;
    private PdClient client;
    private Agent delegate;
    private long backoffMs = FIRST_BACKOFF_MS;
    private long nextAttemptMs;
    private int failures;

    /**
     * @param connect connects to PD (throws if no member answers in time).
     * @param worker  the worker for a connected client.
     * @param clock   the wall clock.
     */
    public PdConnector(final Supplier<PdClient> connect, final Function<PdClient, Agent> worker,
        final EpochClock clock) {
        this(connect, worker, clock, "tkv-pd-worker");
    }

    /**
     * @param connect  connects to PD (throws if no member answers in time).
     * @param worker   the worker for a connected client.
     * @param clock    the wall clock.
     * @param roleName the agent's (and its thread's) name.
     */
    public PdConnector(final Supplier<PdClient> connect, final Function<PdClient, Agent> worker,
        final EpochClock clock, final String roleName) {
        this.connect = connect;
        this.worker = worker;
        this.clock = clock;
        this.roleName = roleName;
    }

    @Override
    public int doWork() throws Exception {
        if (delegate != null) {
            return delegate.doWork();
        }
        final long nowMs = clock.time();
        if (nowMs < nextAttemptMs) {
            return 0;
        }
        try {
            client = connect.get();
        } catch (final RuntimeException ex) {
            failures++;
            LOG.warn("{}: PD is unreachable (attempt {}: {}); the store serves its regions and tries again in {} ms",
                roleName, failures, ex.getMessage(), backoffMs);
            nextAttemptMs = clock.time() + backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            return 0;
        }
        if (failures > 0) {
            LOG.info("{}: PD reached after {} failed attempts", roleName, failures);
        }
        delegate = worker.apply(client);
        return 1;
    }

    @Override
    public void onClose() {
        if (delegate != null) {
            delegate.onClose();
        }
        CloseHelper.quietClose(client);
    }

    @Override
    public String roleName() {
        return roleName;
    }

    /** @return the worker, once PD was reached; null before. */
    public Agent worker() {
        return delegate;
    }

    /** @return failed attempts to reach PD so far. */
    public int failures() {
        return failures;
    }
}
