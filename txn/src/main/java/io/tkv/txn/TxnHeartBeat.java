package io.tkv.txn;

/**
 * A transaction's heartbeat on its primary, as TiKV's txn-heart-beat command: a long transaction keeps its locks
 * alive by raising the primary lock's ttl (never lowering it).
 */
public final class TxnHeartBeat {
    private TxnHeartBeat() {
    }

    /**
     * @param primaryUserKey the primary key.
     * @param adviseTtl      the ttl wanted, in milliseconds since the start ts's physical time.
     * @return the lock's ttl afterwards.
     * @throws TxnException.TxnNotFound if the transaction holds no lock on the primary (committed or rolled back).
     */
    public static long heartBeat(
        final MvccTxn txn, final MvccReader reader, final byte[] primaryUserKey, final long adviseTtl) {
        final byte[] key = TxnKeys.encode(primaryUserKey);
        final Lock lock = reader.loadLock(key);
        if (lock == null || lock.startTs() != txn.startTs()) {
            throw new TxnException.TxnNotFound(txn.startTs(), primaryUserKey);
        }
        if (lock.ttl() < adviseTtl) {
            txn.putLock(key, lock.withTtl(adviseTtl));
            return adviseTtl;
        }
        return lock.ttl();
    }
}
