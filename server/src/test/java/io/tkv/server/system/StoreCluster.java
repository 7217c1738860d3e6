package io.tkv.server.system;

import io.tkv.codec.RaftRole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Real {@code tkv-server} processes forming one cluster on 127.0.0.1, for system tests: {@code
 * StoreCluster.of(3).in(dir).start()}. Each store's status and fault hook are reached through an admin
 * {@link RawSession}; every process is killed and every Aeron and data directory removed on {@link #close()}.
 */
final class StoreCluster implements AutoCloseable {
    private static final long ADMIN_TIMEOUT_MS = 10_000;
    /** The secrets of every test cluster (files under its data root). */
    static final String CLUSTER_SECRET = "system test cluster secret";
    static final String ADMIN_SECRET = "system test admin secret";
    static final String CLIENT_SECRET = "system test client secret";

    private final List<StoreProcess> stores = new ArrayList<>();
    private final List<RawSession> admins = new ArrayList<>();
    private final AdminFrames frames = new AdminFrames();
    private final String initialCluster;
    private final Path dataRoot;
    private final NetnsLab lab;
    private final String clientSecret;

    private StoreCluster(
        final Path dir, final int count, final boolean faultInjection, final List<String> extra,
        final java.util.Map<Long, List<String>> perStore, final NetnsLab lab) throws IOException {
        this.lab = lab;
        final List<String> endpoints = new ArrayList<>();
        final int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = StoreProcess.freePort();
            endpoints.add((i + 1) + "=" + host(i + 1) + ":" + ports[i]);
        }
        initialCluster = String.join(",", endpoints);
        dataRoot = dir;
        // Every cluster runs as a real one must: stores authenticate each other under a cluster secret, admin
        // requests need the admin secret, and off loopback (network namespaces) clients need the client secret.
        Files.createDirectories(dir);
        final Path clusterSecretFile = writeSecret(dir.resolve("cluster.secret"), CLUSTER_SECRET);
        final Path adminSecretFile = writeSecret(dir.resolve("admin.secret"), ADMIN_SECRET);
        clientSecret = lab == null ? "" : CLIENT_SECRET;
        for (int i = 0; i < count; i++) {
            final List<String> args = new ArrayList<>(List.of("--store-id", String.valueOf(i + 1),
                "--initial-cluster", initialCluster, "--cluster-secret-file", clusterSecretFile.toString(),
                "--admin-secret-file", adminSecretFile.toString()));
            if (lab != null) {
                args.addAll(List.of("--secret-file", writeSecret(dir.resolve("client.secret"), CLIENT_SECRET)
                    .toString()));
            }
            if (faultInjection) {
                args.add("--fault-injection");
            }
            args.addAll(extra);
            args.addAll(perStore.getOrDefault((long)(i + 1), List.of()));
            stores.add(new StoreProcess(dir.resolve("store-" + (i + 1)), host(i + 1), ports[i],
                lab == null ? List.of() : lab.launcher(i + 1), args.toArray(new String[0])));
            admins.add(null);
        }
    }

    private static Path writeSecret(final Path file, final String secret) throws IOException {
        return Files.writeString(file, secret);
    }

    /** @return the secret a client of this cluster proves ("" on loopback, where the stores need none). */
    String clientSecret() {
        return clientSecret;
    }

    /** Builder start. */
    static Builder of(final int count) {
        return new Builder(count);
    }

    static final class Builder {
        private final int count;
        private Path dir;
        private boolean faultInjection;
        private final List<String> extraArgs = new ArrayList<>();
        private final java.util.Map<Long, List<String>> storeArgs = new java.util.HashMap<>();
        private NetnsLab lab;

        private Builder(final int count) {
            this.count = count;
        }

        Builder in(final Path dataRoot) {
            this.dir = dataRoot;
            return this;
        }

        Builder withFaultInjection() {
            this.faultInjection = true;
            return this;
        }

        /** Passes these flags to every store. */
        Builder withArgs(final String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        /** Runs store {@code i} on host {@code i} of the lab instead of on 127.0.0.1. */
        Builder onHostsOf(final NetnsLab netnsLab) {
            this.lab = netnsLab;
            return this;
        }

        /** Passes these flags to one store only. */
        Builder withStoreArgs(final long storeId, final String... args) {
            storeArgs.computeIfAbsent(storeId, id -> new ArrayList<>()).addAll(List.of(args));
            return this;
        }

        /** Starts every store at once (each waits for its ready line); on failure kills what started. */
        StoreCluster start() throws IOException, InterruptedException {
            final StoreCluster cluster = new StoreCluster(dir, count, faultInjection, extraArgs, storeArgs, lab);
            try {
                for (int id = 1; id <= count; id++) {
                    cluster.store(id).launch();
                }
                for (int id = 1; id <= count; id++) {
                    cluster.store(id).awaitReady();
                }
                return cluster;
            } catch (final IOException | InterruptedException | RuntimeException ex) {
                cluster.close();
                throw ex;
            }
        }
    }

    private String host(final int storeId) {
        return lab == null ? "127.0.0.1" : lab.address(storeId);
    }

    /** @return the address the test's clients receive replies on: one every store reaches. */
    String clientHost() {
        return lab == null ? "127.0.0.1" : lab.clientAddress();
    }

    /** @return the data directory of a store. */
    Path dataDir(final long storeId) {
        return dataRoot.resolve("store-" + storeId);
    }

    StoreProcess store(final long storeId) {
        return stores.get((int)storeId - 1);
    }

    int size() {
        return stores.size();
    }

    String initialCluster() {
        return initialCluster;
    }

    /** @return every store's client endpoint, store 1 first. */
    List<String> endpoints() {
        final List<String> endpoints = new ArrayList<>();
        for (final StoreProcess store : stores) {
            endpoints.add(store.endpoint());
        }
        return endpoints;
    }

    AdminFrames.RegionStatus status(final long storeId) {
        return frames.status(admin(storeId));
    }

    /** Isolates a store from every other (both ways) through its transport's fault hook; heal() undoes it. */
    void isolate(final long storeId) {
        check(frames.injectFault(admin(storeId), true));
    }

    /** Cuts a store off from some others (both ways on its side). */
    void isolateFrom(final long storeId, final long... others) {
        check(frames.injectFault(admin(storeId), false, others));
    }

    void heal(final long storeId) {
        check(frames.injectFault(admin(storeId), false));
    }

    io.tkv.codec.Status injectFault(final long storeId, final boolean isolateAll) {
        return frames.injectFault(admin(storeId), isolateAll);
    }

    /** kill -9 one store; its admin session goes with it. */
    void kill(final long storeId) throws InterruptedException {
        dropAdmin(storeId);
        store(storeId).kill();
    }

    /** Starts a killed or stopped store again on its data dir. */
    void restart(final long storeId) throws IOException, InterruptedException {
        dropAdmin(storeId);
        store(storeId).launch();
        store(storeId).awaitReady();
    }

    /**
     * @param among the stores to look at.
     * @return the store that they agree leads region 1: it says LEADER and every other says it leads, in one term.
     */
    long awaitLeader(final long timeoutMs, final long... among) {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            long leader = 0;
            long term = -1;
            boolean agreed = true;
            final StringBuilder seen = new StringBuilder();
            for (final long id : among) {
                final AdminFrames.RegionStatus status = status(id);
                seen.append(status).append('\n');
                if (status.role() == RaftRole.LEADER) {
                    leader = id;
                }
                if (term == -1) {
                    term = status.term();
                }
                agreed &= status.term() == term && status.leaderStoreId() != 0
                    && (leader == 0 || status.leaderStoreId() == leader);
            }
            last = seen.toString();
            if (agreed && leader != 0) {
                return leader;
            }
            sleep(20);
        }
        throw new IllegalStateException("no agreed leader among the stores within " + timeoutMs + " ms:\n" + last);
    }

    /** Waits until a store's status matches. */
    AdminFrames.RegionStatus awaitStatus(
        final long storeId, final Predicate<AdminFrames.RegionStatus> condition, final long timeoutMs,
        final String what) {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        AdminFrames.RegionStatus status = status(storeId);
        while (!condition.test(status)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("store " + storeId + " never " + what + "; last status " + status);
            }
            sleep(20);
            status = status(storeId);
        }
        return status;
    }

    long[] all() {
        final long[] ids = new long[stores.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i + 1;
        }
        return ids;
    }

    private RawSession admin(final long storeId) {
        RawSession session = admins.get((int)storeId - 1);
        if (session == null) {
            session = RawSession.open(store(storeId).endpoint(), clientHost(), ADMIN_SECRET, ADMIN_TIMEOUT_MS);
            admins.set((int)storeId - 1, session);
        }
        return session;
    }

    private void dropAdmin(final long storeId) {
        final RawSession session = admins.set((int)storeId - 1, null);
        if (session != null) {
            session.close();
        }
    }

    private static void check(final io.tkv.codec.Status status) {
        if (status != io.tkv.codec.Status.OK) {
            throw new IllegalStateException("fault injection refused: " + status);
        }
    }

    private static void sleep(final long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < admins.size(); i++) {
            if (admins.get(i) != null) {
                admins.get(i).close();
            }
        }
        InterruptedException interrupted = null;
        for (final StoreProcess store : stores) {
            try {
                store.close();
            } catch (final InterruptedException ex) {
                // Kill and clean up the others all the same; say so at the end.
                interrupted = ex;
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }
}
