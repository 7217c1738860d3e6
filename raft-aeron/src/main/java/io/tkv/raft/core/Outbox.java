package io.tkv.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Output gathered for the next {@link Ready}: messages (split by when they may leave) and ReadIndex results. Only a
 * leader's own traffic (APPEND, HEARTBEAT, SNAPSHOT, TIMEOUT_NOW, HIBERNATE) and PRE_VOTE, which promise nothing
 * about this peer's durable state, may leave before the Ready is durable; votes and every response wait for it.
 */
final class Outbox {
    private final boolean ackBeforePersist;
    private List<RaftMessage> messages = new ArrayList<>();
    private List<RaftMessage> afterPersist = new ArrayList<>();
    private List<ReadState> readStates = new ArrayList<>();

    Outbox(final RaftConfig.BrokenRule broken) {
        this.ackBeforePersist = broken == RaftConfig.BrokenRule.ACK_BEFORE_PERSIST;
    }

    void send(final RaftMessage message) {
        switch (message.type()) {
            case APPEND, HEARTBEAT, SNAPSHOT, TIMEOUT_NOW, HIBERNATE, PRE_VOTE -> messages.add(message);
            case APPEND_RESPONSE -> (ackBeforePersist ? messages : afterPersist).add(message);
            default -> afterPersist.add(message);
        }
    }

    List<ReadState> readStates() {
        return readStates;
    }

    boolean isEmpty() {
        return messages.isEmpty() && afterPersist.isEmpty() && readStates.isEmpty();
    }

    List<RaftMessage> takeMessages() {
        if (messages.isEmpty()) {
            return List.of();
        }
        final List<RaftMessage> taken = messages;
        messages = new ArrayList<>();
        return taken;
    }

    List<RaftMessage> takeAfterPersist() {
        if (afterPersist.isEmpty()) {
            return List.of();
        }
        final List<RaftMessage> taken = afterPersist;
        afterPersist = new ArrayList<>();
        return taken;
    }

    List<ReadState> takeReadStates() {
        if (readStates.isEmpty()) {
            return List.of();
        }
        final List<ReadState> taken = readStates;
        readStates = new ArrayList<>();
        return taken;
    }
}
