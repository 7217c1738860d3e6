package io.tkv.perf;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import io.tkv.server.StoreNode;
import io.tkv.server.config.ServerConfig;
import io.tkv.server.config.TomlConfigLoader;
import io.tkv.storage.FsyncPolicy;

/**
 * A store started in this process for a run ({@code --embedded}): a fresh data directory under the temp dir, its
 * own Aeron directory under {@code /dev/shm}, a free UDP port on 127.0.0.1. {@link #close()} stops the store and
 * deletes both directories.
 */
final class EmbeddedStore implements AutoCloseable {
    private final Path dataDir;
    private final Path aeronDir;
    private final String endpoint;
    private final StoreNode node;

    private EmbeddedStore(final Path dataDir, final Path aeronDir, final String endpoint, final StoreNode node) {
        this.dataDir = dataDir;
        this.aeronDir = aeronDir;
        this.endpoint = endpoint;
        this.node = node;
    }

    /**
     * @param fsyncPolicy    the store's fsync policy.
     * @param syncIntervalMs its sync interval under PERIODIC.
     * @param secret         the shared client secret ("" for none).
     * @param idleStrategy   the store's agent idle strategy, or null for its default.
     * @param driverIdle     the store's media driver idle strategy, or null for its default.
     * @param threading      the store's threads.mode (shared, dedicated, invoker), or null for its default.
     * @return the running store.
     */
    static EmbeddedStore start(
        final FsyncPolicy fsyncPolicy, final long syncIntervalMs, final String secret, final String idleStrategy,
        final String driverIdle, final String threading) {
        final Path dataDir;
        try {
            dataDir = Files.createTempDirectory("tkv-perf-store-");
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
        final Path aeronDir = aeronDirFor("store");
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try {
            final ServerConfig config = new ServerConfig()
                .listenEndpoint(endpoint)
                .dataDir(dataDir)
                .aeronDir(aeronDir.toString())
                .fsyncPolicy(fsyncPolicy)
                .syncIntervalMs(syncIntervalMs)
                .secret(secret);
            if (idleStrategy != null) {
                config.idleStrategy(idleStrategy);
            }
            if (driverIdle != null) {
                config.driverIdleStrategy(driverIdle);
            }
            if (threading != null) {
                config.threadingMode(TomlConfigLoader.parseThreading(threading));
            }
            return new EmbeddedStore(dataDir, aeronDir, endpoint, StoreNode.start(config));
        } catch (final RuntimeException ex) {
            TempDirs.deleteRecursively(dataDir);
            TempDirs.deleteRecursively(aeronDir);
            throw ex;
        }
    }

    /**
     * @param role what the directory is for, in its name.
     * @return a new, unused Aeron directory path for this process: {@code /dev/shm/tkv-perf-<pid>-<role>}.
     */
    static Path aeronDirFor(final String role) {
        final File shm = new File("/dev/shm");
        final String base = shm.isDirectory() ? shm.getPath() : System.getProperty("java.io.tmpdir");
        return Paths.get(base, "tkv-perf-" + ProcessHandle.current().pid() + '-' + role);
    }

    /**
     * @return a UDP port on 127.0.0.1 that was free a moment ago.
     */
    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        } catch (final IOException ex) {
            throw new UncheckedIOException("no free UDP port on 127.0.0.1", ex);
        }
    }

    /**
     * @return the directory of the store's media driver.
     */
    String aeronDir() {
        return aeronDir.toString();
    }

    /**
     * @return {@code 127.0.0.1:port} the store listens on.
     */
    String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            TempDirs.deleteRecursively(dataDir);
            TempDirs.deleteRecursively(aeronDir);
        }
    }
}
