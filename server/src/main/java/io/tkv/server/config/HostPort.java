package io.tkv.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A parsed {@code host:port} endpoint. */
public record HostPort(String host, int port) {
    /**
     * @param endpoint text such as {@code 127.0.0.1:20160}.
     * @return the endpoint.
     * @throws IllegalArgumentException when it is not host:port with a port in [1, 65535].
     */
    public static HostPort parse(final String endpoint) {
        final int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("endpoint must be host:port, got '" + endpoint + "'");
        }
        final int port;
        try {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        } catch (final NumberFormatException ex) {
            throw new IllegalArgumentException("endpoint port is not a number: '" + endpoint + "'", ex);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port out of range: '" + endpoint + "'");
        }
        return new HostPort(endpoint.substring(0, colon), port);
    }

    /** @return whether every address the host names is a loopback address (127.0.0.0/8, ::1). */
    public boolean isLoopback() {
        final String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            for (final InetAddress address : InetAddress.getAllByName(name)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (final UnknownHostException ex) {
            return false;
        }
    }
}
