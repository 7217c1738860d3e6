package io.tkv.raft.snapshot;

import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.store.SnapshotTransfers;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * The raft agent's side of the {@link SnapshotAgent}: what the driver asks of the streaming goes onto the agent's
 * command queue, what the agent reports comes off its event queue (Agrona queues, bounded, no locks). Called on the
 * raft agent's thread only (it is the event queue's one consumer), except {@link #retire}, which any one thread
 * that owns the exports may call.
 */
public final class SnapshotProxy implements SnapshotTransfers {
    private final ManyToOneConcurrentArrayQueue<Object> commands;
    private final OneToOneConcurrentArrayQueue<Object> events;

    SnapshotProxy(final ManyToOneConcurrentArrayQueue<Object> commands,
        final OneToOneConcurrentArrayQueue<Object> events) {
        this.commands = commands;
        this.events = events;
    }

    @Override
    public boolean fetch(final long fromStoreId, final RaftMessage message) {
        final SnapshotData data = decode(message);
        return data != null && commands.offer(new SnapshotAgent.Fetch(fromStoreId, message, data));
    }

    @Override
    public boolean onSent(final long toStoreId, final RaftMessage message) {
        final SnapshotData data = decode(message);
        return data != null && commands.offer(new SnapshotAgent.Sent(toStoreId, message, data));
    }

    @Override
    public void discard(final RaftMessage message) {
        final SnapshotData data = decode(message);
        if (data != null) {
            commands.offer(new SnapshotAgent.Discard(message.regionId(), data));
        }
    }

    @Override
    public int poll(final Events handler, final int limit) {
        int count = 0;
        Object event;
        while (count < limit && (event = events.poll()) != null) {
            if (event instanceof SnapshotAgent.Fetched fetched) {
                handler.onFetched(fetched.fromStoreId(), fetched.message());
            } else if (event instanceof SnapshotAgent.Report report) {
                handler.onReport(report.regionId(), report.peerId(), report.delivered());
            }
            count++;
        }
        return count;
    }

    /**
     * An export of this store was superseded: its files go once no transfer uses them.
     *
     * @return false if the queue is full (the files then stay until the next start-up's clean-up).
     */
    public boolean retire(final long snapshotId) {
        return commands.offer(new SnapshotAgent.Retire(snapshotId));
    }

    private static SnapshotData decode(final RaftMessage message) {
        try {
            return SnapshotData.decode(message.snapshot().data());
        } catch (final IllegalArgumentException ex) {
            return null;
        }
    }

}
