package io.tkv.ops;

import io.tkv.client.PdClient;
import io.tkv.client.PdOperator;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code tkv-ctl operators --pd host:port}: the operators PD runs now, one line each: region, operator id, the kind
 * and store of its current step, and what it does ({@code region 2 operator 17 ADD_LEARNER store 4: balance-region:
 * add learner on 4, promote, remove peer on 1}); {@code no operators} when there are none.
 */
@Command(name = "operators", description = "The operators PD runs now.")
final class OperatorsCommand extends PdAdminCommand {
    @Override
    int run(final PdClient client, final PrintWriter out) {
        final List<PdOperator> operators = client.operators();
        operators.forEach(operator -> out.println(PdFormat.operator(operator)));
        if (operators.isEmpty()) {
            out.println("no operators");
        }
        return KvCommand.OK;
    }
}
