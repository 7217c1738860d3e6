package io.tkv.txn;

import java.util.Arrays;

/**
 * Reads the compact record formats of {@link Lock} and {@link Write}: bytes, unsigned LEB128 varints and
 * length-prefixed byte strings, every read checked against the end of the record first.
 */
final class RecordReader {
    private static final int MAX_VARINT_BYTES = 10;

    private final String what;
    private final byte[] in;
    private int pos;

    RecordReader(final String what, final byte[] in) {
        this.what = what;
        this.in = in;
    }

    int readByte() {
        if (pos >= in.length) {
            throw malformed("truncated at byte " + pos);
        }
        return in[pos++] & 0xFF;
    }

    long readVarLong() {
        long value = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            final int b = readByte();
            if (i == MAX_VARINT_BYTES - 1 && (b & 0xFE) != 0) {
                throw malformed("varint overflows 64 bits at byte " + (pos - 1));
            }
            value |= (long)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw malformed("varint longer than 10 bytes at byte " + pos);
    }

    int readLength(final int max) {
        final long length = readVarLong();
        if (length < 0 || length > max || length > in.length - pos) {
            throw malformed("length " + Long.toUnsignedString(length) + " at byte " + pos + " exceeds " +
                Math.min(max, in.length - pos));
        }
        return (int)length;
    }

    byte[] readBytes(final int max) {
        final int length = readLength(max);
        final byte[] out = Arrays.copyOfRange(in, pos, pos + length);
        pos += length;
        return out;
    }

    void expectEnd() {
        if (pos != in.length) {
            throw malformed((in.length - pos) + " trailing bytes");
        }
    }

    MalformedRecordException malformed(final String detail) {
        return new MalformedRecordException("malformed " + what + " record: " + detail);
    }
}
