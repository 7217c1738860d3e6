package io.tkv.client;

import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.charset.StandardCharsets;

/** A test media driver and a fake store on it, for one test class; closes both, driver last, even on failure. */
final class StoreFixture implements AutoCloseable {
    static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);

    private final TestMediaDriver driver;
    private final FakeStore store;

    StoreFixture() {
        driver = TestMediaDriver.launch();
        try {
            store = FakeStore.start(driver.directory(), SECRET);
        } catch (final RuntimeException ex) {
            driver.close();
            throw ex;
        }
    }

    FakeStore store() {
        return store;
    }

    String aeronDirectory() {
        return driver.directory();
    }

    /** @return a context for a client of this store on the shared driver, with short test timeouts. */
    ClientConfig context() {
        return new ClientConfig()
            .storeEndpoint(store.endpoint())
            .aeronDirectoryName(driver.directory())
            .secret(SECRET)
            .clientName("test-client")
            .requestTimeoutMs(3_000)
            .connectTimeoutMs(5_000)
            .handshakeRetryIntervalMs(200)
            .idleStrategySupplier(() -> new BackoffIdleStrategy(10, 20, 1_000, 1_000_000));
    }

    @Override
    public void close() {
        try {
            CloseHelper.close(store);
        } finally {
            driver.close();
        }
    }

    static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(final byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
