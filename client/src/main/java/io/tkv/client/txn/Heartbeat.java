package io.tkv.client.txn;

import io.tkv.codec.keys.Timestamps;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a long transaction's locks alive, as client-go's {@code ttlManager}: every interval, a txn-heart-beat raises
 * the primary lock's ttl to the time since the start ts plus the configured ttl, so resolvers see the transaction
 * alive while its coordinator is. Runs on the client's timer thread and never blocks it; stops itself when the
 * primary lock is gone (the transaction ended), and is stopped by the transaction when it commits or rolls back.
 */
final class Heartbeat {
    private final TxnTransport transport;
    private final byte[] primary;
    private final long startTs;
    private final long lockTtlMs;
    private final AtomicLong beats = new AtomicLong();
    private volatile ScheduledFuture<?> task;

    private Heartbeat(final TxnTransport transport, final byte[] primary, final long startTs, final long lockTtlMs) {
        this.transport = transport;
        this.primary = primary;
        this.startTs = startTs;
        this.lockTtlMs = lockTtlMs;
    }

    /**
     * Starts heart-beating, or returns {@code null} if heartbeats are off.
     */
    static Heartbeat start(
        final TxnTransport transport, final TxnConfig config, final ScheduledExecutorService timer,
        final byte[] primary, final long startTs) {
        if (config.heartbeatIntervalMs() == 0) {
            return null;
        }
        final Heartbeat heartbeat = new Heartbeat(transport, primary, startTs, config.lockTtlMs());
        heartbeat.task = timer.scheduleAtFixedRate(heartbeat::beat, config.heartbeatIntervalMs(),
            config.heartbeatIntervalMs(), TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    /** Stops the beats; idempotent; may be called with {@code null}. */
    static void stop(final Heartbeat heartbeat) {
        if (heartbeat != null) {
            heartbeat.task.cancel(false);
        }
    }

    /** @return how many beats were answered. */
    long beats() {
        return beats.get();
    }

    private void beat() {
        final long sinceStartMs = System.currentTimeMillis() - Timestamps.physicalMs(startTs);
        transport.txnHeartBeat(primary, startTs, Math.max(0, sinceStartMs) + lockTtlMs).whenComplete((ttl, failure) -> {
            if (failure == null) {
                beats.incrementAndGet();
            } else if (Rpc.unwrap(failure) instanceof TxnNotFoundException) {
                task.cancel(false);
            }
            // A transport failure: try again at the next beat.
        });
    }
}
