package io.tkv.client;

import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Several fake stores as a stand-in for one Raft-replicated region: each on a media driver of its own (as separate
 * store processes are, so each store's replies come on an egress image of their own), sharing one {@link FakeData}
 * (unless asked not to), and one more driver for the clients. Closes everything, drivers last, even on failure.
 */
final class ClusterFixture implements AutoCloseable {
    private final List<TestMediaDriver> drivers = new ArrayList<>();
    private final List<FakeStore> stores = new ArrayList<>();
    private final TestMediaDriver clientDriver;

    /**
     * @param size       how many stores (store ids 1..size).
     * @param sharedData whether the stores share their data (replication) or each keeps its own.
     */
    ClusterFixture(final int size, final boolean sharedData) {
        TestMediaDriver client = null;
        try {
            final FakeData shared = new FakeData();
            for (int i = 0; i < size; i++) {
                final TestMediaDriver driver = TestMediaDriver.launch();
                drivers.add(driver);
                stores.add(FakeStore.start(driver.directory(), StoreFixture.SECRET, i + 1,
                    sharedData ? shared : new FakeData()));
            }
            client = TestMediaDriver.launch();
        } catch (final RuntimeException ex) {
            close();
            throw ex;
        }
        clientDriver = client;
    }

    FakeStore store(final int index) {
        return stores.get(index);
    }

    /** @return every store's endpoint, in index order. */
    List<String> endpoints() {
        final List<String> endpoints = new ArrayList<>();
        for (final FakeStore store : stores) {
            endpoints.add(store.endpoint());
        }
        return endpoints;
    }

    /** Resets every store: serving, data and counters cleared, sessions kept. */
    void reset() {
        for (final FakeStore store : stores) {
            store.resume();
            store.reset();
        }
    }

    /** @return a context for a client of every store, with short test timeouts. */
    ClientConfig context() {
        return new ClientConfig()
            .storeEndpoints(endpoints())
            .aeronDirectoryName(clientDriver.directory())
            .secret(StoreFixture.SECRET)
            .clientName("cluster-test-client")
            .requestTimeoutMs(10_000)
            .connectTimeoutMs(5_000)
            .handshakeRetryIntervalMs(100)
            .storeSilenceTimeoutMs(300)
            .retryBackoffInitialMs(10)
            .retryBackoffMaxMs(100)
            .idleStrategySupplier(() -> new BackoffIdleStrategy(10, 20, 1_000, 1_000_000));
    }

    /**
     * Connects a client whose first guess of the leader is the store at {@code firstGuess}: the others stay silent
     * until that store's session is open, then each configured store's session is awaited too.
     */
    RawKvClient connect(final ClientConfig ctx, final int firstGuess) {
        for (int i = 0; i < stores.size(); i++) {
            stores.get(i).freeze(i != firstGuess);
        }
        final int[] sessionsBefore = new int[stores.size()];
        for (int i = 0; i < stores.size(); i++) {
            sessionsBefore[i] = stores.get(i).sessionsOpened();
        }
        final RawKvClient client = RawKvClient.connect(ctx);
        try {
            for (final FakeStore store : stores) {
                store.freeze(false);
            }
            for (int i = 0; i < stores.size(); i++) {
                final FakeStore store = stores.get(i);
                if (ctx.storeEndpoints().contains(store.endpoint())) {
                    final int before = sessionsBefore[i];
                    Await.until("a session with " + store.endpoint(), () -> store.sessionsOpened() > before, 5_000);
                }
            }
            final int configured = ctx.storeEndpoints().size();
            Await.until("the client's sessions with every configured store", () -> client.openSessions() == configured,
                5_000);
            return client;
        } catch (final RuntimeException | AssertionError ex) {
            client.close();
            throw ex;
        }
    }

    @Override
    public void close() {
        try {
            for (final FakeStore store : stores) {
                CloseHelper.quietClose(store);
            }
        } finally {
            for (final TestMediaDriver driver : drivers) {
                CloseHelper.quietClose(driver);
            }
            CloseHelper.quietClose(clientDriver);
        }
    }
}
