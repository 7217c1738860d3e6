package io.tkv.txn.history;

/**
 * One justified edge of a cycle: {@code from -type-> to}, with the key and the values that imply it.
 *
 * @param type what kind of dependency.
 * @param from id of the source transaction.
 * @param to   id of the target transaction.
 * @param why  the evidence, e.g. {@code "T9 read key 3 = [..., 40]; T12 appended 41 right after"}.
 */
public record Dependency(DepType type, int from, int to, String why) {
    @Override
    public String toString() {
        return "T" + from + " -" + type.name().toLowerCase() + "-> T" + to + ": " + why;
    }
}
