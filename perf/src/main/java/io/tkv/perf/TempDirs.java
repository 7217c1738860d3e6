package io.tkv.perf;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removes the directories the harness creates (data dirs, Aeron dirs). Best effort: a failure is reported on
 * stderr, never thrown, so it cannot hide the error that led to the cleanup.
 */
final class TempDirs {
    private TempDirs() {
    }

    /**
     * Deletes a directory and everything below it; a missing directory is fine.
     *
     * @param dir the directory.
     */
    static void deleteRecursively(final Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path path, final IOException ex) throws IOException {
                    Files.deleteIfExists(path);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (final IOException ex) {
            System.err.println("warning: could not delete " + dir + ": " + ex);
        }
    }
}
