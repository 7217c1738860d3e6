package io.tkv.perf;

import io.tkv.client.ClientConfig;
import io.tkv.client.ErrorCode;
import io.tkv.client.RawKvClient;
import io.tkv.client.RegionInfo;
import io.tkv.client.TkvException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits region 1 of a running cluster into {@code count} regions through admin SplitRegion requests, at the keys
 * {@code key-000001}, {@code key-000002}, ... (each split cuts the last region, the new region taking the rest of the
 * key space), with region and peer ids of its own (new region ids from 2, peer ids from 100,000; one new peer per
 * store of the cluster). For measurements that need many regions before PD splits them by size
 * ({@code perf/bin/bench-idle-regions}).
 *
 * <pre>
 *   usage: SplitMany ENDPOINTS ADMIN_SECRET_FILE COUNT
 * </pre>
 */
public final class SplitMany {
    private SplitMany() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: SplitMany host:port,host:port,... admin-secret-file count");
            System.exit(2);
        }
        final List<String> endpoints = List.of(args[0].split(","));
        final String secret = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8).trim();
        final int count = Integer.parseInt(args[2]);
        final long startNs = System.nanoTime();
        final List<byte[]> keys = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            keys.add(String.format("key-%06d", i).getBytes(StandardCharsets.UTF_8));
        }
        try (RawKvClient admin = RawKvClient.connect(new ClientConfig().storeEndpoints(endpoints).secret(secret)
            .clientName("split-many").requestTimeoutMs(10_000).connectTimeoutMs(30_000))) {
            splitAt(admin, endpoints.size(), keys);
        }
        System.out.printf("SPLIT regions=%d seconds=%.1f%n", count, (System.nanoTime() - startNs) / 1e9);
    }

    /**
     * Splits region 1 (never split before) at each key in turn, each split cutting the last region: the regions end
     * up ordered as the keys are, with new region ids from 2 and peer ids from 100,000.
     *
     * @param admin      a client with the admin secret.
     * @param storeCount stores of the cluster: one new peer each.
     * @param keys       RawKV split keys, ascending.
     */
    public static void splitAt(final RawKvClient admin, final int storeCount, final List<byte[]> keys)
        throws InterruptedException {
        long regionId = 1;
        long version = 1;
        long nextPeerId = 100_000;
        for (int i = 0; i < keys.size(); i++) {
            final long[] peers = new long[storeCount];
            for (int p = 0; p < peers.length; p++) {
                peers[p] = nextPeerId++;
            }
            final List<RegionInfo> halves = splitWithRetries(admin, regionId, version, keys.get(i), i + 2L, peers);
            regionId = halves.get(1).regionId();
            version = halves.get(1).version();
        }
    }

    /** The new region's leader may still be campaigning when the next split asks it: retry for a while. */
    private static List<RegionInfo> splitWithRetries(
        final RawKvClient admin, final long regionId, final long version, final byte[] key, final long newRegionId,
        final long[] peers) throws InterruptedException {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return admin.admin().splitRegion(regionId, 1, version, key, newRegionId, peers);
            } catch (final TkvException ex) {
                // An earlier attempt that timed out may have split already: the refusal then names the new region.
                if (ex.code() == ErrorCode.EPOCH_NOT_MATCH) {
                    for (final RegionInfo region : ex.regions()) {
                        if (region.regionId() == newRegionId) {
                            return List.of(ex.regions().get(0), region);
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw ex;
                }
                Thread.sleep(20);
            }
        }
    }
}
