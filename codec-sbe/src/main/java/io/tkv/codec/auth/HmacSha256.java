package io.tkv.codec.auth;

import org.agrona.DirectBuffer;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) under one key: the one MAC of the tkv protocol — the client's proof of its secret in the
 * handshake, the derivation of the cluster's keys, and the tag on every store-to-store frame. Built on the JDK's
 * SHA-256 {@link MessageDigest}, which uses the CPU's SHA extensions where it has them (about 1.7 GB/s here), and
 * written out rather than taken from {@code javax.crypto.Mac} because that allocates its result on every message: a
 * frame's tag here allocates nothing. Bytes are fed from any {@link DirectBuffer} through a small reused array.
 *
 * <p>Not thread safe: one instance per agent.
 */
public final class HmacSha256 {
    /** Bytes of a full tag. */
    public static final int LENGTH = 32;

    private static final int BLOCK = 64;
    private static final int CHUNK = 4096;
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private final MessageDigest sha256;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] inner = new byte[LENGTH];
    private final byte[] chunk = new byte[CHUNK];
    private final byte[] longBytes = new byte[Long.BYTES];

    /** @param key the key; empty is allowed (HMAC pads keys with zeros, so it is the same as one zero byte). */
    public HmacSha256(final byte[] key) {
        sha256 = sha256();
        final byte[] block = key.length > BLOCK ? sha256.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            final byte k = i < block.length ? block[i] : 0;
            innerPad[i] = (byte)(k ^ IPAD);
            outerPad[i] = (byte)(k ^ OPAD);
        }
        sha256.update(innerPad);
    }

    /**
     * @param data the message.
     * @return its 32-byte tag (allocates: for handshakes and key derivation, not per frame).
     */
    public byte[] mac(final byte[] data) {
        sha256.update(data);
        final byte[] tag = new byte[LENGTH];
        finish(tag, 0);
        return tag;
    }

    /** Feeds {@code length} bytes of {@code buffer} from {@code offset}. */
    public void update(final DirectBuffer buffer, final int offset, final int length) {
        final byte[] array = buffer.byteArray();
        if (array != null) {
            sha256.update(array, buffer.wrapAdjustment() + offset, length);
            return;
        }
        int done = 0;
        while (done < length) {
            final int n = Math.min(CHUNK, length - done);
            buffer.getBytes(offset + done, chunk, 0, n);
            sha256.update(chunk, 0, n);
            done += n;
        }
    }

    /** Feeds a long, little-endian. */
    public void update(final long value) {
        for (int i = 0; i < Long.BYTES; i++) {
            longBytes[i] = (byte)(value >>> (8 * i));
        }
        sha256.update(longBytes, 0, Long.BYTES);
    }

    /**
     * Ends the message: writes its full tag into {@code out} at {@code offset} and starts the next one.
     *
     * @param out    at least {@link #LENGTH} bytes from {@code offset}.
     * @param offset where the tag goes.
     */
    public void finish(final byte[] out, final int offset) {
        try {
            sha256.digest(inner, 0, LENGTH);
            sha256.update(outerPad);
            sha256.update(inner);
            sha256.digest(out, offset, LENGTH);
        } catch (final DigestException ex) {
            throw new IllegalArgumentException("no room for a " + LENGTH + "-byte tag", ex);
        }
        sha256.update(innerPad);
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    }
}
