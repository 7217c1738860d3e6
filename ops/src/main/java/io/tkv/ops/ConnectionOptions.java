package io.tkv.ops;

import io.tkv.client.ClientConfig;
import io.tkv.client.PdClient;
import io.tkv.client.RawKvClient;
import io.tkv.client.StoreStatus;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the store is and how to prove the secret; shared by every ctl command. */
final class ConnectionOptions {
    @Option(names = {"-e", "--endpoint"}, description = "store endpoint host:port, or a cluster's stores as "
        + "host:port,host:port,... (the client finds the leader; default ${DEFAULT-VALUE})",
        defaultValue = "127.0.0.1:20160")
    String endpoint;

    @Option(names = "--secret-file", description = "file holding the client secret, or the admin secret for admin "
        + "commands (status, fault, transfer-leader, checksum); default: $TKV_SECRET_FILE",
        defaultValue = "${env:TKV_SECRET_FILE}")
    Path secretFile;

    @Option(names = "--timeout-ms", description = "request timeout (default ${DEFAULT-VALUE})", defaultValue = "5000")
    long timeoutMs;

    @Option(names = "--aeron-dir", description = "use this external Aeron media driver instead of an embedded one")
    String aeronDir;

    @Option(names = "--hex", description = "keys and values are hex on input and output")
    boolean hex;

    /** @return the endpoints given, in order. */
    List<String> endpoints() {
        return List.of(endpoint.split(","));
    }

    /** @return a client for the stores given (it follows the leader among them). */
    RawKvClient connect() throws IOException {
        return connect(endpoints());
    }

    /** @return the replication status of the store at {@code storeEndpoint}, asked through a client of its own. */
    StoreStatus statusOf(final String storeEndpoint) throws IOException {
        try (RawKvClient client = connect(List.of(storeEndpoint))) {
            return client.admin().storeStatus();
        }
    }

    /** @return a client that talks to these stores only. */
    RawKvClient connect(final List<String> stores) throws IOException {
        final ClientConfig context = new ClientConfig()
            .storeEndpoints(stores)
            .clientName("tkv-ctl")
            .requestTimeoutMs(timeoutMs)
            .connectTimeoutMs(Math.max(timeoutMs, 5000));
        if (secretFile != null) {
            context.secret(Files.readString(secretFile, StandardCharsets.UTF_8).trim());
        }
        if (aeronDir != null) {
            context.aeronDirectoryName(aeronDir);
        }
        return RawKvClient.connect(context);
    }

    /** @return a PD client for these members, with this command's secret, timeout and media driver. */
    PdClient connectPd(final String members) throws IOException {
        return PdOptions.connect(members, secretFile, timeoutMs, aeronDir);
    }

    byte[] bytes(final String text) {
        return ByteText.parse(text, hex);
    }

    String text(final byte[] bytes) {
        return ByteText.format(bytes, hex);
    }
}
