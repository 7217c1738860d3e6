package io.tkv.raft.linearizability;

/**
 * A register per key with get, put and compare-and-set; values are longs, 0 meaning "no value". Outputs: the value
 * read (get), {@link #OK} (put), {@link #OK} or {@link #FAILED} (cas).
 */
public final class RegisterModel implements Model<Long, RegisterModel.Op, Long> {
    /** Output of a put, and of a cas that swapped. */
    public static final long OK = 1;
    /** Output of a cas that did not swap. */
    public static final long FAILED = 0;

    /** Kinds of register operation. */
    public enum Kind {
        GET,
        PUT,
        CAS
    }

    /**
     * One register operation.
     *
     * @param kind     what it does.
     * @param key      which register.
     * @param value    PUT: the value written; CAS: the value expected.
     * @param newValue CAS: the value written if the expected one is there.
     */
    public record Op(Kind kind, long key, long value, long newValue) {
        public static Op get(final long key) {
            return new Op(Kind.GET, key, 0, 0);
        }

        public static Op put(final long key, final long value) {
            return new Op(Kind.PUT, key, value, 0);
        }

        public static Op cas(final long key, final long expected, final long newValue) {
            return new Op(Kind.CAS, key, expected, newValue);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case GET -> "get(" + key + ")";
                case PUT -> "put(" + key + ", " + value + ")";
                case CAS -> "cas(" + key + ", " + value + " -> " + newValue + ")";
            };
        }
    }

    @Override
    public Long initialState() {
        return 0L;
    }

    @Override
    public Long step(final Long state, final Op op, final Long output) {
        switch (op.kind()) {
            case GET:
                return output == null || output.longValue() == state ? state : null;
            case PUT:
                return output == null || output == OK ? op.value() : null;
            case CAS: {
                final boolean swaps = state == op.value();
                if (output != null && output != (swaps ? OK : FAILED)) {
                    return null;
                }
                return swaps ? op.newValue() : state;
            }
            default:
                throw new IllegalArgumentException(op.toString());
        }
    }
}
