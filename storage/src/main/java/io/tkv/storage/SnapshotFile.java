package io.tkv.storage;

/**
 * One SST file of a region snapshot: the region's keys of one column family.
 *
 * @param columnFamily the column family the file is ingested into.
 * @param sizeBytes    the file's length.
 * @param crc32c       CRC32C of the whole file, checked before anything is ingested.
 */
public record SnapshotFile(ColumnFamily columnFamily, long sizeBytes, int crc32c) {
    /** Suffix of every snapshot file name. */
    public static final String SUFFIX = ".sst";

    /**
     * @return the file's name in the snapshot directory: the column family's name and {@link #SUFFIX}.
     */
    public String fileName() {
        return fileName(columnFamily);
    }

    /**
     * @return the name of a column family's file in a snapshot directory.
     */
    public static String fileName(final ColumnFamily columnFamily) {
        return columnFamily.cfName() + SUFFIX;
    }
}
