/**
 * A history checker for snapshot isolation on a list-append workload, after Kingsbury and Alvaro's Elle
 * ("Elle: Inferring Isolation Anomalies from Experimental Observations", VLDB 2020) with Adya's anomalies.
 *
 * <p>A workload's transactions append unique values to lists at integer keys and read whole lists. Clients record
 * what they do through a {@link io.tkv.txn.history.HistoryRecorder} (thread-safe, cheap); at the end the history
 * goes to {@link io.tkv.txn.history.ListAppendChecker#check}, whose {@link io.tkv.txn.history.CheckResult} says
 * whether snapshot isolation held and prints every anomaly with the dependency edges and values behind it:
 * <pre>
 * HistoryRecorder rec = new HistoryRecorder();
 * HistoryRecorder.Pending t = rec.invoke(client, List.of(MicroOp.read(k), MicroOp.append(k, v)));
 * ... run it ...  rec.ok(t, opsWithReadResults) | rec.fail(t) | rec.info(t)
 * CheckResult r = ListAppendChecker.snapshotIsolation().check(rec.history());
 * if (!r.valid()) { HistoryCodec.write(file, rec.history()); fail(r.toString()); }
 * </pre>
 * {@link io.tkv.txn.history.HistoryCodec} stores a history as JSON lines so that a failing run can be checked again.
 * The classes are test sources, published in the txn test-jar.
 */
package io.tkv.txn.history;
