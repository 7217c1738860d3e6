package io.tkv.raft.linearizability;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Decides whether a history is linearizable with respect to a {@link Model}: the Wing–Gong search, with Lowe's
 * memoization of (set of linearized operations, state) pairs already explored (as in Porcupine). Operations that
 * never completed may take effect at any point after their call, or not at all.
 *
 * <p>The search is exponential in the worst case; it gives up after {@code maxSteps} and says so. Histories over
 * independent objects (keys) should be checked one object at a time with {@link #checkPerKey} (linearizability is
 * local: a history is linearizable iff every per-object sub-history is).
 */
public final class LinearizabilityChecker {
    /** Outcome of a check. */
    public enum Verdict {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        GAVE_UP
    }

    /**
     * @param verdict what was found.
     * @param detail  for a violation: the key and the operations the search could not place.
     */
    public record Result(Verdict verdict, String detail) {
        public boolean ok() {
            return verdict == Verdict.LINEARIZABLE;
        }
    }

    private LinearizabilityChecker() {
    }

    /** Checks each key's sub-history on its own; the first violation (or give-up) wins. */
    public static <K, S, I, O> Result checkPerKey(final Model<S, I, O> model, final List<Operation<I, O>> history,
        final Function<I, K> key, final long maxStepsPerKey) {
        final Map<K, List<Operation<I, O>>> byKey = new TreeMap<>();
        for (final Operation<I, O> op : history) {
            byKey.computeIfAbsent(key.apply(op.input()), k -> new ArrayList<>()).add(op);
        }
        for (final Map.Entry<K, List<Operation<I, O>>> e : byKey.entrySet()) {
            final Result r = check(model, e.getValue(), maxStepsPerKey);
            if (!r.ok()) {
                return new Result(r.verdict(), "key " + e.getKey() + ": " + r.detail());
            }
        }
        return new Result(Verdict.LINEARIZABLE, byKey.size() + " keys");
    }

    /** Checks one history. */
    public static <S, I, O> Result check(final Model<S, I, O> model, final List<Operation<I, O>> history,
        final long maxSteps) {
        final int n = history.size();
        // Call and return events, by time; at equal times calls first, so touching operations count as concurrent.
        final List<Node> events = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            final Operation<I, O> op = history.get(i);
            final Node call = new Node(i, true, op.call());
            final Node ret = new Node(i, false, op.complete());
            call.match = ret;
            events.add(call);
            events.add(ret);
        }
        events.sort(Comparator.comparingLong((Node e) -> e.time).thenComparing(e -> !e.call));
        final Node head = new Node(-1, false, Long.MIN_VALUE);
        Node prev = head;
        for (final Node e : events) {
            prev.next = e;
            e.prev = prev;
            prev = e;
        }

        final Set<Memo<S>> seen = new HashSet<>();
        final BitSet linearized = new BitSet(n);
        final List<Node> stackCalls = new ArrayList<>();
        final List<S> stackStates = new ArrayList<>();
        S state = model.initialState();
        Node entry = head.next;
        long steps = 0;
        int deepest = 0;
        while (head.next != null) {
            if (++steps > maxSteps) {
                return new Result(Verdict.GAVE_UP, "after " + maxSteps + " steps, " + n + " operations");
            }
            if (entry.call) {
                final Operation<I, O> op = history.get(entry.op);
                final S next = model.step(state, op.input(), op.output());
                boolean placed = false;
                if (next != null) {
                    final BitSet with = (BitSet)linearized.clone();
                    with.set(entry.op);
                    if (seen.add(new Memo<>(with, next))) {
                        stackCalls.add(entry);
                        stackStates.add(state);
                        state = next;
                        linearized.set(entry.op);
                        lift(entry);
                        deepest = Math.max(deepest, stackCalls.size());
                        entry = head.next;
                        placed = true;
                    }
                }
                if (!placed) {
                    entry = entry.next;
                }
            } else {
                // A return whose call is still unplaced: something before it must be undone.
                if (stackCalls.isEmpty()) {
                    return new Result(Verdict.NOT_LINEARIZABLE, describe(history, deepest));
                }
                final Node call = stackCalls.remove(stackCalls.size() - 1);
                state = stackStates.remove(stackStates.size() - 1);
                linearized.clear(call.op);
                unlift(call);
                entry = call.next;
            }
        }
        return new Result(Verdict.LINEARIZABLE, n + " operations");
    }

    private static <I, O> String describe(final List<Operation<I, O>> history, final int deepest) {
        final StringBuilder sb = new StringBuilder("no linearization (deepest placed " + deepest + " of "
            + history.size() + "); history by call time:");
        final List<Operation<I, O>> sorted = new ArrayList<>(history);
        sorted.sort(Comparator.comparingLong(Operation::call));
        for (final Operation<I, O> op : sorted) {
            sb.append("\n  c").append(op.client()).append(' ').append(op.input()).append(" -> ")
                .append(op.complete() == Operation.NEVER ? "?" : op.output()).append(" [").append(op.call())
                .append(", ").append(op.complete() == Operation.NEVER ? "inf" : op.complete()).append(']');
        }
        return sb.toString();
    }

    /** Takes a call and its return out of the event list. */
    private static void lift(final Node call) {
        call.prev.next = call.next;
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        final Node ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    /** Puts them back, in reverse order of {@link #lift}. */
    private static void unlift(final Node call) {
        final Node ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        if (call.next != null) {
            call.next.prev = call;
        }
    }

    private static final class Node {
        final int op;
        final boolean call;
        final long time;
        Node match;
        Node prev;
        Node next;

        Node(final int op, final boolean call, final long time) {
            this.op = op;
            this.call = call;
            this.time = time;
        }
    }

    private record Memo<S>(BitSet linearized, S state) {
    }
}
