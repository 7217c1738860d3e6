package io.tkv.pd.schedule;

import io.tkv.pd.cluster.RegionInfo;

import java.util.List;

/**
 * A plan for one region: a sequence of {@link OperatorStep}s, executed by the region's leader one at a time. PD
 * learns that a step happened from the region's next heartbeats ({@link #check}), not from an acknowledgement;
 * each step has a timeout (fast for leader transfers, slow for peer changes that need a snapshot). Not thread
 * safe: owned by the {@link OperatorController}.
 */
public final class Operator {
    /** Where an operator is. */
    public enum Status {
        /** Steps remain. */
        RUNNING,
        /** Every step is visible in the region's state. */
        SUCCESS,
        /** A step did not happen in time. */
        TIMEOUT,
        /** The region changed so that a step can no longer happen, or the region is gone. */
        CANCELED,
        /** A higher-priority operator took the region. */
        REPLACED
    }

    private final long regionId;
    private final OperatorKind kind;
    private final String description;
    private final List<OperatorStep> steps;
    private final long regionSizeBytes;
    private final long leaderStepTimeoutMs;
    private final long peerStepTimeoutMs;
    private final long createdMs;
    private int current;
    /**
     * Whether the current step's new learner already shows in the region (still catching up): the registry then
     * counts it on its store, and the influence must not count it a second time.
     */
    private boolean learnerVisible;
    private long stepStartMs;
    private Status status = Status.RUNNING;

    /**
     * @param region              the region as planned.
     * @param kind                who made it.
     * @param description         what it is for, for logs and {@code tkv-ctl}.
     * @param steps               at least one step.
     * @param leaderStepTimeoutMs timeout of a leader transfer.
     * @param peerStepTimeoutMs   timeout of a peer change.
     * @param nowMs               PD's clock.
     */
    public Operator(final RegionInfo region, final OperatorKind kind, final String description,
        final List<OperatorStep> steps, final long leaderStepTimeoutMs, final long peerStepTimeoutMs,
        final long nowMs) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("an operator needs at least one step");
        }
        this.regionId = region.id();
        this.kind = kind;
        this.description = description;
        this.steps = List.copyOf(steps);
        this.regionSizeBytes = region.scoreSizeBytes();
        this.leaderStepTimeoutMs = leaderStepTimeoutMs;
        this.peerStepTimeoutMs = peerStepTimeoutMs;
        this.createdMs = nowMs;
        this.stepStartMs = nowMs;
    }

    /**
     * Advances past every step the region's state shows done.
     *
     * @param region the region as just reported.
     * @param nowMs  PD's clock.
     * @return the step to ask of the leader now, or null if the operator is over (see {@link #status()}).
     */
    public OperatorStep check(final RegionInfo region, final long nowMs) {
        while (status == Status.RUNNING) {
            final OperatorStep.Progress progress = steps.get(current).check(region);
            if (progress == OperatorStep.Progress.FAILED) {
                status = Status.CANCELED;
            } else if (progress == OperatorStep.Progress.DONE) {
                current++;
                stepStartMs = nowMs;
                if (current == steps.size()) {
                    status = Status.SUCCESS;
                }
            } else {
                break;
            }
        }
        learnerVisible = status == Status.RUNNING && steps.get(current) instanceof OperatorStep.AddLearner a
            && region.peerOnStore(a.storeId()) != null;
        checkTimeout(nowMs);
        return status == Status.RUNNING ? steps.get(current) : null;
    }

    /**
     * @param nowMs PD's clock.
     * @return whether the current step has now timed out (the operator is then over).
     */
    public boolean checkTimeout(final long nowMs) {
        if (status != Status.RUNNING) {
            return false;
        }
        final long timeout = steps.get(current).isLeaderStep() ? leaderStepTimeoutMs : peerStepTimeoutMs;
        if (nowMs - stepStartMs > timeout) {
            status = Status.TIMEOUT;
            return true;
        }
        return false;
    }

    void end(final Status newStatus) {
        if (status == Status.RUNNING) {
            status = newStatus;
        }
    }

    /** Adds what the steps not yet done will change on each store. */
    void addInfluence(final OperatorInfluence influence) {
        for (int i = current; i < steps.size(); i++) {
            final OperatorStep step = steps.get(i);
            if (step instanceof OperatorStep.TransferLeader t) {
                influence.addLeader(t.fromStore(), -1);
                influence.addLeader(t.toStore(), 1);
            } else if (step instanceof OperatorStep.AddLearner a && !(i == current && learnerVisible)) {
                influence.addRegion(a.storeId(), 1, regionSizeBytes);
            } else if (step instanceof OperatorStep.RemovePeer r) {
                influence.addRegion(r.storeId(), -1, regionSizeBytes);
            }
        }
    }

    /** @return whether a step not yet done adds or removes a peer on the store. */
    boolean changesPeerOn(final long storeId) {
        for (int i = current; i < steps.size(); i++) {
            final OperatorStep step = steps.get(i);
            if (step instanceof OperatorStep.AddLearner a && a.storeId() == storeId
                || step instanceof OperatorStep.RemovePeer r && r.storeId() == storeId) {
                return true;
            }
        }
        return false;
    }

    /** @return the region. */
    public long regionId() {
        return regionId;
    }

    /** @return who made it. */
    public OperatorKind kind() {
        return kind;
    }

    /** @return what it is for. */
    public String description() {
        return description;
    }

    /** @return every step. */
    public List<OperatorStep> steps() {
        return steps;
    }

    /** @return the index of the current step. */
    public int currentStep() {
        return current;
    }

    /** @return the status. */
    public Status status() {
        return status;
    }

    /** @return when it was created (PD's clock). */
    public long createdMs() {
        return createdMs;
    }

    @Override
    public String toString() {
        return "Operator{region=" + regionId + ", " + kind + " " + description + ", step " + current + "/"
            + steps.size() + " " + steps + ", " + status + "}";
    }
}
