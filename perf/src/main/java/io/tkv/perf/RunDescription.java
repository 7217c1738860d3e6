package io.tkv.perf;

import java.util.Locale;

/**
 * The settings that identify a run, as printed above its table and in its {@code RESULT} lines.
 *
 * @param workload     what the run does.
 * @param readRatio    share of gets in a mixed workload.
 * @param mode         closed or open loop.
 * @param inFlight     requests outstanding (closed loop) or the most outstanding (open loop).
 * @param rate         intended requests per second (open loop; 0 for closed).
 * @param keySize      bytes per key.
 * @param valueSize    bytes per value.
 * @param keys         size of the key space.
 * @param distribution how keys are chosen.
 * @param fsync        the fsync policy of the store and the baseline.
 */
public record RunDescription(
    Workload workload, double readRatio, LoopMode mode, int inFlight, long rate, int keySize, int valueSize,
    long keys, KeyDistribution distribution, String fsync) {

    /**
     * @return {@code key=value} pairs describing the run, space separated.
     */
    public String fields() {
        final StringBuilder out = new StringBuilder()
            .append("workload=").append(lower(workload));
        if (workload == Workload.MIXED) {
            out.append(" read_ratio=").append(readRatio);
        }
        out.append(" mode=").append(lower(mode)).append(" in_flight=").append(inFlight);
        if (mode == LoopMode.OPEN) {
            out.append(" rate=").append(rate);
        }
        return out
            .append(" key_size=").append(keySize)
            .append(" value_size=").append(valueSize)
            .append(" keys=").append(keys)
            .append(" distribution=").append(lower(distribution))
            .append(" fsync=").append(fsync)
            .toString();
    }

    /**
     * @return a short file-name-safe label, e.g. {@code put-closed-64}.
     */
    public String label() {
        return lower(workload) + '-' + lower(mode) + '-' + (mode == LoopMode.OPEN ? rate + "ops" : inFlight + "if");
    }

    private static String lower(final Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
