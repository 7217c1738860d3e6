/**
 * Scheduling, in PD's shape. Checkers and schedulers never change a region themselves: they propose an
 * {@link io.tkv.pd.schedule.Operator}, a short plan of {@link io.tkv.pd.schedule.OperatorStep}s for one region,
 * which the {@link io.tkv.pd.schedule.OperatorController} runs (one per region, within limits) by answering the
 * region leader's heartbeats with the current step. A step is known done only when a later heartbeat shows it.
 *
 * <p>Why balancing does not oscillate: store scores count what running operators will still change
 * ({@link io.tkv.pd.schedule.OperatorInfluence}, each unit once: a learner already visible in the registry is not
 * counted again); and {@link io.tkv.pd.schedule.ScheduleContext#shouldBalance} only moves from stores at least half
 * the heaviest unit above the average to stores more than that below it, so a store only ever gives or only ever
 * takes while the average holds, and every move lowers the sum of squared scores. Placement by location labels
 * ({@link io.tkv.pd.schedule.Placement}) only ever moves a peer to a strictly better isolated store, and balancing
 * never lowers isolation and leaves regions whose isolation can improve to the replica checker. The seeded
 * simulation in the tests checks all of this on a simulated cluster, with negative controls.
 */
package io.tkv.pd.schedule;
