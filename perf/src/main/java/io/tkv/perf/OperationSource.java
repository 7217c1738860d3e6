package io.tkv.perf;

import java.util.SplittableRandom;

/**
 * The sequence of operations of a run: which kind, on which key. Seeded, so two targets given the same seed see
 * the same sequence. Not thread safe: used by the one thread that issues requests.
 */
public final class OperationSource {
    private final Workload workload;
    private final double readRatio;
    private final KeyChooser chooser;
    private final SplittableRandom mixRandom;

    /**
     * @param workload  what the run does.
     * @param readRatio share of gets in a mixed workload, in [0, 1].
     * @param chooser   picks key indexes.
     * @param seed      seed of the read/write mix.
     */
    public OperationSource(final Workload workload, final double readRatio, final KeyChooser chooser, final long seed) {
        if (!(readRatio >= 0 && readRatio <= 1)) {
            throw new IllegalArgumentException("read ratio must be in [0, 1], was " + readRatio);
        }
        this.workload = workload;
        this.readRatio = readRatio;
        this.chooser = chooser;
        this.mixRandom = new SplittableRandom(seed);
    }

    /**
     * @return the kind of the next operation.
     */
    public OpKind nextKind() {
        switch (workload) {
            case PUT:
                return OpKind.PUT;
            case GET:
                return OpKind.GET;
            case SCAN:
                return OpKind.SCAN;
            case MIXED:
                return mixRandom.nextDouble() < readRatio ? OpKind.GET : OpKind.PUT;
            default:
                throw new IllegalStateException("unknown workload " + workload);
        }
    }

    /**
     * @return the key index of the next operation.
     */
    public long nextKeyIndex() {
        return chooser.nextIndex();
    }
}
