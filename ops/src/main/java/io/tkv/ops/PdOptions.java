package io.tkv.ops;

import io.tkv.client.ClientConfig;
import io.tkv.client.PdClient;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where PD is and how to prove the secret; shared by the PD commands. */
final class PdOptions {
    @Option(names = "--pd", description = "PD members host:port,host:port,... (any one is enough; default "
        + "${DEFAULT-VALUE})", defaultValue = "127.0.0.1:2379")
    String members;

    @Option(names = "--secret-file", description = "file holding the client secret; default: $TKV_SECRET_FILE",
        defaultValue = "${env:TKV_SECRET_FILE}")
    Path secretFile;

    @Option(names = "--timeout-ms", description = "request timeout (default ${DEFAULT-VALUE})", defaultValue = "5000")
    long timeoutMs;

    @Option(names = "--aeron-dir", description = "use this external Aeron media driver instead of an embedded one")
    String aeronDir;

    /** @return a PD client (it follows the PD leader among the members). */
    PdClient connect() throws IOException {
        return connect(members, secretFile, timeoutMs, aeronDir);
    }

    /**
     * @param members    PD members, host:port,host:port,...
     * @param secretFile the secret's file, or null for none.
     * @param timeoutMs  request timeout.
     * @param aeronDir   an external media driver's directory, or null for an embedded one.
     * @return a PD client (it follows the PD leader among the members).
     */
    static PdClient connect(final String members, final Path secretFile, final long timeoutMs, final String aeronDir)
        throws IOException {
        final ClientConfig context = new ClientConfig()
            .storeEndpoints(List.of(members.split(",")))
            .clientName("tkv-ctl")
            .requestTimeoutMs(timeoutMs)
            .connectTimeoutMs(Math.max(timeoutMs, 5000));
        if (secretFile != null) {
            context.secret(Files.readString(secretFile, StandardCharsets.UTF_8).trim());
        }
        if (aeronDir != null) {
            context.aeronDirectoryName(aeronDir);
        }
        return PdClient.connect(context);
    }
}
