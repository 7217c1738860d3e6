package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tkv.storage.EngineWriteBatch;
import io.tkv.txn.command.PrewriteCommand;
import io.tkv.txn.command.TxnCommand;
import io.tkv.txn.command.TxnResponse;
import io.tkv.txn.lockwait.LockWaitConfig;
import io.tkv.txn.sched.Latches;
import io.tkv.txn.sched.SnapshotSource;
import io.tkv.txn.sched.TxnScheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;

/**
 * A {@link TxnScheduler} over a real RocksDB, with an output standing in for the server: proposals are kept in order
 * and applied the way the apply path will, by decoding the proposed bytes and writing them in one write batch, then
 * reporting {@link TxnScheduler#onApplied}.
 */
abstract class SchedulerTestSupport extends MvccTestSupport {
    final Map<Long, TxnResponse> responses = new HashMap<>();
    final ArrayDeque<Proposal> proposals = new ArrayDeque<>();
    TxnScheduler scheduler;
    int appliedBatches;
    private long nextRequestId = 1;

    /** A proposed write batch. */
    record Proposal(long commandId, byte[] bytes) {
    }

    @BeforeEach
    void openScheduler() {
        scheduler = newScheduler(64);
    }

    TxnScheduler newScheduler(final int maxWaiting) {
        return newScheduler(maxWaiting, LockWaitConfig.defaults());
    }

    TxnScheduler newScheduler(final int maxWaiting, final LockWaitConfig lockWait) {
        return new TxnScheduler(SnapshotSource.ofEngine(engine), cm, new Latches<>(1024, maxWaiting),
            new TxnScheduler.Output() {
                @Override
                public void respond(final long requestId, final TxnResponse response) {
                    assertTrue(responses.put(requestId, response) == null, "second answer to request " + requestId);
                }

                @Override
                public void propose(final long commandId, final byte[] writeBatch) {
                    proposals.addLast(new Proposal(commandId, writeBatch));
                }
            }, lockWait);
    }

    /** Submits a command without applying anything. */
    long submit(final TxnCommand command) {
        final long requestId = nextRequestId++;
        scheduler.submit(requestId, command);
        return requestId;
    }

    /** Applies the oldest proposal in one write batch and reports it applied. */
    void applyNext() {
        final Proposal proposal = proposals.pollFirst();
        assertNotNull(proposal, "nothing proposed");
        try (EngineWriteBatch batch = new EngineWriteBatch(engine)) {
            for (final Modify modify : WriteBatchCodec.decode(proposal.bytes())) {
                if (modify.isDelete()) {
                    batch.delete(modify.family(), modify.key());
                } else {
                    batch.put(modify.family(), modify.key(), modify.value());
                }
            }
            batch.write();
        }
        appliedBatches++;
        assertTrue(scheduler.onApplied(proposal.commandId()));
    }

    void applyAll() {
        while (!proposals.isEmpty()) {
            applyNext();
        }
    }

    /** Submits a command, applies what it and any follow-up propose, and returns its answer. */
    TxnResponse exec(final TxnCommand command) {
        final long requestId = submit(command);
        applyAll();
        final TxnResponse response = responses.remove(requestId);
        assertNotNull(response, "no answer to " + command);
        return response;
    }

    /** Submits a command that must answer at once (a read, an error), applying nothing. */
    TxnResponse answerNow(final TxnCommand command) {
        final TxnResponse response = responses.remove(submit(command));
        assertNotNull(response, "no immediate answer to " + command);
        return response;
    }

    <R extends TxnResponse> R exec(final Class<R> type, final TxnCommand command) {
        return assertInstanceOf(type, exec(command));
    }

    <E extends TxnException> E execFails(final Class<E> type, final TxnCommand command) {
        return assertInstanceOf(type, exec(TxnResponse.Error.class, command).error());
    }

    TxnResponse.Prewrite prewriteKeys(final long startTs, final String primary, final String... keyValues) {
        return exec(TxnResponse.Prewrite.class,
            PrewriteCommand.optimistic(puts(keyValues), b(primary), startTs, 3_000));
    }

    static List<Mutation> puts(final String... keyValues) {
        final List<Mutation> mutations = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            mutations.add(Mutation.put(b(keyValues[i]), b(keyValues[i + 1])));
        }
        return mutations;
    }

    static List<byte[]> keys(final String... keys) {
        final List<byte[]> out = new ArrayList<>();
        for (final String key : keys) {
            out.add(b(key));
        }
        return out;
    }
}
