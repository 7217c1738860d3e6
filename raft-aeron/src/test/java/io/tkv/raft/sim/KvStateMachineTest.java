package io.tkv.raft.sim;

import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.linearizability.RegisterModel;
import io.tkv.raft.linearizability.RegisterModel.Op;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KvStateMachineTest {
    private static Entry write(final long index, final int client, final long seq, final Op op) {
        return new Entry(index, 2, EntryType.NORMAL, new KvCommand(client, seq, op).encode());
    }

    private static KvStateMachine fresh() {
        return KvStateMachine.restore(new Snapshot(1, 1, ConfState.ofVoters(1, 2, 3), new byte[0]));
    }

    @Test
    void retriedCasShouldApplyOnceAndAnswerTheFirstResult() {
        final KvStateMachine sm = fresh();
        assertEquals(RegisterModel.OK, sm.apply(write(2, 1, 1, Op.put(7, 10))));
        assertEquals(RegisterModel.OK, sm.apply(write(3, 2, 1, Op.cas(7, 10, 20))));
        // The same CAS retried after a timeout lands in the log again: applying it again would now fail (20 != 10)
        // and, worse, a retried "cas 20 -> 10" would swap twice. It must answer OK and change nothing.
        assertEquals(RegisterModel.OK, sm.apply(write(4, 2, 1, Op.cas(7, 10, 20))));
        assertEquals(20, sm.get(7));
        assertEquals(RegisterModel.OK, sm.apply(write(5, 1, 2, Op.put(7, 30))));
        assertEquals(RegisterModel.OK, sm.apply(write(6, 1, 2, Op.put(7, 30))));
        assertEquals(KvStateMachine.IGNORED, sm.apply(write(7, 1, 1, Op.put(7, 10))), "older seq: given up");
        assertEquals(30, sm.get(7));
    }

    @Test
    void dedupTableShouldSurviveASnapshot() {
        final KvStateMachine sm = fresh();
        sm.apply(write(2, 5, 9, Op.cas(1, 0, 4)));
        final KvStateMachine copy = KvStateMachine.restore(sm.snapshot());
        assertEquals(sm.digest(), copy.digest());
        assertEquals(RegisterModel.OK, copy.apply(write(3, 5, 9, Op.cas(1, 0, 4))));
        assertEquals(4, copy.get(1));
        assertEquals(3, copy.applied(), "the duplicate still advances the applied index");
    }
}
