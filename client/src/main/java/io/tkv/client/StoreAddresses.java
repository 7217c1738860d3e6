package io.tkv.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each store is, as PD said ({@code GetStores}): the client learns every store's address when it connects, and
 * asks PD again for one it does not know when a region names it (a store added since). A store PD marks TOMBSTONE
 * has no address here. Without PD the book stays empty, and stores are reached only as the configured endpoints and
 * leader hints name them. Any thread.
 */
final class StoreAddresses {
    private static final String TOMBSTONE = "TOMBSTONE";

    private final PdRoutes pd;
    private final Map<Long, String> endpoints = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<String>> asking = new ConcurrentHashMap<>();

    /** @param pd where to ask for stores; null for none (the book stays empty). */
    StoreAddresses(final PdRoutes pd) {
        this.pd = pd;
    }

    /** Learns the stores of a GetStores answer. */
    void learn(final List<PdStore> stores) {
        for (final PdStore store : stores) {
            if (TOMBSTONE.equals(store.state()) || !Endpoints.isValid(store.address())) {
                endpoints.remove(store.storeId());
            } else {
                endpoints.put(store.storeId(), store.address());
            }
        }
    }

    /** @return host:port of the store, or null if the book does not know it. Allocation-free. */
    String endpoint(final long storeId) {
        return endpoints.get(storeId);
    }

    /**
     * Makes sure the book knows the store: at once if it does, else after asking PD (one question per store at a
     * time, however many ask).
     *
     * @return completes with its endpoint, or null when it has none (no PD, unknown to PD, or PD failed): never
     *     fails.
     */
    CompletableFuture<String> resolve(final long storeId) {
        final String known = storeId > 0 ? endpoints.get(storeId) : null;
        if (known != null || storeId <= 0 || pd == null) {
            return CompletableFuture.completedFuture(known);
        }
        final CompletableFuture<String> answer = new CompletableFuture<>();
        final CompletableFuture<String> already = asking.putIfAbsent(storeId, answer);
        if (already != null) {
            return already;
        }
        // Asked outside the map's lock: a PD answer that is already there completes on this thread.
        pd.storeAsync(storeId).whenComplete((stores, failure) -> {
            if (stores != null) {
                learn(stores);
            }
            asking.remove(storeId);
            answer.complete(endpoints.get(storeId));
        });
        return answer;
    }

    /** @return the endpoints of the stores the book knows (a copy). */
    List<String> endpoints() {
        return List.copyOf(endpoints.values());
    }

    /** @return stores the book knows (diagnostics and tests). */
    int size() {
        return endpoints.size();
    }
}
