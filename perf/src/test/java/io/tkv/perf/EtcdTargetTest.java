package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EtcdTargetTest {
    @Test
    void shouldFillAPreloadTransactionUpToEtcdsDefaultOperationLimit() {
        assertEquals(EtcdTarget.MAX_TXN_OPS, EtcdTarget.preloadBatch(16, 256));
        assertEquals(EtcdTarget.MAX_TXN_OPS, EtcdTarget.preloadBatch(16, 0));
    }

    @Test
    void shouldKeepAPreloadTransactionOfLargeValuesUnderTheRequestSizeLimit() {
        final int batch = EtcdTarget.preloadBatch(16, 64 * 1024);
        assertEquals(EtcdTarget.MAX_TXN_BYTES / (16 + 64 * 1024 + 32), batch);
        assertTrue((long)batch * (16 + 64 * 1024) <= EtcdTarget.MAX_TXN_BYTES);
    }

    @Test
    void shouldPutAValueLargerThanTheLimitAloneRatherThanNever() {
        assertEquals(1, EtcdTarget.preloadBatch(16, 4 * 1024 * 1024));
        assertEquals(1, EtcdTarget.preloadBatch(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }
}
