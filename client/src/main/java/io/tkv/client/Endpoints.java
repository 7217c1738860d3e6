package io.tkv.client;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Checks on store endpoints (host:port) and Aeron channels, and the ingress channel of one store. */
final class Endpoints {
    private Endpoints() {
    }

    /**
     * @param endpoint a store's host:port.
     * @throws IllegalArgumentException if it is not host:port with a port in 1..65535.
     * @throws NullPointerException     if it is null.
     */
    static void check(final String endpoint) {
        Objects.requireNonNull(endpoint, "storeEndpoint");
        final int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("storeEndpoint must be host:port: " + endpoint);
        }
        final int port;
        try {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        } catch (final NumberFormatException ex) {
            throw new IllegalArgumentException("storeEndpoint has a bad port: " + endpoint, ex);
        }
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("storeEndpoint port out of range: " + endpoint);
        }
    }

    /**
     * @param name      the setting's name, for the message.
     * @param endpoints host:port endpoints.
     * @throws IllegalArgumentException if one is not host:port, or one is listed twice.
     */
    static void checkList(final String name, final List<String> endpoints) {
        final Set<String> seen = new HashSet<>();
        for (final String endpoint : endpoints) {
            check(endpoint);
            if (!seen.add(endpoint)) {
                throw new IllegalArgumentException(name + " lists " + endpoint + " twice: " + endpoints);
            }
        }
    }

    /**
     * @param endpoint text from the configuration or from a store's leader hint.
     * @return whether it is a usable host:port.
     */
    static boolean isValid(final String endpoint) {
        try {
            check(endpoint);
            return true;
        } catch (final RuntimeException ex) {
            return false;
        }
    }

    /**
     * @param name    the setting, for the message.
     * @param channel an Aeron channel.
     * @throws IllegalArgumentException if Aeron cannot parse it.
     */
    static void checkChannel(final String name, final String channel) {
        Objects.requireNonNull(channel, name);
        try {
            ChannelUri.parse(channel);
        } catch (final RuntimeException ex) {
            throw new IllegalArgumentException(name + " is not an Aeron channel: " + channel, ex);
        }
    }

    /**
     * @param channel  a UDP channel, the template of every store's ingress channel.
     * @param endpoint a store's host:port.
     * @return the channel with its endpoint set to that store, every other parameter kept.
     */
    static String withEndpoint(final String channel, final String endpoint) {
        final ChannelUri uri = ChannelUri.parse(channel);
        uri.put(CommonContext.ENDPOINT_PARAM_NAME, endpoint);
        return uri.toString();
    }
}
