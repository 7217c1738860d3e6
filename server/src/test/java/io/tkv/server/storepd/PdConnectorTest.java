package io.tkv.server.storepd;

import io.tkv.client.TkvTimeoutException;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A store whose PD is down keeps trying to reach it, backing off, and becomes its PD worker once it does. */
class PdConnectorTest {
    private final long[] nowMs = {0};
    private int attempts;
    private int reachableFromAttempt = 3;
    private int workerCycles;

    private final Agent worker = new Agent() {
        @Override
        public int doWork() {
            workerCycles++;
            return 1;
        }

        @Override
        public String roleName() {
            return "fake-worker";
        }
    };

    private final PdConnector connector = new PdConnector(() -> {
        if (++attempts < reachableFromAttempt) {
            throw new TkvTimeoutException("no PD member answered");
        }
        return null;
    }, client -> worker, () -> nowMs[0]);

    @Test
    void shouldRetryWithABackOffUntilPdAnswersThenRunTheWorker() throws Exception {
        assertEquals(0, connector.doWork());
        assertEquals(1, attempts);
        nowMs[0] = 249;
        assertEquals(0, connector.doWork());
        assertEquals(1, attempts, "not before the first back-off (250 ms) passed");
        nowMs[0] = 250;
        assertEquals(0, connector.doWork());
        assertEquals(2, attempts);
        nowMs[0] = 749;
        connector.doWork();
        assertEquals(2, attempts, "the back-off doubled");
        assertNull(connector.worker());
        nowMs[0] = 750;
        assertEquals(1, connector.doWork());
        assertEquals(3, attempts);
        assertEquals(2, connector.failures());
        assertSame(worker, connector.worker());
        connector.doWork();
        connector.doWork();
        assertEquals(2, workerCycles, "connected: every cycle is the worker's");
        assertEquals(3, attempts);
    }

    @Test
    void shouldCapTheBackOff() throws Exception {
        reachableFromAttempt = Integer.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            connector.doWork();
            nowMs[0] += PdConnector.MAX_BACKOFF_MS;
        }
        assertEquals(20, attempts, "at most " + PdConnector.MAX_BACKOFF_MS + " ms between attempts");
    }
}
