package io.tkv.client;

/**
 * PD's answer to an update of the GC safe point.
 *
 * @param newSafePoint PD's safe point after the request (never below what it was: it does not move backwards).
 * @param updated      whether the request moved it (false: it was at or above the one asked already).
 */
public record PdGcSafePointUpdate(long newSafePoint, boolean updated) {
}
