package io.tkv.pd.schedule;

/** The schedulers and checkers that can be switched on and off. */
public enum SchedulerType {
    /** Spreads leaders evenly over stores by count. */
    BALANCE_LEADER,
    /** Spreads peers evenly over stores by the bytes they weigh. */
    BALANCE_REGION,
    /** Repairs missing, extra, down or offline replicas and improves placement by location labels. */
    REPLICA_CHECKER
}
