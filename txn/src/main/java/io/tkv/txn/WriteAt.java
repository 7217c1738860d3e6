package io.tkv.txn;

/**
 * A write record with the commit ts it is stored at.
 *
 * @param commitTs the timestamp of its key in the write CF.
 * @param write    the record.
 */
public record WriteAt(long commitTs, Write write) {
}
