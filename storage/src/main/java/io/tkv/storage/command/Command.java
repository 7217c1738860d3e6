package io.tkv.storage.command;

/**
 * The store's internal command format: what a Raft entry of a region holds, written in this one place. A command is
 * produced once, on the proposing store, from a request that passed every check there (the proposal adapter); apply
 * executes commands and never reads a client's frame, so the log outlives the client schema.
 *
 * <pre>
 *   0  uint8   format version ({@link #VERSION}; 1 was the legacy entry: a time and the client's frame)
 *   1  uint8   command type ({@link #PUT} ...)
 *   2  uint8   flags ({@link #FLAG_EXPECT_ABSENT}; every other bit 0)
 *   3  uint8   reserved, 0
 *   4  int32   item count: the byte strings after the header
 *   8  int64   proposal time, epoch ms: the leader's clock when it proposed, from which TTLs count and by which
 *              dedup records expire (a replica's own clock would differ)
 *  16  int64   region id
 *  24  int64   region epoch conf version, as the proposer checked it
 *  32  int64   region epoch version, as the proposer checked it
 *  40  int64   client id (0: none; the write is not deduplicated; always 0 for an admin command)
 *  48  int64   request id (the client's correlation id)
 *  56  int64   first incomplete request id of the client
 *  64  int64   ttl seconds (0: no expiry)
 *  72  items:  count x (uint32 length, bytes)
 * </pre>
 * All little-endian. The items per type: PUT key, value; BATCH_PUT count/2 pairs of key, value; DELETE key;
 * BATCH_DELETE keys; DELETE_RANGE start key, end key (empty: to the end); COMPARE_AND_SWAP key, expected value, new
 * value; SPLIT (an admin command, see {@link #SPLIT}) split key, new region id, new peer ids; TXN_WRITE (see
 * {@link #TXN_WRITE}) the transaction scheduler's write batch and the term it read in. A client write's command
 * is never larger than the request it came from plus {@link #HEADER_LENGTH}: its items are the request's byte fields
 * with the same 4-byte lengths, and nothing else follows the header.
 *
 * <p>Versioning: a reader that meets a version or a type it does not know treats the entry as a malformed no-op, the
 * same on every replica; so a new command type or version may only be proposed once every store of the cluster
 * reads it.
 */
public final class Command {
    /** The format version this build writes. */
    public static final byte VERSION = 2;

    /** Put one key. */
    public static final byte PUT = 1;
    /** Put several keys atomically, with one TTL. */
    public static final byte BATCH_PUT = 2;
    /** Delete one key. */
    public static final byte DELETE = 3;
    /** Delete several keys atomically. */
    public static final byte BATCH_DELETE = 4;
    /** Delete a key range. */
    public static final byte DELETE_RANGE = 5;
    /** Compare and swap one key. */
    public static final byte COMPARE_AND_SWAP = 6;
    /** The highest client write type this build reads. */
    static final byte MAX_WRITE_TYPE = COMPARE_AND_SWAP;
    /**
     * Admin: split the region at a key. Items: the split key (a stored key, strictly inside the region), the new
     * region's id (8 bytes, big-endian), then one new peer id (8 bytes, big-endian) per peer of the region, in the
     * order its descriptor lists them. The header's epoch must be the region's, both counters.
     */
    public static final byte SPLIT = 16;
    /**
     * A transactional command's modifications, proposed by the store's transaction scheduler (never a client's
     * frame). Items: the {@code io.tkv.txn.WriteBatchCodec} bytes, then the term of the leader whose state the command
     * read (8 bytes, big-endian). Applied in the entry's write batch if the header's epoch version is still the
     * region's and the entry's own term is that term: an entry of another term was proposed after leadership moved
     * since the command read, so another leader may have written keys it read, and it applies nothing. Client id 0;
     * request id the scheduler's command id on the proposing store.
     * Readers of format 2 before this type was added treat it as a malformed no-op, so a cluster proposes it only once
     * every store runs a build that reads it.
     */
    public static final byte TXN_WRITE = 17;
    /** Bytes of an id item of an admin command. */
    public static final int ID_ITEM_LENGTH = Long.BYTES;

    /** Flag: the compare-and-swap expects the key to be absent. */
    public static final int FLAG_EXPECT_ABSENT = 1;
    /** Every flag this build knows. */
    static final int KNOWN_FLAGS = FLAG_EXPECT_ABSENT;

    /** Bytes before the first item. */
    public static final int HEADER_LENGTH = 72;
    /** Bytes of an item's length prefix. */
    public static final int ITEM_LENGTH_BYTES = Integer.BYTES;

    static final int VERSION_OFFSET = 0;
    static final int TYPE_OFFSET = 1;
    static final int FLAGS_OFFSET = 2;
    static final int RESERVED_OFFSET = 3;
    static final int COUNT_OFFSET = 4;
    static final int TIME_OFFSET = 8;
    static final int REGION_OFFSET = 16;
    static final int CONF_VER_OFFSET = 24;
    static final int EPOCH_VERSION_OFFSET = 32;
    static final int CLIENT_ID_OFFSET = 40;
    static final int REQUEST_ID_OFFSET = 48;
    static final int FIRST_INCOMPLETE_OFFSET = 56;
    static final int TTL_OFFSET = 64;

    private Command() {
    }

    /** @return the type's name, for messages. */
    public static String typeName(final int type) {
        return switch (type) {
            case PUT -> "PUT";
            case BATCH_PUT -> "BATCH_PUT";
            case DELETE -> "DELETE";
            case BATCH_DELETE -> "BATCH_DELETE";
            case DELETE_RANGE -> "DELETE_RANGE";
            case COMPARE_AND_SWAP -> "COMPARE_AND_SWAP";
            case SPLIT -> "SPLIT";
            case TXN_WRITE -> "TXN_WRITE";
            default -> "type " + type;
        };
    }
}
