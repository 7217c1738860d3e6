package io.tkv.raft.transport;

/** A Raft frame whose lengths are sound but whose content makes no sense; the frame is dropped and counted. */
public final class MalformedRaftFrameException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong. */
    public MalformedRaftFrameException(final String message) {
        super(message, null, false, false);
    }
}
