package io.tkv.ops;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * How keys and values cross a shell: as UTF-8 text (the default), or as hex with {@code --hex}. Output that is
 * not printable text is shown escaped ({@code \xNN}), as tikv-ctl does, so a terminal never receives raw bytes.
 */
final class ByteText {
    private ByteText() {
    }

    static byte[] parse(final String text, final boolean hex) {
        if (!hex) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (final IllegalArgumentException ex) {
            throw new IllegalArgumentException("not valid hex: '" + text + "'", ex);
        }
    }

    static String format(final byte[] bytes, final boolean hex) {
        if (hex) {
            return HexFormat.of().formatHex(bytes);
        }
        final StringBuilder out = new StringBuilder(bytes.length);
        final String text = new String(bytes, StandardCharsets.UTF_8);
        if (java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes) && isPrintable(text)) {
            return text;
        }
        for (final byte b : bytes) {
            final int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                out.append((char)c);
            } else {
                out.append(String.format("\\x%02x", c));
            }
        }
        return out.toString();
    }

    private static boolean isPrintable(final String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
