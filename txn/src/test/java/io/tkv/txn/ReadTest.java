package io.tkv.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReadTest extends MvccTestSupport {
    private void putCommitted(final String key, final String value, final long startTs, final long commitTs) {
        prewritePut(key, value, key, startTs);
        commit(key, startTs, commitTs);
    }

    private static List<String> keysAndValues(final List<TxnReader.KvPair> pairs) {
        return pairs.stream().map(p -> s(p.key()) + "=" + s(p.value())).toList();
    }

    @Test
    void shouldReadTheNewestVersionAtTheTsPastLockAndRollbackRecords() {
        putCommitted("k", "v1", 10, 11);
        prewrite(Mutation.lock(b("k")), "k", 20);
        commit("k", 20, 21);
        rollback("k", 30);
        putCommitted("k", "v2", 40, 41);
        prewrite(Mutation.delete(b("k")), "k", 50);
        commit("k", 50, 51);
        assertValue(null, "k", 10);
        assertValue("v1", "k", 11);
        assertValue("v1", "k", 35);
        assertValue("v2", "k", 41);
        assertValue(null, "k", 51);
        assertEquals(51, cm.maxTs());
    }

    @Test
    void shouldBlockOnAnOlderPrewriteLockButNotOnANewerOrPessimisticOne() {
        putCommitted("k", "v1", 10, 11);
        prewritePut("k", "v2", "p", 20);
        assertValue("v1", "k", 19);
        final TxnException.KeyLocked locked =
            fail(TxnException.KeyLocked.class, 0, (txn, reader) -> new TxnReader(reader, cm).get(b("k"), 25));
        assertBytes("k", locked.key());
        assertBytes("p", locked.lock().primary());
        assertEquals(20, locked.lock().startTs());
        assertEquals(3_000, locked.lock().ttl());
        rollback("k", 20);
        run(30, (txn, reader) -> {
            PessimisticLock.acquire(txn, reader, b("k"), b("k"), 30, 3_000, 0);
            return null;
        });
        assertValue("v1", "k", 35);
        // A read lock (LOCK type) does not change data either.
        run(30, (txn, reader) -> PessimisticLock.rollback(txn, reader, b("k"), 30));
        prewrite(Mutation.lock(b("k")), "k", 40);
        assertValue("v1", "k", 45);
    }

    @Test
    void shouldScanBothWaysAndStopAtALockThatBlocks() {
        putCommitted("a", "1", 10, 11);
        putCommitted("b", "2", 10, 11);
        putCommitted("c", "3", 10, 11);
        putCommitted("d", "4", 10, 11);
        prewrite(Mutation.delete(b("b")), "b", 20);
        commit("b", 20, 21);
        assertEquals(List.of("a=1", "c=3", "d=4"), keysAndValues(scan("a", null, 30, false)));
        assertEquals(List.of("d=4", "c=3", "a=1"), keysAndValues(scan("a", null, 30, true)));
        assertEquals(List.of("a=1", "b=2", "c=3"), keysAndValues(scan("a", "d", 15, false)));
        assertEquals(List.of("c=3", "b=2"), keysAndValues(scan("b", "d", 15, true)));
        assertEquals(List.of("c=3", "b=2"),
            keysAndValues(read((txn, reader) -> new TxnReader(reader, cm).scan(b("a"), b("d"), 15, 2, true))));

        // A lock on a key with no committed version yet, and one on an existing key.
        prewritePut("bb", "new", "bb", 40);
        prewritePut("d", "5", "bb", 40);
        assertEquals(List.of("a=1", "c=3", "d=4"), keysAndValues(scan("a", null, 39, false)));
        final TxnException.KeyLocked forward = fail(TxnException.KeyLocked.class, 0,
            (txn, reader) -> new TxnReader(reader, cm).scan(b("a"), null, 45, 0, false));
        assertBytes("bb", forward.key());
        final TxnException.KeyLocked reverse = fail(TxnException.KeyLocked.class, 0,
            (txn, reader) -> new TxnReader(reader, cm).scan(b("a"), null, 45, 0, true));
        assertBytes("d", reverse.key());
        // Outside the scanned range the locks do not matter.
        assertEquals(List.of("a=1"), keysAndValues(scan("a", "b", 45, false)));
        assertEquals(List.of("c=3"), keysAndValues(scan("bc", "d", 45, true)));
        commit("bb", 40, 41);
        commit("d", 40, 41);
        assertEquals(List.of("a=1", "bb=new", "c=3", "d=5"), keysAndValues(scan("a", null, 45, false)));
        assertEquals(List.of("d=5", "c=3", "bb=new", "a=1"), keysAndValues(scan("a", null, 45, true)));
    }

    @Test
    void shouldKeepKeysWithZeroBytesAndPrefixesApartAndOrdered() {
        putCommitted("ab", "1", 10, 11);
        putCommitted("ab\0", "2", 10, 11);
        putCommitted("abcdefgh", "3", 10, 11);
        putCommitted("abcdefgh\0", "4", 10, 11);
        putCommitted("abcdefghi", "5", 10, 11);
        assertEquals(List.of("ab=1", "ab\0=2", "abcdefgh=3", "abcdefgh\0=4", "abcdefghi=5"),
            keysAndValues(scan("", null, 20, false)));
        assertEquals(List.of("abcdefghi=5", "abcdefgh\0=4", "abcdefgh=3", "ab\0=2", "ab=1"),
            keysAndValues(scan("", null, 20, true)));
    }

    @Test
    void shouldListLocksUpToAMaxTs() {
        prewritePut("a", "1", "a", 10);
        prewritePut("b", "2", "a", 20);
        prewritePut("c", "3", "c", 30);
        final List<MvccReader.KeyLock> locks =
            read((txn, reader) -> reader.scanLocks(TxnKeys.encode(b("a")), null, 20, 0));
        assertEquals(List.of("a", "b"), locks.stream().map(l -> s(TxnKeys.decode(l.key()))).toList());
        assertEquals(1, read((txn, reader) -> reader.scanLocks(TxnKeys.SPACE_START, null, 100, 1)).size());
    }
}
