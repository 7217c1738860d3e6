package io.tkv.pd.schedule;

/** A balance scheduler: looks at the whole cluster and proposes at most one operator per call. */
public interface Scheduler {
    /** @return which scheduler this is. */
    SchedulerType type();

    /**
     * @param ctx the cluster as it will be once running operators finish.
     * @return an operator to run, or null if nothing is worth doing.
     */
    Operator schedule(ScheduleContext ctx);
}
