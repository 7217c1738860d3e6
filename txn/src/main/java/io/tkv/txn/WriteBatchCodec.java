package io.tkv.txn;

import io.tkv.codec.keys.KeySpace;
import io.tkv.storage.ColumnFamily;

import java.util.ArrayList;
import java.util.List;

/**
 * The versioned binary form of the write batch a transactional command proposes: its {@link Modify modifications},
 * in order. The server puts these bytes in one Raft entry and every replica applies the same bytes in one RocksDB
 * write batch, so the format is part of the log and must outlive any one version of the code.
 *
 * <pre>
 * batch   := version:u8 (= 1)  count:varint  modify{count}
 * modify  := op:u8 (0 put, 1 delete)  cf:u8 (0 default, 1 lock, 2 write)  key:bytes  [value:bytes if put]
 * bytes   := length:varint  byte{length}
 * </pre>
 * Varints are unsigned LEB128 as in {@link Lock} and {@link Write}. A batch only touches the transactional key space
 * ({@code 'x'} prefix, see {@link TxnKeys}) of the three data column families: never RawKV keys, never the
 * {@code raft} CF. The decoder checks every length against the bytes left before it reads, refuses anything else
 * with {@link MalformedRecordException} (and nothing else), and allocates no more than the input's size.
 */
public final class WriteBatchCodec {
    /** The format version written. */
    public static final int VERSION = 1;
    /** Longest key accepted (an encoded user key plus its timestamp). */
    public static final int MAX_KEY_LENGTH = 1 << 20;

    private static final int OP_PUT = 0;
    private static final int OP_DELETE = 1;
    /** The column families a batch may write, by their code. */
    private static final ColumnFamily[] FAMILIES = {ColumnFamily.DEFAULT, ColumnFamily.LOCK, ColumnFamily.WRITE};
    /** The shortest encoded modify: op, cf, a key length and a one-byte key. */
    private static final int MIN_MODIFY_BYTES = 4;

    private WriteBatchCodec() {
    }

    /**
     * @param modifies the modifications, in the order they must be applied.
     * @return their encoding.
     * @throws IllegalArgumentException if a modification is outside what a batch may hold.
     */
    public static byte[] encode(final List<Modify> modifies) {
        final RecordWriter out = new RecordWriter().writeByte(VERSION).writeVarLong(modifies.size());
        for (final Modify modify : modifies) {
            checkKey(modify.key());
            out.writeByte(modify.isDelete() ? OP_DELETE : OP_PUT).writeByte(code(modify.family()));
            out.writeBytes(modify.key());
            if (!modify.isDelete()) {
                out.writeBytes(modify.value());
            }
        }
        return out.toByteArray();
    }

    /**
     * @param bytes an encoded batch.
     * @return the modifications, in order.
     * @throws MalformedRecordException if the bytes are not a batch this version can apply.
     */
    public static List<Modify> decode(final byte[] bytes) {
        final RecordReader in = new RecordReader("txn write batch", bytes);
        final int version = in.readByte();
        if (version != VERSION) {
            throw in.malformed("unknown version " + version);
        }
        final long count = in.readVarLong();
        if (count < 0 || count > bytes.length / MIN_MODIFY_BYTES) {
            throw in.malformed("count " + Long.toUnsignedString(count) + " cannot fit in " + bytes.length + " bytes");
        }
        final List<Modify> modifies = new ArrayList<>((int)count);
        for (long i = 0; i < count; i++) {
            final int op = in.readByte();
            if (op != OP_PUT && op != OP_DELETE) {
                throw in.malformed("modify " + i + " has unknown op " + op);
            }
            final int cf = in.readByte();
            if (cf >= FAMILIES.length) {
                throw in.malformed("modify " + i + " has unknown column family " + cf);
            }
            final byte[] key = in.readBytes(MAX_KEY_LENGTH);
            if (key.length == 0 || key[0] != KeySpace.TXN) {
                throw in.malformed("modify " + i + " has a key outside the transactional space");
            }
            final byte[] value = op == OP_PUT ? in.readBytes(Integer.MAX_VALUE) : null;
            modifies.add(new Modify(FAMILIES[cf], key, value));
        }
        in.expectEnd();
        return modifies;
    }

    private static int code(final ColumnFamily family) {
        for (int i = 0; i < FAMILIES.length; i++) {
            if (FAMILIES[i] == family) {
                return i;
            }
        }
        throw new IllegalArgumentException("a txn write batch cannot write CF " + family.cfName());
    }

    private static void checkKey(final byte[] key) {
        if (key.length == 0 || key[0] != KeySpace.TXN || key.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(
                "a txn write batch key must be in the transactional space and at most " + MAX_KEY_LENGTH + " bytes");
        }
    }
}
