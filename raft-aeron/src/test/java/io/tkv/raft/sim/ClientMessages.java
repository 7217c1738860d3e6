package io.tkv.raft.sim;

import io.tkv.raft.linearizability.RegisterModel;

/** What simulated clients and peers say to each other. */
final class ClientMessages {
    private ClientMessages() {
    }

    /** An attempt of a client operation. */
    record Request(int client, long seq, int attempt, RegisterModel.Op op, boolean lease) {
    }

    /** Outcomes of an attempt. */
    enum Status {
        OK,
        NOT_LEADER,
        BUSY
    }

    /**
     * @param value  GET: the value read; writes: the result.
     * @param leader NOT_LEADER: the peer's idea of the leader, or 0.
     */
    record Response(int client, long seq, int attempt, Status status, long value, long leader) {
    }
}
