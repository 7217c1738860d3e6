package io.tkv.server.system;

import io.tkv.client.txn.Mutation;
import io.tkv.client.txn.PrewriteRequest;
import io.tkv.client.txn.PrewriteResult;
import io.tkv.client.txn.TxnTransport;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The killed coordinator's transport ({@link TxnCoordinatorMain}): a transaction registered with a {@link Phase}
 * runs its commit as usual up to that point, prints {@code PHASE <name> <startTs>} and then blocks its committing
 * thread for good, so that a {@code kill -9} lands exactly there. The point is taken on the committing thread, which
 * sends every prewrite and the commits in order: blocking it keeps whatever comes later from being sent.
 */
final class PhaseStopTransport extends ForwardingTxnTransport {
    private static final long REQUEST_TIMEOUT_S = 30;

    /** Where a commit stops. */
    enum Phase {
        /** 2PC: the primary's region prewritten, no other region's prewrite sent. */
        PRIMARY_PREWRITTEN("prewrite-primary-done"),
        /** 2PC: every region prewritten, the primary's commit not sent. */
        ALL_PREWRITTEN("prewrite-all-done"),
        /** 2PC: the primary committed (the commit point), no secondary's commit sent. */
        PRIMARY_COMMITTED("commit-primary-done"),
        /** Async commit: every region prewritten (the transaction is committed), no commit sent. */
        ASYNC_PREWRITTEN("async-prewrite-all-done");

        private final String line;

        Phase(final String line) {
            this.line = line;
        }

        /** @return the name printed in the PHASE line. */
        String line() {
            return line;
        }
    }

    private final PrintStream out;
    private final Map<Long, Phase> stops = new ConcurrentHashMap<>();
    private final Map<Long, byte[]> primaries = new ConcurrentHashMap<>();
    /** Per transaction, whether a region answered a min commit ts of 0 (the store fell back from async commit). */
    private final Map<Long, Boolean> fellBack = new ConcurrentHashMap<>();

    PhaseStopTransport(final TxnTransport real, final PrintStream out) {
        super(real);
        this.out = out;
    }

    /** The transaction of this start ts stops at {@code phase} when it commits. */
    void stopAt(final long startTs, final Phase phase) {
        stops.put(startTs, phase);
    }

    @Override
    public CompletableFuture<PrewriteResult> prewrite(final PrewriteRequest request) {
        final long startTs = request.startTs();
        final Phase phase = stops.get(startTs);
        if (phase == null) {
            return real().prewrite(request);
        }
        primaries.put(startTs, request.primary());
        final boolean holdsPrimary = request.mutations().stream()
            .map(Mutation::key).anyMatch(key -> Arrays.equals(key, request.primary()));
        if (phase == Phase.PRIMARY_PREWRITTEN) {
            if (!holdsPrimary) {
                // Never sent: only the primary's region gets its locks.
                return new CompletableFuture<>();
            }
            final PrewriteResult result = await(real().prewrite(request));
            if (!result.locked().isEmpty()) {
                throw new IllegalStateException("txn " + startTs + ": primary prewrite met locks " + result);
            }
            stop(phase, startTs);
        }
        return real().prewrite(request).whenComplete((result, failure) -> {
            if (result != null && result.minCommitTs() == 0) {
                fellBack.put(startTs, true);
            }
        });
    }

    @Override
    public CompletableFuture<Void> commit(final List<byte[]> keys, final long startTs, final long commitTs) {
        final Phase phase = stops.get(startTs);
        if (phase == Phase.ALL_PREWRITTEN || phase == Phase.ASYNC_PREWRITTEN) {
            // The committer asks for commits only once every prewrite succeeded.
            if (phase == Phase.ASYNC_PREWRITTEN && fellBack.containsKey(startTs)) {
                out.println("FELL-BACK " + startTs);
            }
            stop(phase, startTs);
        }
        if (phase == Phase.PRIMARY_COMMITTED &&
            keys.stream().anyMatch(key -> Arrays.equals(key, primaries.get(startTs)))) {
            await(real().commit(keys, startTs, commitTs));
            stop(phase, startTs);
        }
        return real().commit(keys, startTs, commitTs);
    }

    private void stop(final Phase phase, final long startTs) {
        out.println("PHASE " + phase.line() + " " + startTs);
        out.flush();
        while (true) {
            LockSupport.park(this);
        }
    }

    private static <T> T await(final CompletableFuture<T> future) {
        try {
            return future.get(REQUEST_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (final ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("request before the stop failed", ex);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
