package io.tkv.txn;

import java.io.ByteArrayOutputStream;

/**
 * Writes the compact record formats read by {@link RecordReader}.
 */
final class RecordWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    RecordWriter writeByte(final int value) {
        out.write(value);
        return this;
    }

    RecordWriter writeVarLong(final long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int)(v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int)v);
        return this;
    }

    RecordWriter writeBytes(final byte[] bytes) {
        writeVarLong(bytes.length);
        out.write(bytes, 0, bytes.length);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
