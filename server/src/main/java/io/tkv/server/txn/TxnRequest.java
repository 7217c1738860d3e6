package io.tkv.server.txn;

import io.tkv.txn.command.TxnCommand;

/**
 * One transactional request as the store runs it: whom the answer is for and the command.
 *
 * @param correlationId   the client's id of the request.
 * @param templateId      the request's template: the shape of its answer.
 * @param regionId        the region it names.
 * @param epochVersion    the region epoch's version it names (checked again where it runs).
 * @param command         the transaction layer's command.
 * @param keyOnly         a scan that answers keys without values.
 * @param needsSyncedMaxTs an async-commit or 1PC prewrite: it may run only on a leader whose max ts is synced.
 */
public record TxnRequest(
    long correlationId,
    int templateId,
    long regionId,
    long epochVersion,
    TxnCommand command,
    boolean keyOnly,
    boolean needsSyncedMaxTs) {
}
