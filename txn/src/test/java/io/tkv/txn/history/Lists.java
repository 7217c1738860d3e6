package io.tkv.txn.history;

import java.util.Arrays;

/** Short renderings of long lists for anomaly reports, which must stay readable in a failing test's message. */
final class Lists {
    /** Elements shown at each end of a long list. */
    private static final int ENDS = 4;

    private Lists() {
    }

    /** {@code [1, 2, 3]}, or {@code [1, 2, 3, 4, ... 97, 98, 99, 100] (100 elements)} when long. */
    static String brief(final long[] list) {
        if (list.length <= 2 * ENDS + 1) {
            return Arrays.toString(list);
        }
        final StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ENDS; i++) {
            sb.append(list[i]).append(", ");
        }
        sb.append("...");
        for (int i = list.length - ENDS; i < list.length; i++) {
            sb.append(", ").append(list[i]);
        }
        return sb.append("] (").append(list.length).append(" elements)").toString();
    }

    /** Where two lists first differ, e.g. {@code "at index 13: 21 vs 16"}. */
    static String firstDifference(final long[] a, final long[] b) {
        final int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return "at index " + i + ": " + a[i] + " vs " + b[i];
            }
        }
        return "at index " + n + ": one ends";
    }
}
