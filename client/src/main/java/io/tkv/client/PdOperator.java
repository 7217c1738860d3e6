package io.tkv.client;

/**
 * An operator PD runs on a region (GetOperators): its current step's kind and store, and a description of all of it.
 *
 * @param regionId    the region.
 * @param operatorId  PD's id of the operator.
 * @param kind        the kind of the step it is at.
 * @param storeId     the store that step acts on.
 * @param description what the operator does, step by step, and why (e.g. {@code balance-region: add learner on 4,
 *                    promote, remove peer on 1}).
 */
public record PdOperator(long regionId, long operatorId, OperatorStep.Kind kind, long storeId, String description) {
}
