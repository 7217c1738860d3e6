package io.tkv.ops;

import io.tkv.client.PdClient;
import io.tkv.client.PdGcSafePoint;
import io.tkv.client.PdGcSafePointUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;

/**
 * {@code tkv-ctl gc [--safe-point TS] --pd host:port}: shows PD's GC safe point, or advances it (admin). Prints
 * {@code safe-point<TAB>ts<TAB>physical_ms<TAB>logical<TAB>UTC} ({@code safe-point<TAB>0<TAB>none} before any), then
 * {@code gc-life-time-ms<TAB>ms} when showing, or {@code updated} / {@code unchanged} when advancing.
 */
@Command(name = "gc", mixinStandardHelpOptions = true, description = "Show PD's GC safe point, or advance it (admin).",
    footer = {
        "",
        "The GC safe point is the timestamp below which stores may delete MVCC versions no reader at or after it can",
        "see (after resolving the locks older than it). It never moves backwards and is never above PD's TSO. The PD",
        "leader advances it by itself to TSO(now - gc-life-time-ms) (tkv-pd --gc-life-time-ms, default 10 minutes;",
        "0: only by hand).",
        "",
        "Usage:",
        "  tkv-ctl gc --pd 127.0.0.1:2379",
        "      safe-point      <ts>  <physical ms>  <logical>  <UTC>",
        "      gc-life-time-ms 600000",
        "  tkv-ctl gc --pd 127.0.0.1:2379 --secret-file admin.secret --safe-point $(tkv-ctl tso | cut -f1)",
        "      advances the safe point to a timestamp just taken (admin secret); one at or below the current safe",
        "      point changes nothing (unchanged), one above the TSO is refused (exit 3).",
        "",
        "Exit codes: 0 done, 2 bad usage, 3 PD refused or could not be reached."})
final class GcCommand extends PdAdminCommand {
    @Option(names = "--safe-point", paramLabel = "TS",
        description = "advance the safe point to this timestamp (physical_ms << 18 | logical; admin)")
    Long safePoint;

    @Override
    void check() {
        if (safePoint != null && safePoint <= 0) {
            throw new IllegalArgumentException("--safe-point takes a timestamp above 0, not " + safePoint);
        }
    }

    @Override
    int run(final PdClient client, final PrintWriter out) {
        if (safePoint == null) {
            final PdGcSafePoint current = client.gcSafePoint();
            out.println(line(current.safePoint()));
            out.println("gc-life-time-ms\t" + current.gcLifeTimeMs());
        } else {
            final PdGcSafePointUpdate update = client.updateGcSafePoint(safePoint);
            out.println(line(update.newSafePoint()));
            out.println(update.updated() ? "updated" : "unchanged (PD's safe point was at or above " + safePoint + ")");
        }
        return KvCommand.OK;
    }

    /** @return {@code safe-point<TAB>ts<TAB>physical_ms<TAB>logical<TAB>UTC}, or {@code safe-point<TAB>0<TAB>none}. */
    static String line(final long ts) {
        if (ts == 0) {
            return "safe-point\t0\tnone";
        }
        final long physical = ts >>> 18;
        return "safe-point\t" + ts + "\t" + physical + "\t" + (ts & ((1 << 18) - 1)) + "\t"
            + Instant.ofEpochMilli(physical);
    }
}
