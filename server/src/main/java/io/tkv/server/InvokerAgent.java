package io.tkv.server;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

/**
 * Runs an Aeron {@link AgentInvoker} (an invoker-mode media driver or client conductor) as one part of a
 * composite agent, so it shares the store's thread instead of having its own. It invokes until the invoker has
 * no more work, up to a bound: one driver duty cycle receives only about one datagram per transport, and with a
 * WAL sync in every store cycle that would let through one request per sync.
 */
final class InvokerAgent implements Agent {
    private static final int MAX_INVOCATIONS = 64;

    private final String roleName;
    private final AgentInvoker invoker;

    InvokerAgent(final String roleName, final AgentInvoker invoker) {
        this.roleName = roleName;
        this.invoker = invoker;
    }

    @Override
    public int doWork() {
        int total = 0;
        for (int i = 0; i < MAX_INVOCATIONS; i++) {
            final int work = invoker.invoke();
            if (work <= 0) {
                break;
            }
            total += work;
        }
        return total;
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
