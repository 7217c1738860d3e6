package io.tkv.storage;

import java.nio.charset.StandardCharsets;

/**
 * The column families of a store's RocksDB, as in TiKV.
 */
public enum ColumnFamily {
    /** Values: raw keys under the {@code 'r'} prefix, and MVCC values too long to inline in {@link #WRITE}. */
    DEFAULT("default"),
    /** Percolator locks: key to lock. */
    LOCK("lock"),
    /** Percolator commit records: key and commit timestamp to write record. */
    WRITE("write"),
    /** Store and region metadata: store identity, region state, applied index. */
    RAFT("raft");

    private final String cfName;

    ColumnFamily(final String cfName) {
        this.cfName = cfName;
    }

    /**
     * @return the column family's name in RocksDB.
     */
    public String cfName() {
        return cfName;
    }

    byte[] nameBytes() {
        return cfName.getBytes(StandardCharsets.UTF_8);
    }
}
