package io.tkv.server.gc;

import io.tkv.txn.command.AcquirePessimisticLockCommand;
import io.tkv.txn.command.BatchGetCommand;
import io.tkv.txn.command.GetCommand;
import io.tkv.txn.command.PrewriteCommand;
import io.tkv.txn.command.ScanCommand;
import io.tkv.txn.command.TxnCommand;

/**
 * Which transactional commands the GC safe point forbids (answered GC_SAFE_POINT_EXCEEDED), so no one silently sees
 * less than was committed:
 * <ul>
 * <li>a read (get, batch get, scan) <em>below</em> the safe point: GC keeps, per key, the newest version at or below
 * the safe point and everything newer, so a read at the safe point or later sees all it must, and one below may
 * not (the version it needs may be gone);</li>
 * <li>a prewrite or pessimistic lock whose start ts is <em>at or below</em> it: GC rolls back every lock that old
 * before it collects ({@code io.tkv.txn.gc.GcWorker}), so such a transaction cannot commit anyway, and its reads
 * were at that ts.</li>
 * </ul>
 * Every other command (commit, rollback, check-txn-status, resolve-lock, ...) must still work on old transactions:
 * lock resolution, GC's own included, uses them.
 *
 * <p>The safe point checked is the one this store last fetched from PD ({@link GcLink#safePoint()}), which trails PD's
 * by up to one run interval. A store collects only under a safe point it has published there first, so its own
 * collections are always covered; but a region's new leader that has not fetched the latest safe point yet could
 * serve a read between its known one and the one its predecessor collected under. TiKV does not check on the store at
 * all (TiDB checks a snapshot's ts against the safe point); closing that gap would need the safe point carried in
 * GC's writes, so that applying them raises every replica's known safe point.
 */
public final class SafePointGuard {
    private SafePointGuard() {
    }

    /**
     * @param command   a parsed transactional command.
     * @param safePoint the safe point the store knows (0: none).
     * @return why the command is refused, or {@code null} if it may run.
     */
    public static String refusal(final TxnCommand command, final long safePoint) {
        if (safePoint <= 0) {
            return null;
        }
        final long readTs;
        if (command instanceof GetCommand get) {
            readTs = get.ts();
        } else if (command instanceof BatchGetCommand batchGet) {
            readTs = batchGet.ts();
        } else if (command instanceof ScanCommand scan) {
            readTs = scan.ts();
        } else {
            readTs = Long.MAX_VALUE;
        }
        if (readTs < safePoint) {
            return "read at ts " + readTs + " is below the GC safe point " + safePoint
                + ": versions it needs may be collected; start a new transaction";
        }
        final long startTs;
        if (command instanceof PrewriteCommand prewrite) {
            startTs = prewrite.startTs();
        } else if (command instanceof AcquirePessimisticLockCommand lock) {
            startTs = lock.startTs();
        } else {
            startTs = Long.MAX_VALUE;
        }
        if (startTs <= safePoint) {
            return "transaction " + startTs + " started at or below the GC safe point " + safePoint
                + ": its locks would be rolled back by GC; start a new transaction";
        }
        return null;
    }
}
