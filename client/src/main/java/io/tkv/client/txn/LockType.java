package io.tkv.client.txn;

/** What a lock commits to, as the store reports it. */
public enum LockType {
    /** A prewritten put. */
    PUT,
    /** A prewritten delete. */
    DELETE,
    /** A prewritten read lock: commits to no change of value. */
    LOCK,
    /** A pessimistic transaction's lock before its prewrite; it never blocks reads. */
    PESSIMISTIC
}
