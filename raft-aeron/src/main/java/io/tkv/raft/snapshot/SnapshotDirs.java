package io.tkv.raft.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where snapshot files live under a store's snapshot root ({@code <data-dir>/snap}): {@code send-<id>} for a
 * snapshot this store exported and serves, {@code recv-<region>-<sender>-<id>} for one it fetches or fetched from
 * a leader. A received directory holds {@link #META_FILE} once every file arrived intact.
 */
public final class SnapshotDirs {
    /** In a complete received directory: the {@link SnapshotData} encoding, for a restart that must install it. */
    public static final String META_FILE = "snapshot.meta";
    private static final int MAX_NAME_LENGTH = 128;

    private SnapshotDirs() {
    }

    /** @return the directory of a snapshot this store exported. */
    public static Path sendDir(final Path root, final long snapshotId) {
        return root.resolve("send-" + Long.toHexString(snapshotId));
    }

    /** @return the directory a snapshot from another store is fetched into. */
    public static Path receiveDir(final Path root, final long regionId, final SnapshotData data) {
        return root.resolve(
            "recv-" + regionId + "-" + data.senderStoreId() + "-" + Long.toHexString(data.snapshotId()));
    }

    /** @return whether the directory name is one of {@code regionId}'s received snapshots. */
    public static boolean isReceiveDirOf(final Path dir, final long regionId) {
        return dir.getFileName().toString().startsWith("recv-" + regionId + "-");
    }

    /**
     * @param name a file name from another store.
     * @return whether it is a plain name: 1-128 characters of {@code [A-Za-z0-9._-]}, not starting with a dot.
     */
    public static boolean isSafeFileName(final String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Deletes a directory tree; a missing one is fine. */
    public static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
