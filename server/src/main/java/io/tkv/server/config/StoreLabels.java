package io.tkv.server.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A store's location labels as text: {@code zone=z1,rack=r1,host=h1} (empty: none). Keys and values are PD's label
 * syntax: letters, digits and {@code - _ . /}, starting and ending with a letter or digit, at most 64 characters; at
 * most 16 labels, each key once.
 */
public final class StoreLabels {
    /** The most labels a store has. */
    public static final int MAX_LABELS = 16;
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_./]{0,62}[A-Za-z0-9])?");

    private StoreLabels() {
    }

    /** @return whether the text is a valid label key (or value). */
    public static boolean isValidKey(final String key) {
        return WORD.matcher(key).matches();
    }

    /**
     * @param text the labels, e.g. {@code zone=z1,rack=r1}; empty for none.
     * @return the labels in their order.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static Map<String, String> parse(final String text) {
        final Map<String, String> labels = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return labels;
        }
        for (final String pair : text.split(",", -1)) {
            final int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("label '" + pair + "' is not key=value");
            }
            final String key = pair.substring(0, eq);
            final String value = pair.substring(eq + 1);
            if (!isValidKey(key) || !isValidKey(value)) {
                throw new IllegalArgumentException("label '" + pair + "': keys and values are letters, digits and "
                    + "-_./, starting and ending with a letter or digit, at most 64 characters");
            }
            if (labels.put(key, value) != null) {
                throw new IllegalArgumentException("label key '" + key + "' given twice");
            }
            if (labels.size() > MAX_LABELS) {
                throw new IllegalArgumentException("more than " + MAX_LABELS + " labels");
            }
        }
        return labels;
    }
}
