package io.tkv.server.raft;

import io.tkv.raft.snapshot.SnapshotAgent;
import io.tkv.raft.transport.RaftTransport;
import io.tkv.server.config.RaftSettings;
import org.agrona.collections.Long2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The other stores this store can reach, and where: those of {@code raft.initial-cluster}, and those PD told of while
 * running (a store added to the cluster later). Learning a store makes it reachable everywhere at once: the Raft
 * transport sends to it and takes its frames, the snapshot agent streams to and from it (through its queue), and a
 * NOT_LEADER reply names its endpoint. Raft agent thread (start-up before).
 */
final class StoreAddressBook {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAddressBook.class);

    private final long storeId;
    private final RaftTransport transport;
    private final SnapshotAgent snapshots;
    private final LeaderHints hints;
    private final Long2ObjectHashMap<String> endpoints = new Long2ObjectHashMap<>();

    StoreAddressBook(
        final long storeId, final RaftTransport transport, final SnapshotAgent snapshots, final LeaderHints hints) {
        this.storeId = storeId;
        this.transport = transport;
        this.snapshots = snapshots;
        this.hints = hints;
    }

    /** Start-up, before the agents run: the stores of the initial cluster. */
    void addInitial(final List<RaftSettings.StoreAddress> stores) {
        for (final RaftSettings.StoreAddress store : stores) {
            if (store.storeId() != storeId) {
                transport.addStore(store.storeId(), store.endpoint());
                snapshots.addStore(store.storeId(), store.endpoint());
                endpoints.put(store.storeId(), store.endpoint());
            }
        }
    }

    /** @return whether the store is another store this one can reach (its frames are taken). */
    boolean isOtherStore(final long id) {
        return endpoints.containsKey(id);
    }

    /** @return whether the store is this one or one it can reach: where a new peer may go. */
    boolean isReachable(final long id) {
        return id == storeId || endpoints.containsKey(id);
    }

    /**
     * A store's address, from PD: reachable from now on (a new address replaces the old one).
     *
     * @return whether anything changed.
     */
    boolean learn(final long id, final String endpoint) {
        if (id == storeId || id <= 0 || endpoint.isEmpty() || endpoint.equals(endpoints.get(id))) {
            return false;
        }
        if (!snapshots.addStoreLater(id, endpoint)) {
            return false;
        }
        transport.addStore(id, endpoint);
        hints.put(id, endpoint);
        final String old = endpoints.put(id, endpoint);
        LOG.info("store {} is at {}{} (from PD)", id, endpoint, old == null ? "" : ", was " + old);
        return true;
    }
}
