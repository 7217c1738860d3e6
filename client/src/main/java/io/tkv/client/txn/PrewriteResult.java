package io.tkv.client.txn;

import java.util.List;

/**
 * A prewrite's answer from one region.
 *
 * @param locked        the locks of other transactions that stopped the prewrite; if not empty nothing was written
 *                      and the client resolves them and retries the request.
 * @param minCommitTs   async commit: this region's min commit ts; 0 for 2PC or if the store fell back to 2PC.
 * @param onePcCommitTs the commit ts if 1PC committed the keys, else 0.
 */
public record PrewriteResult(List<LockInfo> locked, long minCommitTs, long onePcCommitTs) {
    /** Copies the list. */
    public PrewriteResult {
        locked = List.copyOf(locked);
    }
}
