package io.tkv.codec.auth;

import org.agrona.DirectBuffer;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * HMAC-SHA256 under one key: the one MAC of the tkv protocol — the client's proof of its secret in the handshake,
 * the derivation of the cluster's keys, and the tag on every store-to-store frame. The JDK's implementation uses the
 * CPU's SHA extensions where it has them (about 1.5 GB/s here). Bytes are fed from any {@link DirectBuffer} through a
 * small reused array, so a frame's tag allocates nothing.
 *
 * <p>Not thread safe: one instance per agent.
 */
public final class HmacSha256 {
    /** Bytes of a full tag. */
    public static final int LENGTH = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final int CHUNK = 4096;

    private final Mac mac;
    private final byte[] chunk = new byte[CHUNK];
    private final byte[] longBytes = new byte[Long.BYTES];

    /** @param key the key; empty is allowed and means the same as one zero byte (HMAC pads keys with zeros). */
    public HmacSha256(final byte[] key) {
        try {
            mac = Mac.getInstance(ALGORITHM);
            // The JCE refuses an empty key; HMAC zero-pads keys to the block size, so one zero byte is the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, ALGORITHM));
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException(ALGORITHM + " unavailable", ex);
        }
    }

    /**
     * @param data the message.
     * @return its 32-byte tag (allocates: for handshakes and key derivation, not per frame).
     */
    public byte[] mac(final byte[] data) {
        return mac.doFinal(data);
    }

    /** Feeds {@code length} bytes of {@code buffer} from {@code offset}. */
    public void update(final DirectBuffer buffer, final int offset, final int length) {
        final byte[] array = buffer.byteArray();
        if (array != null) {
            mac.update(array, buffer.wrapAdjustment() + offset, length);
            return;
        }
        int done = 0;
        while (done < length) {
            final int n = Math.min(CHUNK, length - done);
            buffer.getBytes(offset + done, chunk, 0, n);
            mac.update(chunk, 0, n);
            done += n;
        }
    }

    /** Feeds a long, little-endian. */
    public void update(final long value) {
        for (int i = 0; i < Long.BYTES; i++) {
            longBytes[i] = (byte)(value >>> (8 * i));
        }
        mac.update(longBytes, 0, Long.BYTES);
    }

    /**
     * Ends the message: writes its full tag into {@code out} at {@code offset} and resets for the next one.
     *
     * @param out    at least {@link #LENGTH} bytes from {@code offset}.
     * @param offset where the tag goes.
     */
    public void finish(final byte[] out, final int offset) {
        try {
            mac.doFinal(out, offset);
        } catch (final ShortBufferException ex) {
            throw new IllegalArgumentException("no room for a " + LENGTH + "-byte tag", ex);
        }
    }

    /**
     * @return whether the first {@code length} bytes of two tags are equal, in time independent of where they differ.
     */
    public static boolean tagsEqual(final byte[] a, final byte[] b, final int length) {
        int diff = 0;
        for (int i = 0; i < length; i++) {
            diff |= a[i] ^ b[i];
        }
        return diff == 0;
    }

    /** @return whether two whole tags are equal, in constant time. */
    public static boolean tagsEqual(final byte[] a, final byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
