package io.tkv.txn.command;

/**
 * What a command decided after running over its snapshot: answer now and write nothing, or write what it staged in
 * its {@link CommandContext}'s transactions and then answer (or continue with a follow-up command, as resolve-lock
 * over a range does batch by batch).
 */
public final class CommandResult {
    private final boolean write;
    private final TxnResponse response;
    private final TxnCommand next;

    private CommandResult(final boolean write, final TxnResponse response, final TxnCommand next) {
        this.write = write;
        this.response = response;
        this.next = next;
    }

    /**
     * @return a result that discards anything staged and answers at once (reads, errors, a prewrite that met locks).
     */
    public static CommandResult respond(final TxnResponse response) {
        return new CommandResult(false, response, null);
    }

    /**
     * @return a result that writes what was staged (if anything) and answers once the write is applied.
     */
    public static CommandResult writeThenRespond(final TxnResponse response) {
        return new CommandResult(true, response, null);
    }

    /**
     * @return a result that writes what was staged (if anything) and, once applied, runs {@code next} for the same
     *         request instead of answering.
     */
    public static CommandResult writeThenContinue(final TxnCommand next) {
        return new CommandResult(true, null, next);
    }

    /** @return whether what was staged is to be written. */
    public boolean write() {
        return write;
    }

    /** @return the answer, or {@code null} if {@link #next()} continues. */
    public TxnResponse response() {
        return response;
    }

    /** @return the follow-up command, or {@code null}. */
    public TxnCommand next() {
        return next;
    }
}
