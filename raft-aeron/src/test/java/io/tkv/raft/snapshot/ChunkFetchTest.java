package io.tkv.raft.snapshot;

import io.tkv.raft.core.ConfState;
import io.tkv.raft.core.MessageType;
import io.tkv.raft.core.RaftMessage;
import io.tkv.raft.core.Snapshot;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receiving side of the chunk protocol, driven by hand with a test clock: the window bounds what is in flight,
 * a lost chunk is asked for again after the request timeout, a corrupt file fails the transfer, and a sender that
 * goes quiet fails it after the transfer timeout.
 */
class ChunkFetchTest {
    private static final int CHUNK = 1024;
    private static final int WINDOW = 3;
    private static final long REQUEST_TIMEOUT_MS = 100;
    private static final long TRANSFER_TIMEOUT_MS = 1_000;

    @TempDir
    Path dir;

    private record Request(String fileName, long offset, int length) {
    }

    private final List<Request> requests = new ArrayList<>();
    private final ChunkFetch.Requester requester = (fetch, name, offset, length) ->
        requests.add(new Request(name, offset, length));
    private long nowMs = 1_000;

    private SnapshotData source(final int... sizes) throws IOException {
        final Path send = dir.resolve("send");
        Files.createDirectories(send);
        final Random random = new Random(42);
        final List<SnapshotData.FileInfo> files = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            final byte[] bytes = new byte[sizes[i]];
            random.nextBytes(bytes);
            final String name = "file-" + i + ".sst";
            Files.write(send.resolve(name), bytes);
            final CRC32C crc = new CRC32C();
            crc.update(bytes);
            files.add(new SnapshotData.FileInfo(name, bytes.length, (int)crc.getValue()));
        }
        return new SnapshotData(7, 2, files, new byte[] {1, 2, 3});
    }

    private ChunkFetch fetch(final SnapshotData data) throws IOException {
        final RaftMessage message = new RaftMessage(MessageType.SNAPSHOT, 1, 2, 3, 5, 0, 0, 0, false, 0, 0, List.of(),
            new Snapshot(100, 5, ConfState.ofVoters(1, 2, 3), data.encode()));
        return new ChunkFetch(2, message, data, dir.resolve("recv"), CHUNK, WINDOW, REQUEST_TIMEOUT_MS,
            TRANSFER_TIMEOUT_MS, nowMs);
    }

    /** Answers a request from the source files, as the sender would; {@code corrupt} flips a byte. */
    private boolean answer(final ChunkFetch fetch, final Request request, final boolean corrupt) throws IOException {
        final byte[] all = Files.readAllBytes(dir.resolve("send").resolve(request.fileName()));
        final byte[] chunk = new byte[request.length()];
        System.arraycopy(all, (int)request.offset(), chunk, 0, chunk.length);
        if (corrupt) {
            chunk[0] ^= 0x5A;
        }
        return fetch.onChunk(request.fileName(), request.offset(), new UnsafeBuffer(chunk), 0, chunk.length, nowMs);
    }

    /** Polls, then answers every outstanding request; returns how many were answered. */
    private int round(final ChunkFetch fetch) throws IOException {
        fetch.poll(nowMs, requester);
        assertTrue(fetch.inFlight() <= WINDOW, "in flight " + fetch.inFlight());
        assertTrue(requests.size() <= WINDOW, "requests outstanding " + requests.size());
        final int answered = requests.size();
        for (final Request request : requests) {
            assertTrue(answer(fetch, request, false));
        }
        requests.clear();
        nowMs++;
        return answered;
    }

    @Test
    void shouldFetchEveryFileWithNoMoreThanTheWindowInFlight() throws IOException {
        final SnapshotData data = source(10_000, 0, 3_000);
        try (ChunkFetch fetch = fetch(data)) {
            fetch.poll(nowMs, requester);
            assertEquals(WINDOW, requests.size(), "a full window leaves at once");
            assertEquals(WINDOW, fetch.inFlight());
            fetch.poll(nowMs, requester);
            assertEquals(WINDOW, requests.size(), "nothing more until a chunk comes back");
            assertTrue(answer(fetch, requests.remove(0), false));
            fetch.poll(nowMs, requester);
            assertEquals(WINDOW, requests.size(), "one chunk back, one new request");
            int rounds = 0;
            while (fetch.state() == ChunkFetch.State.RUNNING) {
                round(fetch);
                assertTrue(++rounds < 100);
            }
            assertEquals(ChunkFetch.State.COMPLETE, fetch.state(), fetch.failure());
            assertEquals(10 + 3, fetch.requests(), "ceil(10000/1024) + ceil(3000/1024) chunks, none for an empty file");
            assertEquals(0, fetch.rerequests());
        }
        for (final SnapshotData.FileInfo file : data.files()) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("send").resolve(file.name())),
                Files.readAllBytes(dir.resolve("recv").resolve(file.name())), file.name());
        }
        assertArrayEquals(data.encode(), Files.readAllBytes(dir.resolve("recv").resolve(SnapshotDirs.META_FILE)),
            "the meta file, written last, holds the snapshot data");
    }

    @Test
    void shouldAskAgainForALostChunkAfterTheRequestTimeout() throws IOException {
        try (ChunkFetch fetch = fetch(source(2_500))) {
            fetch.poll(nowMs, requester);
            assertEquals(3, requests.size());
            final Request lost = requests.get(1);
            answer(fetch, requests.get(0), false);
            answer(fetch, requests.get(2), false);
            requests.clear();
            fetch.poll(nowMs + REQUEST_TIMEOUT_MS - 1, requester);
            assertTrue(requests.isEmpty(), "not before the timeout");
            nowMs += REQUEST_TIMEOUT_MS;
            fetch.poll(nowMs, requester);
            assertEquals(List.of(lost), requests, "the lost chunk, and only it, is asked again");
            assertEquals(1, fetch.rerequests());
            answer(fetch, requests.remove(0), false);
            assertFalse(answer(fetch, lost, false), "a late duplicate is ignored");
            fetch.poll(nowMs, requester);
            assertEquals(ChunkFetch.State.COMPLETE, fetch.state(), fetch.failure());
        }
    }

    @Test
    void shouldRefuseACorruptFile() throws IOException {
        try (ChunkFetch fetch = fetch(source(3_000))) {
            fetch.poll(nowMs, requester);
            boolean first = true;
            for (final Request request : requests) {
                answer(fetch, request, first);
                first = false;
            }
            requests.clear();
            fetch.poll(nowMs, requester);
            assertEquals(ChunkFetch.State.FAILED, fetch.state());
            assertTrue(fetch.failure().contains("corrupt"), fetch.failure());
        }
        assertFalse(Files.exists(dir.resolve("recv").resolve(SnapshotDirs.META_FILE)), "never marked complete");
    }

    @Test
    void shouldFailWhenTheSenderGoesQuiet() throws IOException {
        try (ChunkFetch fetch = fetch(source(3_000))) {
            fetch.poll(nowMs, requester);
            nowMs += TRANSFER_TIMEOUT_MS / 2;
            fetch.poll(nowMs, requester);
            assertEquals(ChunkFetch.State.RUNNING, fetch.state());
            nowMs += TRANSFER_TIMEOUT_MS;
            fetch.poll(nowMs, requester);
            assertEquals(ChunkFetch.State.FAILED, fetch.state());
            assertTrue(fetch.failure().contains("no chunk"), fetch.failure());
        }
    }

    @Test
    void shouldFailWhenTheSenderNoLongerHasTheSnapshot() throws IOException {
        try (ChunkFetch fetch = fetch(source(3_000))) {
            fetch.poll(nowMs, requester);
            fetch.onNotFound();
            assertEquals(ChunkFetch.State.FAILED, fetch.state());
        }
    }
}
