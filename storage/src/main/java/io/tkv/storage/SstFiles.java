package io.tkv.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.EnvOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.SstFileReader;
import org.rocksdb.SstFileReaderIterator;
import org.rocksdb.SstFileWriter;

/**
 * The file work of region snapshots: writing one column family's range to an SST file, checksumming a file, and
 * reading what an SST file holds. Cold paths, written for clarity; stateless.
 */
final class SstFiles {
    private static final int CRC_BUFFER_BYTES = 64 * 1024;

    private SstFiles() {
    }

    /**
     * Writes every key of {@code [start, end)} of a column family, as seen by {@code snapshot}, to {@code file}.
     *
     * @param start inclusive start, empty for the first key.
     * @param end   exclusive end, empty for no end.
     * @return the file written, or null (and no file) when the range holds no key, since an SST cannot be empty.
     */
    static SnapshotFile write(
        final RocksDB db, final ColumnFamilyHandle cf, final ColumnFamily family, final Snapshot snapshot,
        final byte[] start, final byte[] end, final Compression compression, final Path file)
        throws RocksDBException, IOException {
        Files.deleteIfExists(file);
        // The read options keep pointers to the bound slices: declared after them, they are closed first.
        try (Slice lower = start.length == 0 ? null : new Slice(start);
            Slice upper = end.length == 0 ? null : new Slice(end);
            ReadOptions read = new ReadOptions().setSnapshot(snapshot);
            RocksIterator it = db.newIterator(cf, bounded(read, lower, upper))) {
            it.seekToFirst();
            if (!it.isValid()) {
                it.status();
                return null;
            }
            try (EnvOptions env = new EnvOptions();
                Options options = new Options().setCompressionType(compression.rocksType());
                SstFileWriter writer = new SstFileWriter(env, options)) {
                writer.open(file.toString());
                for (; it.isValid(); it.next()) {
                    writer.put(it.key(), it.value());
                }
                it.status();
                writer.finish();
            }
        }
        return new SnapshotFile(family, Files.size(file), crc32c(file));
    }

    /**
     * @return CRC32C of the whole file.
     */
    static int crc32c(final Path file) throws IOException {
        final CRC32C crc = new CRC32C();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(CRC_BUFFER_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return (int)crc.getValue();
    }

    /**
     * Checks that every key of an SST file lies in {@code [start, end)}.
     *
     * @param end exclusive end, empty for no end.
     * @throws SnapshotException if one does not, or the file is not a readable SST.
     */
    static void checkKeysWithin(final Path file, final byte[] start, final byte[] end) {
        try (Options options = new Options();
            SstFileReader reader = new SstFileReader(options);
            ReadOptions read = new ReadOptions()) {
            reader.open(file.toString());
            try (SstFileReaderIterator it = reader.newIterator(read)) {
                it.seekToFirst();
                if (!it.isValid()) {
                    it.status();
                    throw new SnapshotException(file + " holds no key");
                }
                final byte[] first = it.key();
                it.seekToLast();
                final byte[] last = it.key();
                it.status();
                final boolean belowStart = Arrays.compareUnsigned(first, start) < 0;
                if (belowStart || end.length != 0 && Arrays.compareUnsigned(last, end) >= 0) {
                    throw new SnapshotException(file + " holds keys outside the region");
                }
            }
        } catch (final RocksDBException ex) {
            throw new SnapshotException(file + " is not a readable SST file: " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the value of {@code key} in an SST file, or null when it has none.
     */
    static byte[] find(final Path file, final byte[] key) {
        try (Options options = new Options();
            SstFileReader reader = new SstFileReader(options);
            ReadOptions read = new ReadOptions()) {
            reader.open(file.toString());
            try (SstFileReaderIterator it = reader.newIterator(read)) {
                it.seek(key);
                final byte[] value = it.isValid() && Arrays.equals(it.key(), key) ? it.value() : null;
                it.status();
                return value;
            }
        } catch (final RocksDBException ex) {
            throw new SnapshotException(file + " is not a readable SST file: " + ex.getMessage(), ex);
        }
    }

    private static ReadOptions bounded(final ReadOptions read, final Slice lower, final Slice upper) {
        if (lower != null) {
            read.setIterateLowerBound(lower);
        }
        if (upper != null) {
            read.setIterateUpperBound(upper);
        }
        return read;
    }
}
