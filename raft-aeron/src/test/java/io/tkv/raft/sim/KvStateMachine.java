package io.tkv.raft.sim;

import io.tkv.raft.core.ConfChange;
import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.Entry;
import io.tkv.raft.core.EntryType;
import io.tkv.raft.core.Snapshot;
import io.tkv.raft.linearizability.RegisterModel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulated store's state machine: registers by key, and per client the last applied sequence number with its
 * result. A write whose (client, seq) was applied already is not applied again and answers the recorded result;
 * one with an older seq (the client gave up on it and moved on) is ignored. The dedup table is part of the state,
 * so it is in every snapshot: the design the store will use for retried puts and CAS. Also the membership as of
 * the applied index (what a snapshot must carry).
 */
final class KvStateMachine {
    /** Result of a write that was not applied (a stale retry). */
    static final long IGNORED = -1;

    private final TreeMap<Long, Long> registers = new TreeMap<>();
    private final TreeMap<Integer, long[]> lastByClient = new TreeMap<>();
    private ConfState conf;
    private long applied;
    private long appliedTerm;

    private KvStateMachine(final ConfState conf) {
        this.conf = conf;
    }

    /** @return the state in {@code snapshot}, or an empty one (a peer that never had a snapshot). */
    static KvStateMachine restore(final Snapshot snapshot) {
        final KvStateMachine sm = new KvStateMachine(new ConfState(new long[0], new long[0]));
        if (snapshot != null) {
            sm.install(snapshot);
        }
        return sm;
    }

    long applied() {
        return applied;
    }

    ConfState conf() {
        return conf;
    }

    long get(final long key) {
        return registers.getOrDefault(key, 0L);
    }

    /**
     * Applies the next committed entry.
     *
     * @return for a write: its result ({@link RegisterModel#OK} / {@link RegisterModel#FAILED}), the recorded result
     *     of a duplicate, or {@link #IGNORED}; for anything else {@link #IGNORED}.
     */
    long apply(final Entry e) {
        if (e.index() != applied + 1) {
            throw new IllegalStateException("applied " + e + " after " + applied);
        }
        applied = e.index();
        appliedTerm = e.term();
        if (e.type() == EntryType.CONF_CHANGE) {
            conf = conf.apply(ConfChange.decode(e.data()));
            return IGNORED;
        }
        if (e.data().length == 0) {
            return IGNORED;
        }
        final KvCommand c = KvCommand.decode(e.data());
        final long[] last = lastByClient.get(c.client());
        if (last != null && c.seq() <= last[0]) {
            return c.seq() == last[0] ? last[1] : IGNORED;
        }
        final RegisterModel.Op op = c.op();
        final long result;
        if (op.kind() == RegisterModel.Kind.PUT) {
            registers.put(op.key(), op.value());
            result = RegisterModel.OK;
        } else if (get(op.key()) == op.value()) {
            registers.put(op.key(), op.newValue());
            result = RegisterModel.OK;
        } else {
            result = RegisterModel.FAILED;
        }
        lastByClient.put(c.client(), new long[] {c.seq(), result});
        return result;
    }

    /** @return the last result recorded for (client, seq), or {@link #IGNORED} if that write is not applied. */
    long resultOf(final int client, final long seq) {
        final long[] last = lastByClient.get(client);
        return last != null && last[0] == seq ? last[1] : IGNORED;
    }

    Snapshot snapshot() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(registers.size());
            for (final Map.Entry<Long, Long> r : registers.entrySet()) {
                out.writeLong(r.getKey());
                out.writeLong(r.getValue());
            }
            out.writeInt(lastByClient.size());
            for (final Map.Entry<Integer, long[]> c : lastByClient.entrySet()) {
                out.writeInt(c.getKey());
                out.writeLong(c.getValue()[0]);
                out.writeLong(c.getValue()[1]);
            }
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new Snapshot(applied, appliedTerm, conf, bytes.toByteArray());
    }

    /** Replaces the whole state with a snapshot's. */
    void install(final Snapshot s) {
        registers.clear();
        lastByClient.clear();
        if (s.data().length > 0) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(s.data()))) {
                final int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    registers.put(in.readLong(), in.readLong());
                }
                final int clients = in.readInt();
                for (int i = 0; i < clients; i++) {
                    lastByClient.put(in.readInt(), new long[] {in.readLong(), in.readLong()});
                }
            } catch (final IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        conf = s.conf();
        applied = s.index();
        appliedTerm = s.term();
    }

    /** @return a digest of the registers and dedup table, to compare replicas. */
    String digest() {
        final StringBuilder sb = new StringBuilder().append(registers);
        for (final Map.Entry<Integer, long[]> c : lastByClient.entrySet()) {
            sb.append(' ').append(c.getKey()).append(':').append(c.getValue()[0]).append('=').append(c.getValue()[1]);
        }
        return sb.toString();
    }
}
