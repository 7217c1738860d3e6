package io.tkv.txn.history;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A history as JSON lines, one transaction a line, so a failing system test can dump what it saw and a unit test
 * can load it again:
 * <pre>
 * {"id":7,"process":2,"invokeNs":1200,"completeNs":1900,"outcome":"ok","ops":[["append",3,41],["r",3,[40,41]]]}
 * </pre>
 * A read's result is {@code null} when unknown; a completion time of {@code null} means never completed. Only this
 * fixed shape is parsed (no escapes, no floats), with field order free.
 */
public final class HistoryCodec {
    private HistoryCodec() {
    }

    /** One line for {@code txn}, without the newline. */
    public static String toLine(final Txn txn) {
        final StringBuilder sb = new StringBuilder(64 + 16 * txn.ops().size());
        sb.append("{\"id\":").append(txn.id())
            .append(",\"process\":").append(txn.process())
            .append(",\"invokeNs\":").append(txn.invokeNs())
            .append(",\"completeNs\":").append(txn.completeNs() == Long.MAX_VALUE ? "null" : txn.completeNs())
            .append(",\"outcome\":\"").append(txn.outcome().name().toLowerCase()).append("\",\"ops\":[");
        for (int i = 0; i < txn.ops().size(); i++) {
            final MicroOp op = txn.ops().get(i);
            sb.append(i == 0 ? "[" : ",[");
            if (op.isAppend()) {
                sb.append("\"append\",").append(op.key()).append(',').append(op.value());
            } else {
                sb.append("\"r\",").append(op.key()).append(',');
                final long[] list = op.resultArray();
                if (list == null) {
                    sb.append("null");
                } else {
                    sb.append('[');
                    for (int j = 0; j < list.length; j++) {
                        sb.append(j == 0 ? "" : ",").append(list[j]);
                    }
                    sb.append(']');
                }
            }
            sb.append(']');
        }
        return sb.append("]}").toString();
    }

    /** Parses one line written by {@link #toLine}. */
    public static Txn fromLine(final String line) {
        return new LineParser(line).txn();
    }

    public static void write(final Path file, final List<Txn> history) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (final Txn txn : history) {
                w.write(toLine(txn));
                w.newLine();
            }
        }
    }

    public static List<Txn> read(final Path file) throws IOException {
        final List<Txn> history = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    history.add(fromLine(line));
                } catch (final IllegalArgumentException e) {
                    throw new IOException(file + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        }
        return history;
    }

    /** Recursive descent over the one shape we write. */
    private static final class LineParser {
        private final String s;
        private int pos;

        LineParser(final String s) {
            this.s = s;
        }

        Txn txn() {
            Integer id = null;
            Integer process = null;
            Long invokeNs = null;
            long completeNs = Long.MAX_VALUE;
            Outcome outcome = null;
            List<MicroOp> ops = null;
            expect('{');
            do {
                final String field = string();
                expect(':');
                switch (field) {
                    case "id" -> id = (int) number();
                    case "process" -> process = (int) number();
                    case "invokeNs" -> invokeNs = number();
                    case "completeNs" -> completeNs = tryNull() ? Long.MAX_VALUE : number();
                    case "outcome" -> outcome = Outcome.valueOf(string().toUpperCase());
                    case "ops" -> ops = ops();
                    default -> throw error("unknown field " + field);
                }
            } while (tryChar(','));
            expect('}');
            skipSpace();
            if (pos != s.length() || id == null || process == null || invokeNs == null || outcome == null
                || ops == null) {
                throw error("incomplete or trailing text");
            }
            return new Txn(id, process, invokeNs, completeNs, outcome, ops);
        }

        private List<MicroOp> ops() {
            final List<MicroOp> ops = new ArrayList<>();
            expect('[');
            if (tryChar(']')) {
                return ops;
            }
            do {
                expect('[');
                final String f = string();
                expect(',');
                final long key = number();
                expect(',');
                switch (f) {
                    case "append" -> ops.add(MicroOp.append(key, number()));
                    case "r" -> ops.add(tryNull() ? MicroOp.read(key) : MicroOp.read(key, list()));
                    default -> throw error("unknown micro-op " + f);
                }
                expect(']');
            } while (tryChar(','));
            expect(']');
            return ops;
        }

        private long[] list() {
            expect('[');
            long[] values = new long[8];
            int n = 0;
            if (!tryChar(']')) {
                do {
                    if (n == values.length) {
                        values = Arrays.copyOf(values, 2 * n);
                    }
                    values[n++] = number();
                } while (tryChar(','));
                expect(']');
            }
            return Arrays.copyOf(values, n);
        }

        private String string() {
            expect('"');
            final int end = s.indexOf('"', pos);
            if (end < 0) {
                throw error("unterminated string");
            }
            final String v = s.substring(pos, end);
            pos = end + 1;
            return v;
        }

        private long number() {
            skipSpace();
            final int start = pos;
            if (pos < s.length() && s.charAt(pos) == '-') {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            try {
                return Long.parseLong(s.substring(start, pos));
            } catch (final NumberFormatException e) {
                throw error("number expected");
            }
        }

        private boolean tryNull() {
            skipSpace();
            if (s.startsWith("null", pos)) {
                pos += 4;
                return true;
            }
            return false;
        }

        private boolean tryChar(final char c) {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(final char c) {
            if (!tryChar(c)) {
                throw error("'" + c + "' expected");
            }
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private IllegalArgumentException error(final String what) {
            return new IllegalArgumentException(what + " at column " + pos + " of " + s);
        }
    }
}
