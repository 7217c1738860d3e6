package io.tkv.client;

/**
 * A 1PC prewrite ({@link TxnRpc#prewrite}) whose keys turned out to be in more than one region: grouped from a stale
 * region cache, or a region split under the request. The request was not sent in parts (1PC needs all its keys in
 * one prewrite): whatever went out was refused by a region error, so nothing was written by it. The transactional
 * client commits such a transaction again over its regions as they are now, without 1PC.
 */
public final class OnePcSpansRegionsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened.
     */
    public OnePcSpansRegionsException(final String message) {
        super(message);
    }
}
