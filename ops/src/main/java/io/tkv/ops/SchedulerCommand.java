package io.tkv.ops;

import io.tkv.client.PdClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code tkv-ctl scheduler on|off NAME --pd host:port}: turns one of PD's schedulers on or off (admin secret needed)
 * and prints every scheduler with its state after the change, {@code NAME<TAB>on|off}.
 */
@Command(name = "scheduler", description = "Turn a PD scheduler (balance-leader, balance-region, replica-checker) "
    + "on or off (admin).")
final class SchedulerCommand extends PdAdminCommand {
    @Parameters(index = "0", description = "on or off")
    String state;

    @Parameters(index = "1", description = "balance-leader, balance-region or replica-checker")
    String name;

    @Override
    void check() {
        if (!"on".equals(state) && !"off".equals(state)) {
            throw new IllegalArgumentException("scheduler takes on or off, not " + state);
        }
    }

    @Override
    int run(final PdClient client, final PrintWriter out) {
        final Map<String, Boolean> schedulers = client.setScheduler(name, "on".equals(state));
        schedulers.forEach((scheduler, on) -> out.println(scheduler + "\t" + (on ? "on" : "off")));
        return KvCommand.OK;
    }
}
