package io.tkv.storage;

import java.util.Locale;

import org.rocksdb.CompressionType;

/**
 * Block compression of the SST files, as named in configuration files.
 */
public enum Compression {
    /** No compression: the least CPU, the most disk. */
    NONE("none", CompressionType.NO_COMPRESSION),
    /** LZ4: fast, modest ratio; the default, as in TiKV's upper levels. */
    LZ4("lz4", CompressionType.LZ4_COMPRESSION),
    /** Zstandard: better ratio for more CPU. */
    ZSTD("zstd", CompressionType.ZSTD_COMPRESSION),
    /** Snappy: fast, modest ratio. */
    SNAPPY("snappy", CompressionType.SNAPPY_COMPRESSION);

    private final String configName;
    private final CompressionType rocksType;

    Compression(final String configName, final CompressionType rocksType) {
        this.configName = configName;
        this.rocksType = rocksType;
    }

    /**
     * The name used in configuration files.
     *
     * @return the lower-case name, e.g. {@code "lz4"}.
     */
    public String configName() {
        return configName;
    }

    CompressionType rocksType() {
        return rocksType;
    }

    /**
     * Parses a configuration name, ignoring case.
     *
     * @param name one of {@code none}, {@code lz4}, {@code zstd}, {@code snappy}.
     * @return the matching compression.
     * @throws IllegalArgumentException if the name is unknown.
     */
    public static Compression fromConfigName(final String name) {
        final String lower = name.trim().toLowerCase(Locale.ROOT);
        for (final Compression compression : values()) {
            if (compression.configName.equals(lower)) {
                return compression;
            }
        }
        throw new IllegalArgumentException("unknown compression '" + name + "', expected none, lz4, zstd or snappy");
    }
}
