package io.tkv.codec.auth;

/**
 * The authentication trailer every store-to-store frame carries after its SBE message:
 *
 * <pre>
 *   frame      the SBE message (header, body) as the schema lays it out
 *   +0  int64  incarnation: the sender's start count, persisted and raised at every start (little-endian)
 *   +8  int64  sequence: raised by one for every frame the sender seals on this stream, from 1
 *   +16 16 B   tag: HMAC-SHA256(stream key, frame || incarnation || sequence), first 16 bytes
 * </pre>
 *
 * <p>The receiver checks the tag before it reads anything of the frame but the fixed routing prefix (cluster id,
 * sending and receiving store), and drops (and counts) a frame that fails. <b>Replays</b>: per sending store and
 * stream it keeps the highest (incarnation, sequence) it accepted and accepts only higher ones. Aeron delivers one
 * publication's frames in order, so a genuine stream only ever goes up; a frame recorded and sent again is refused
 * for as long as the receiver runs, and a sender's restart cannot reopen its old frames (its incarnation went up).
 * What is left: right after the <i>receiver</i> restarts, until the first genuine frame of each sender reaches it,
 * a recorded frame of that sender could be played to it once. Such a frame is a message that sender really sent,
 * late: Raft's safety holds under any delay and duplication of messages (a stale term is refused, an append is
 * checked against the log, a vote is persisted before it is granted), so the most it can do is what a slow network
 * does — delay an election or a snapshot transfer by a round.
 *
 * <p>A 128-bit tag: a forger's chance per frame sent is 2^-128.
 */
public final class PeerFrames {
    /** Bytes of the tag kept of the full HMAC. */
    public static final int TAG_LENGTH = 16;
    /** Bytes of the trailer. */
    public static final int TRAILER_LENGTH = 2 * Long.BYTES + TAG_LENGTH;

    static final int INCARNATION_OFFSET = 0;
    static final int SEQUENCE_OFFSET = Long.BYTES;
    static final int TAG_OFFSET = 2 * Long.BYTES;

    private PeerFrames() {
    }
}
