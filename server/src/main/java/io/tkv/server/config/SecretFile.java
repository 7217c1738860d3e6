package io.tkv.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a secret from a file (UTF-8, surrounding whitespace trimmed), as every secret setting of a store takes it. */
public final class SecretFile {
    /** Bytes a secret file may hold at most. */
    private static final long MAX_BYTES = 4096;

    private SecretFile() {
    }

    /**
     * @param file the file.
     * @param what which secret, for the message (e.g. "cluster secret").
     * @return the secret.
     * @throws IllegalArgumentException if the file is empty or too large.
     * @throws UncheckedIOException     if it cannot be read.
     */
    public static String read(final Path file, final String what) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(what + " file " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            final String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException(what + " file " + file + " is empty");
            }
            return secret;
        } catch (final IOException ex) {
            throw new UncheckedIOException("cannot read the " + what + " file " + file + ": " + ex, ex);
        }
    }
}
