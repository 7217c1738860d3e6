package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class DedupClientTest {
    @Test
    void shouldKeepRepliesSortedWhateverTheArrivalOrder() {
        final DedupClient client = new DedupClient(1);
        final long[] order = {5, 3, 9, 4, 1, 7};
        for (final long id : order) {
            client.add(id, new byte[] {(byte)id});
        }
        assertEquals(order.length, client.replyCount());
        final long[] sorted = {1, 3, 4, 5, 7, 9};
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(sorted[i], client.requestIdAt(i));
            assertArrayEquals(new byte[] {(byte)sorted[i]}, client.reply(sorted[i]));
        }
        assertNull(client.reply(2));
        assertTrue(client.hasReplyBelow(3));
        client.removeFirst();
        assertFalse(client.hasReplyBelow(3));
        assertEquals(3, client.requestIdAt(0));
    }

    @Test
    void shouldMatchASortedMapUnderAppendsAndPruning() {
        final Random random = new Random(7);
        final DedupClient client = new DedupClient(2);
        final TreeMap<Long, byte[]> model = new TreeMap<>();
        long next = 0;
        for (int i = 0; i < 10_000; i++) {
            final long id = random.nextInt(10) == 0 && next > 3 ? next - 1 - random.nextInt(3) : next++;
            if (!model.containsKey(id)) {
                final byte[] reply = {(byte)i};
                client.add(id, reply);
                model.put(id, reply);
            }
            final long mark = next - random.nextInt(20);
            while (client.hasReplyBelow(mark)) {
                client.removeFirst();
            }
            model.headMap(mark).clear();
            assertEquals(model.size(), client.replyCount());
        }
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < client.replyCount(); i++) {
            ids.add(client.requestIdAt(i));
        }
        assertEquals(new ArrayList<>(model.keySet()), ids);
        for (final Long id : model.keySet()) {
            assertSame(model.get(id), client.reply(id));
        }
    }

    @Test
    void shouldOrderExpiryQueueByLastSeenThenClientId() {
        final ClientExpiryQueue queue = new ClientExpiryQueue();
        final Random random = new Random(3);
        final List<DedupClient> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            final DedupClient client = new DedupClient(random.nextInt(1_000_000));
            client.lastSeenMs = random.nextInt(50);
            clients.add(client);
            queue.add(client);
        }
        for (int i = 0; i < 100; i++) {
            final DedupClient client = clients.get(random.nextInt(clients.size()));
            client.lastSeenMs = random.nextInt(60);
            queue.update(client);
        }
        final DedupClient removed = clients.remove(17);
        queue.remove(removed);
        assertEquals(-1, removed.queueIndex);
        clients.sort((a, b) -> a.lastSeenMs != b.lastSeenMs ?
            Long.compare(a.lastSeenMs, b.lastSeenMs) : Long.compare(a.clientId, b.clientId));
        for (final DedupClient expected : clients) {
            final DedupClient head = queue.peek();
            assertSame(expected, head);
            queue.remove(head);
        }
        assertNull(queue.peek());
        assertEquals(0, queue.size());
    }
}
