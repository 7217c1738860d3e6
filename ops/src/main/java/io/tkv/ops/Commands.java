package io.tkv.ops;

import io.tkv.client.CasResult;
import io.tkv.client.KvPair;
import io.tkv.client.RawKvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/** The single-request ctl commands. */
final class Commands {
    private Commands() {
    }

    @Command(name = "put", description = "Set a key's value.")
    static final class Put extends KvCommand {
        @Parameters(index = "0", description = "key")
        String key;

        @Parameters(index = "1", description = "value")
        String value;

        @Option(names = "--ttl", description = "seconds until the value expires (0: never)", defaultValue = "0")
        long ttlSeconds;

        @Override
        int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
            client.put(connection.bytes(key), connection.bytes(value), ttlSeconds);
            out.println("OK");
            return OK;
        }
    }

    @Command(name = "get", description = "Print a key's value; exit 1 if it has none.")
    static final class Get extends KvCommand {
        @Parameters(index = "0", description = "key")
        String key;

        @Override
        int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
            final byte[] value = client.get(connection.bytes(key));
            if (value == null) {
                err.println("not found");
                return NO;
            }
            out.println(connection.text(value));
            return OK;
        }
    }

    @Command(name = "delete", description = "Delete a key (deleting a missing key is not an error).")
    static final class Delete extends KvCommand {
        @Parameters(index = "0", description = "key")
        String key;

        @Override
        int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
            client.delete(connection.bytes(key));
            out.println("OK");
            return OK;
        }
    }

    @Command(name = "delete-range", description = "Delete every key in [start, end); omit end for 'to the end'.")
    static final class DeleteRange extends KvCommand {
        @Parameters(index = "0", description = "start key (inclusive)")
        String start;

        @Parameters(index = "1", arity = "0..1", description = "end key (exclusive)")
        String end;

        @Override
        int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
            client.deleteRange(connection.bytes(start), end == null ? new byte[0] : connection.bytes(end));
            out.println("OK");
            return OK;
        }
    }

    @Command(name = "scan", description = "Print key<TAB>value lines for keys in [start, end).")
    static final class Scan extends KvCommand {
        @Parameters(index = "0", arity = "0..1", description = "start key (inclusive; default: the first key)")
        String start;

        @Parameters(index = "1", arity = "0..1", description = "end key (exclusive; default: no end)")
        String end;

        @Option(names = {"-l", "--limit"}, description = "most pairs (default ${DEFAULT-VALUE})", defaultValue = "100")
        int limit;

        @Option(names = {"-r", "--reverse"}, description = "descending, from the end of the range")
        boolean reverse;

        @Option(names = {"-k", "--keys-only"}, description = "print keys only")
        boolean keysOnly;

        @Override
        int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
            final List<KvPair> pairs = client.scan(start == null ? new byte[0] : connection.bytes(start),
                end == null ? new byte[0] : connection.bytes(end), limit, reverse, keysOnly);
            for (final KvPair pair : pairs) {
                if (keysOnly) {
                    out.println(connection.text(pair.key()));
                } else {
                    out.println(connection.text(pair.key()) + "\t" + connection.text(pair.value()));
                }
            }
            err.println(pairs.size() + " pair(s)");
            return OK;
        }
    }

    @Command(name = "cas", description = "Compare and swap: set NEW if the value is EXPECTED (or absent, with "
        + "--expect-absent); exit 1 if it did not swap.")
    static final class Cas extends KvCommand {
        @Parameters(index = "0", description = "key")
        String key;

        @Parameters(index = "1", description = "new value")
        String newValue;

        @Option(names = "--expect", description = "the value the key must have now")
        String expected;

        @Option(names = "--expect-absent", description = "the key must have no value now")
        boolean expectAbsent;

        @Option(names = "--ttl", description = "seconds until the new value expires (0: never)", defaultValue = "0")
        long ttlSeconds;

        @Override
        int run(final RawKvClient client, final PrintWriter out, final PrintWriter err) {
            if (expectAbsent == (expected != null)) {
                throw new IllegalArgumentException("give exactly one of --expect VALUE or --expect-absent");
            }
            final CasResult result = client.compareAndSwap(connection.bytes(key),
                expectAbsent ? null : connection.bytes(expected), connection.bytes(newValue), ttlSeconds);
            final byte[] previous = result.previousValue();
            final String was = previous == null ? "absent" : connection.text(previous);
            if (result.swapped()) {
                out.println("swapped (was " + was + ")");
                return OK;
            }
            out.println("not swapped (current " + was + ")");
            return NO;
        }
    }
}
