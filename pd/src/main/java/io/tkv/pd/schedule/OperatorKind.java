package io.tkv.pd.schedule;

/** Who made an operator: decides its schedule limit and its priority over another operator on the same region. */
public enum OperatorKind {
    /** Balance-leader: a leader transfer. */
    LEADER(0),
    /** Balance-region: a peer moved between stores. */
    REGION(0),
    /** The replica checker: missing, extra, unhealthy or badly placed replicas. Repairs come first. */
    REPLICA(1),
    /** An operator's request ({@code tkv-ctl}): comes before anything PD planned itself; no kind limit. */
    ADMIN(2);

    private final int priority;

    OperatorKind(final int priority) {
        this.priority = priority;
    }

    /** @return the priority: a higher one replaces a running lower one on the same region. */
    public int priority() {
        return priority;
    }
}
