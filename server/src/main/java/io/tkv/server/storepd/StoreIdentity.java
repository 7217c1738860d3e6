package io.tkv.server.storepd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.LongSupplier;

/**
 * The id of a store that talks to PD and was given none ({@code --store-id}): the one it took on its first start,
 * kept in {@code <data-dir>/store-id}, or — on the first start — a fresh id from PD (AllocId), written there (synced,
 * renamed into place) before the store uses it, so a restart never comes back as another store.
 */
public final class StoreIdentity {
    /** The file in the data dir. */
    public static final String FILE_NAME = "store-id";

    private StoreIdentity() {
    }

    /**
     * @param dataDir  the store's data dir (made if absent).
     * @param allocate asks PD for a fresh id; called only when the data dir has none.
     * @return the store's id.
     */
    public static long resolve(final Path dataDir, final LongSupplier allocate) {
        final Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                final String text = Files.readString(file, StandardCharsets.UTF_8).trim();
                try {
                    final long id = Long.parseLong(text);
                    if (id > 0) {
                        return id;
                    }
                } catch (final NumberFormatException ignore) {
                    // reported below
                }
                throw new IllegalStateException(file + " holds no store id: '" + text + "'");
            }
            final long id = allocate.getAsLong();
            if (id <= 0) {
                throw new IllegalStateException("PD allocated store id " + id);
            }
            Files.createDirectories(dataDir);
            final Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
            Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
                dir.force(true);
            }
            return id;
        } catch (final IOException ex) {
            throw new UncheckedIOException("cannot read or keep the store id in " + file, ex);
        }
    }
}
