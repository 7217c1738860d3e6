package io.tkv.server.system;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.tkv.server.system.HostCommand.must;

/**
 * Hosts for system tests: one Linux network namespace per store, each with its own address on one bridged segment
 * (the bridge lives in a namespace of its own), and one veth from the test's namespace to that bridge so the test's
 * clients reach every store. Partitions are cut in the kernel, not in tkv: a store is given a permanent neighbour
 * entry with a MAC no host has for each peer it must not reach, on both sides, so every frame between them is
 * dropped by the receiving kernel while both still reach the test's clients. (This needs only {@code ip}: no
 * iptables, no tc classifiers, which this machine's kernel lacks.) Creating the lab needs root and
 * {@code ip netns}; where either is missing the calling test is skipped. {@link #close()} deletes every namespace
 * and the test's veth, which takes the bridge and every other link with them.
 */
final class NetnsLab implements AutoCloseable {
    /** A locally administered MAC no interface here has: frames sent to it are dropped by every receiver. */
    private static final String NOWHERE_MAC = "02:00:5e:00:de:ad";
    private static final String DEVICE = "eth0";

    private final String prefix;
    private final String subnet;
    private final int hosts;
    private final List<String> namespaces = new ArrayList<>();
    private final String testLink;

    private NetnsLab(final String prefix, final String subnet, final int hosts) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.hosts = hosts;
        this.testLink = prefix + "t";
    }

    /**
     * Creates {@code hosts} store namespaces ({@code 1..hosts}) on one segment with the test; skips the calling
     * test where the machine does not allow it.
     */
    static NetnsLab create(final int hosts) throws IOException, InterruptedException {
        final long pid = ProcessHandle.current().pid();
        final String prefix = "tkv" + (pid % 100_000);
        final String subnet = freeSubnet();
        Assumptions.assumeTrue(subnet != null, "no free 10.213.x.0/24 subnet for the lab");
        final NetnsLab lab = new NetnsLab(prefix, subnet, hosts);
        final boolean allowed = lab.addNamespace(lab.hub());
        Assumptions.assumeTrue(allowed, "network namespaces are not available here (needs root and ip netns)");
        try {
            lab.build();
            return lab;
        } catch (final IOException | InterruptedException | RuntimeException ex) {
            lab.close();
            throw ex;
        }
    }

    private void build() throws IOException, InterruptedException {
        must("ip", "-n", hub(), "link", "add", "br0", "type", "bridge");
        must("ip", "-n", hub(), "link", "set", "br0", "up");
        for (int host = 1; host <= hosts; host++) {
            final String ns = namespace(host);
            if (!addNamespace(ns)) {
                throw new IllegalStateException("cannot create the network namespace " + ns);
            }
            must("ip", "-n", ns, "link", "set", "lo", "up");
            must("ip", "link", "add", prefix + "s" + host, "netns", hub(), "type", "veth", "peer", "name", DEVICE,
                "netns", ns);
            attachToBridge(prefix + "s" + host);
            must("ip", "-n", ns, "addr", "add", address(host) + "/24", "dev", DEVICE);
            must("ip", "-n", ns, "link", "set", DEVICE, "up");
        }
        must("ip", "link", "add", testLink, "type", "veth", "peer", "name", prefix + "h", "netns", hub());
        attachToBridge(prefix + "h");
        must("ip", "addr", "add", clientAddress() + "/24", "dev", testLink);
        must("ip", "link", "set", testLink, "up");
    }

    private void attachToBridge(final String link) throws IOException, InterruptedException {
        must("ip", "-n", hub(), "link", "set", link, "master", "br0");
        must("ip", "-n", hub(), "link", "set", link, "up");
    }

    /** @return the address of store host {@code host} (1-based). */
    String address(final int host) {
        return subnet + host;
    }

    /** @return the test's own address on the segment: clients bind their egress here. */
    String clientAddress() {
        return subnet + 254;
    }

    /** @return the command prefix that runs a program on store host {@code host}. */
    List<String> launcher(final int host) {
        return List.of("ip", "netns", "exec", namespace(host));
    }

    /** Drops every frame between hosts {@code a} and {@code b}, both ways; they both still reach the test. */
    void cut(final int a, final int b) throws IOException, InterruptedException {
        must("ip", "-n", namespace(a), "neigh", "replace", address(b), "lladdr", NOWHERE_MAC, "dev", DEVICE, "nud",
            "permanent");
        must("ip", "-n", namespace(b), "neigh", "replace", address(a), "lladdr", NOWHERE_MAC, "dev", DEVICE, "nud",
            "permanent");
    }

    /** Undoes {@link #cut}: the hosts find each other again by ARP. */
    void mend(final int a, final int b) throws IOException, InterruptedException {
        must("ip", "-n", namespace(a), "neigh", "del", address(b), "dev", DEVICE);
        must("ip", "-n", namespace(b), "neigh", "del", address(a), "dev", DEVICE);
    }

    /** Cuts {@code host} off from every other host. */
    void isolate(final int host) throws IOException, InterruptedException {
        for (int other = 1; other <= hosts; other++) {
            if (other != host) {
                cut(host, other);
            }
        }
    }

    /** Undoes {@link #isolate}. */
    void rejoin(final int host) throws IOException, InterruptedException {
        for (int other = 1; other <= hosts; other++) {
            if (other != host) {
                mend(host, other);
            }
        }
    }

    private String hub() {
        return prefix + "-hub";
    }

    private String namespace(final int host) {
        return prefix + "-s" + host;
    }

    private boolean addNamespace(final String name) throws IOException, InterruptedException {
        if (HostCommand.succeeds("ip", "netns", "add", name)) {
            namespaces.add(name);
            return true;
        }
        return false;
    }

    /** Deletes the test's veth (its peer goes with it) and every namespace (with its links). */
    @Override
    public void close() throws IOException, InterruptedException {
        HostCommand.failureOf("ip", "link", "del", testLink);
        for (final String ns : namespaces) {
            HostCommand.failureOf("ip", "netns", "del", ns);
        }
        namespaces.clear();
    }

    /** @return the first 10.213.x.0/24 no address or route of this namespace touches, as "10.213.x.", or null. */
    private static String freeSubnet() throws IOException, InterruptedException {
        final String seen = HostCommand.outputOf("ip", "-4", "addr") + HostCommand.outputOf("ip", "-4", "route");
        for (int x = (int)(ProcessHandle.current().pid() % 200) + 20, tries = 0; tries < 200; tries++, x++) {
            final String candidate = "10.213." + (x % 250) + ".";
            if (!seen.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
