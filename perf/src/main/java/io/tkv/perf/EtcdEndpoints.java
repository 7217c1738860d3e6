package io.tkv.perf;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses {@code --etcd-endpoints}: a comma-separated list of etcd client URLs, {@code http://host:port} (a bare
 * {@code host:port} is taken as http). Refused here, with the bad entry named, rather than as a connection error
 * from deep inside the etcd client after its retries.
 */
final class EtcdEndpoints {
    private EtcdEndpoints() {
    }

    /**
     * @param list {@code http://127.0.0.1:2379,http://127.0.0.1:2479,...}.
     * @return one URI per entry, in order, each {@code scheme://host:port} with no path.
     * @throws IllegalArgumentException naming the first bad entry.
     */
    static List<URI> parse(final String list) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("no etcd endpoint given");
        }
        final List<URI> endpoints = new ArrayList<>();
        for (final String raw : list.split(",", -1)) {
            final String entry = raw.trim();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("empty etcd endpoint in '" + list + "'");
            }
            endpoints.add(parseOne(entry.contains("://") ? entry : "http://" + entry));
        }
        return endpoints;
    }

    private static URI parseOne(final String entry) {
        final URI uri;
        try {
            uri = new URI(entry);
        } catch (final URISyntaxException ex) {
            throw new IllegalArgumentException("etcd endpoint '" + entry + "' is not a URL: " + ex.getMessage(), ex);
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("etcd endpoint '" + entry + "' must be http:// or https://");
        }
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65_535) {
            throw new IllegalArgumentException("etcd endpoint '" + entry + "' needs a host and a port");
        }
        final String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
            || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("etcd endpoint '" + entry + "' must be scheme://host:port only");
        }
        try {
            return new URI(scheme, null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (final URISyntaxException ex) {
            throw new IllegalArgumentException("etcd endpoint '" + entry + "': " + ex.getMessage(), ex);
        }
    }
}
