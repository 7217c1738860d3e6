package io.tkv.raft.sim;

import io.tkv.raft.linearizability.RegisterModel;

import java.nio.ByteBuffer;

/**
 * A write on the simulated register store, as log entry data: the operation plus the client's id and sequence
 * number, which the state machine uses to apply a retried write only once.
 *
 * @param client client id.
 * @param seq    the client's sequence number of this operation (one at a time per client, increasing).
 * @param op     a PUT or CAS.
 */
record KvCommand(int client, long seq, RegisterModel.Op op) {
    private static final int LENGTH = 1 + Integer.BYTES + 4 * Long.BYTES;

    byte[] encode() {
        return ByteBuffer.allocate(LENGTH).put((byte)op.kind().ordinal()).putInt(client).putLong(seq)
            .putLong(op.key()).putLong(op.value()).putLong(op.newValue()).array();
    }

    static KvCommand decode(final byte[] data) {
        if (data.length != LENGTH) {
            throw new IllegalArgumentException("not a command: " + data.length + " bytes");
        }
        final ByteBuffer b = ByteBuffer.wrap(data);
        final RegisterModel.Kind kind = RegisterModel.Kind.values()[b.get()];
        final int client = b.getInt();
        final long seq = b.getLong();
        return new KvCommand(client, seq, new RegisterModel.Op(kind, b.getLong(), b.getLong(), b.getLong()));
    }
}
