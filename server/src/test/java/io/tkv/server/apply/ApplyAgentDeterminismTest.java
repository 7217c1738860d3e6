package io.tkv.server.apply;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tkv.codec.ErrorResponseDecoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RawBatchDeleteEncoder;
import io.tkv.codec.RawBatchPutEncoder;
import io.tkv.codec.RawCompareAndSwapEncoder;
import io.tkv.codec.RawDeleteEncoder;
import io.tkv.codec.RawDeleteRangeEncoder;
import io.tkv.codec.RawGetEncoder;
import io.tkv.codec.RawPutEncoder;
import io.tkv.codec.RawPutResponseDecoder;
import io.tkv.codec.RegionChecksumEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.Protocol;
import io.tkv.raft.core.EntryType;
import io.tkv.server.StoreCounters;
import io.tkv.server.StoreFailure;
import io.tkv.server.ingress.CommandQueue;
import io.tkv.server.raft.EntryFormat;
import io.tkv.server.raft.ProposalAdapter;
import io.tkv.server.region.RegionRegistry;
import io.tkv.server.session.ClientSession;
import io.tkv.server.session.HmacAuthenticator;
import io.tkv.server.session.ReplySender;
import io.tkv.server.session.SessionRegistry;
import io.tkv.storage.ApplyBatch;
import io.tkv.storage.DedupTable;
import io.tkv.storage.FsyncPolicy;
import io.tkv.storage.KeyRange;
import io.tkv.storage.RawKvStore;
import io.tkv.storage.RegionApplyState;
import io.tkv.storage.RegionChecksum;
import io.tkv.storage.RegionDescriptor;
import io.tkv.storage.StorageConfig;
import io.tkv.storage.StorageEngine;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandWriter;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.tkv.server.apply.WriteFrames.block;
import static io.tkv.server.apply.WriteFrames.blockLength;
import static io.tkv.server.apply.WriteFrames.concat;
import static io.tkv.server.apply.WriteFrames.data;
import static io.tkv.server.apply.WriteFrames.frame;
import static io.tkv.server.apply.WriteFrames.group;
import static io.tkv.server.apply.WriteFrames.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The apply agent is a pure function of the committed entries: entries that ingress would never let through
 * (truncated, version-skewed, unknown versions and templates, garbage, fields the storage refuses, entries of an
 * unknown format; commands cut short, of unknown types and flags, with wrong counts and lengths; legacy entries whose
 * frames are any of these) are applied as no-ops — nothing written, no dedup record read or changed, the applied index
 * advanced — and answered MALFORMED to the session that proposed them, and the agent goes on. Three replicas are
 * compared by region checksum: one that takes each entry in a duty cycle of its own, one that takes them all in one
 * ring (so what follows an entry in the ring differs), and one given empty no-op entries in place of the malformed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ApplyAgentDeterminismTest {
    private static final long REGION = 1;
    private static final long CLIENT_ID = 0x5EED_C11E_4711L;
    private static final String SECRET = "apply test secret";
    /** The leader's proposal time of every entry (within the dedup TTL of each other: no client expires). */
    private static final long T0 = 1_800_000_000_000L;
    private static final int REPLY_STREAM = 4711;
    /** The correlation id of the first good put between the malformed entries; later ones count up from it. */
    private static final long FIRST_GOOD_ID = 10_000;

    private static MediaDriver driver;
    private static Aeron aeron;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDriver() {
        final String aeronDir = "/dev/shm/tkv-applytest-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .ipcTermBufferLength(1024 * 1024).publicationTermBufferLength(1024 * 1024)
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
    }

    @AfterAll
    static void stopDriver() {
        CloseHelper.closeAll(aeron, driver);
    }

    /** One committed entry: its data, and whether the apply agent must refuse it. */
    private record Entry(String name, byte[] data, boolean malformed, long correlationId) {
        /** A write as this build proposes it: the frame's command. */
        static Entry good(final byte[] frame) {
            return new Entry("good", new ProposalAdapter().propose(T0, new UnsafeBuffer(frame), 0, frame.length),
                false, Protocol.correlationId(new UnsafeBuffer(frame), 0, frame.length));
        }

        /** A write as a build before the command format proposed it: a time and the frame. */
        static Entry legacy(final byte[] frame) {
            return new Entry("legacy", EntryFormat.encode(T0, new UnsafeBuffer(frame), 0, frame.length), false,
                Protocol.correlationId(new UnsafeBuffer(frame), 0, frame.length));
        }

        static Entry badCommand(final String name, final byte[] command, final long requestId) {
            return new Entry(name, command, true,
                command.length >= Command.HEADER_LENGTH ? requestId : Protocol.UNKNOWN_CORRELATION_ID);
        }

        static Entry bad(final String name, final byte[] frame) {
            return new Entry(name, EntryFormat.encode(T0, new UnsafeBuffer(frame), 0, frame.length), true,
                Protocol.correlationId(new UnsafeBuffer(frame), 0, frame.length));
        }

        static Entry badFormat(final String name, final byte[] data) {
            return new Entry(name, data, true, Protocol.UNKNOWN_CORRELATION_ID);
        }
    }

    /** A store's apply side: an apply agent over its own RocksDB, fed through its own ring. */
    private final class Replica implements AutoCloseable {
        final StorageEngine engine;
        final RawKvStore store;
        final CommandQueue queue = new CommandQueue(1 << 21);
        final StoreCounters counters = new StoreCounters(aeron);
        final StoreFailure failure = new StoreFailure();
        final SessionRegistry registry = new SessionRegistry(4, new HmacAuthenticator(SECRET));
        ApplyBatch batch;
        ApplyAgent agent;
        long nextIndex = 1;

        Replica(final String name) {
            engine = StorageEngine.open(new StorageConfig().dataDir(dir.resolve(name)).fsyncPolicy(FsyncPolicy.NONE));
            store = new RawKvStore(engine, SystemEpochClock.INSTANCE);
            start();
        }

        /** A new apply agent over the same RocksDB and ring, as after a restart of the store. */
        void start() {
            if (batch != null) {
                batch.close();
            }
            batch = new ApplyBatch(engine, DedupTable.load(engine));
            final AppliedRegions regions = new AppliedRegions(new RegionRegistry(), created -> { });
            regions.add(RegionApplyState.load(engine, REGION), RegionDescriptor.founding(REGION, new long[] {1}));
            agent = new ApplyAgent(queue, store, batch, regions, registry,
                new ReplySender(counters.repliesDropped()), counters, 64 * 1024, null,
                new DurableAppliedIndex(Long.MAX_VALUE, engine::syncWal, new Long2LongHashMap(0)), engine, failure, 1);
        }

        void offer(final byte[] data, final ClientSession session) {
            offer(EntryType.NORMAL, data, session);
        }

        void offer(final EntryType type, final byte[] data, final ClientSession session) {
            final boolean offered = queue.offerEntry(REGION, nextIndex++, 1, type.ordinal(),
                session == null ? 0 : session.slot(), session == null ? 0 : session.generation(),
                new UnsafeBuffer(data), 0, data.length);
            assertTrue(offered, "the test's ring is large enough");
        }

        void drain() {
            while (queue.size() > 0) {
                agent.doWork();
            }
            agent.doWork();
        }

        RegionChecksum.Result checksum() {
            return RegionChecksum.compute(engine, REGION, KeyRange.WHOLE);
        }

        boolean has(final byte[] key) {
            return store.get(new UnsafeBuffer(key), 0, key.length, new ExpandableDirectByteBuffer(64)) >= 0;
        }

        @Override
        public void close() {
            registry.closeAll();
            CloseHelper.closeAll(batch, store, counters, engine::close);
        }
    }

    /** The session this store opened for the client that proposed the entries; replies arrive on {@link #replies}. */
    private static ClientSession openSession(final SessionRegistry registry, final Publication publication) {
        final ClientSession session = registry.open(publication, 1, "apply-test", false, new byte[0]);
        assertTrue(session != null);
        return session;
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] put(final long correlationId, final String key, final String value) {
        return WriteFrames.write(RawPutEncoder.TEMPLATE_ID, 3, correlationId, 1, CLIENT_ID, b(key), b(value));
    }

    /** Everything a committed write entry can hold that no store would propose, in a fixed order. */
    private static List<Entry> malformedEntries() {
        final List<Entry> entries = new ArrayList<>();
        long correlationId = 1_000;
        // First, right after the first good put, whose reply is recorded: it looks like a retry of that put, and is
        // refused all the same, not answered from the dedup record.
        entries.add(Entry.bad("malformed retry", frame(RawPutEncoder.TEMPLATE_ID, 3, RawPutEncoder.BLOCK_LENGTH,
            block(RawPutEncoder.TEMPLATE_ID, FIRST_GOOD_ID, 1, -5, CLIENT_ID, FIRST_GOOD_ID), data(b("good-0")),
            data(b("again")))));
        // Every cut of a batch put of two pairs.
        final byte[] batch = frame(RawBatchPutEncoder.TEMPLATE_ID, 3, RawBatchPutEncoder.BLOCK_LENGTH,
            block(RawBatchPutEncoder.TEMPLATE_ID, ++correlationId, 1, 0, CLIENT_ID, correlationId),
            group(0, 2, data(b("cut-a")), data(b("va")), data(b("cut-b")), data(b("vb"))));
        for (int cut = 0; cut < batch.length; cut++) {
            entries.add(Entry.bad("cut at " + cut, Arrays.copyOf(batch, cut)));
        }
        // A version 2 or 3 header over a version 1 block: its decoder would read clientId and firstIncompleteId from
        // the key's length and bytes, and past the frame's end.
        for (final int template : WriteFrames.TEMPLATES) {
            for (final int version : new int[] {2, 3}) {
                entries.add(Entry.bad("v" + version + " with a v1 block, template " + template,
                    frame(template, version, blockLength(template, 1),
                        block(template, ++correlationId, 1, 0, CLIENT_ID, correlationId),
                        tail(template, b("k"), b("v")))));
            }
        }
        for (final int version : new int[] {0, Protocol.SCHEMA_VERSION + 1, 99, 0xFFFF}) {
            entries.add(Entry.bad("version " + version, frame(RawPutEncoder.TEMPLATE_ID, version,
                RawPutEncoder.BLOCK_LENGTH, block(RawPutEncoder.TEMPLATE_ID, ++correlationId, 1, 0, CLIENT_ID, 0),
                data(b("v-key")), data(b("v")))));
        }
        final byte[] putBlock = block(RawPutEncoder.TEMPLATE_ID, ++correlationId, 1, 0, CLIENT_ID, correlationId);
        for (final int template : new int[] {0, 999, RawGetEncoder.TEMPLATE_ID, RegionChecksumEncoder.TEMPLATE_ID}) {
            entries.add(Entry.bad("template " + template, frame(template, 3, RawPutEncoder.BLOCK_LENGTH, putBlock,
                data(b("t-key")), data(b("v")))));
        }
        final byte[] wrongSchema = frame(RawPutEncoder.TEMPLATE_ID, 3, RawPutEncoder.BLOCK_LENGTH, putBlock,
            data(b("s-key")), data(b("v")));
        wrongSchema[4] = 1;
        entries.add(Entry.bad("wrong schema", wrongSchema));
        // A data length that points past the frame, into whatever follows it.
        final byte[] overlong = frame(RawPutEncoder.TEMPLATE_ID, 3, RawPutEncoder.BLOCK_LENGTH, putBlock,
            data(b("o-key")), data(b("v")));
        overlong[overlong.length - 5] = 9;
        entries.add(Entry.bad("value length past the end", overlong));
        entries.add(Entry.bad("group of 65535 entries", frame(RawBatchDeleteEncoder.TEMPLATE_ID, 3,
            RawBatchDeleteEncoder.BLOCK_LENGTH,
            block(RawBatchDeleteEncoder.TEMPLATE_ID, ++correlationId, 1, 0, CLIENT_ID, 0),
            group(0, 0xFFFF, data(b("g-key"))))));
        // Well laid out, but what the storage must never be asked: the whole entry is refused, not a part of it.
        entries.add(Entry.bad("empty key", WriteFrames.write(RawPutEncoder.TEMPLATE_ID, 3, ++correlationId, 1,
            CLIENT_ID, new byte[0], b("v"))));
        entries.add(Entry.bad("negative ttl", frame(RawPutEncoder.TEMPLATE_ID, 3, RawPutEncoder.BLOCK_LENGTH,
            block(RawPutEncoder.TEMPLATE_ID, ++correlationId, 1, -1, CLIENT_ID, Long.MAX_VALUE),
            data(b("ttl-key")), data(b("v")))));
        entries.add(Entry.bad("second pair's key empty", frame(RawBatchPutEncoder.TEMPLATE_ID, 3,
            RawBatchPutEncoder.BLOCK_LENGTH,
            block(RawBatchPutEncoder.TEMPLATE_ID, ++correlationId, 1, 0, CLIENT_ID, Long.MAX_VALUE),
            group(0, 2, data(b("first-pair")), data(b("v")), data(new byte[0]), data(b("v"))))));
        for (final int raw : new int[] {2, 7, 255}) {
            final byte[] casBlock = block(RawCompareAndSwapEncoder.TEMPLATE_ID, ++correlationId, 1, 0, CLIENT_ID,
                correlationId);
            casBlock[RawCompareAndSwapEncoder.expectAbsentEncodingOffset()] = (byte)raw;
            entries.add(Entry.bad("expectAbsent " + raw, frame(RawCompareAndSwapEncoder.TEMPLATE_ID, 3,
                RawCompareAndSwapEncoder.BLOCK_LENGTH, casBlock,
                tail(RawCompareAndSwapEncoder.TEMPLATE_ID, b("cas-key"), b("v")))));
        }
        // Garbage, half of it behind a plausible header.
        final Random random = new Random(7);
        for (int i = 0; i < 64; i++) {
            final byte[] garbage = new byte[random.nextInt(120)];
            random.nextBytes(garbage);
            if (i % 2 == 0 && garbage.length >= 8) {
                garbage[2] = (byte)WriteFrames.TEMPLATES[i % 6];
                garbage[3] = 0;
                garbage[4] = (byte)Protocol.SCHEMA_ID;
                garbage[5] = (byte)(Protocol.SCHEMA_ID >> 8);
                garbage[6] = (byte)(1 + i % 3);
                garbage[7] = 0;
            }
            entries.add(Entry.bad("garbage " + i, garbage));
        }
        // Write entries this build cannot read: too short for the entry header, or of an unknown format.
        for (int length = 1; length < EntryFormat.HEADER_LENGTH; length++) {
            final byte[] shortEntry = new byte[length];
            shortEntry[0] = EntryFormat.VERSION;
            entries.add(Entry.badFormat("entry of " + length + " bytes", shortEntry));
        }
        for (final byte format : new byte[] {0, 3, 99, (byte)0xFF}) {
            final byte[] put = put(++correlationId, "format-key", "v");
            final byte[] entry = EntryFormat.encode(T0, new UnsafeBuffer(put), 0, put.length);
            entry[0] = format;
            entries.add(Entry.badFormat("entry format " + format, entry));
        }
        entries.add(Entry.bad("entry header only", new byte[0]));
        entries.addAll(malformedCommands());
        return entries;
    }

    /** Commands no store would propose: cut, with unknown header fields, wrong counts or lengths, refused fields. */
    private static List<Entry> malformedCommands() {
        final List<Entry> entries = new ArrayList<>();
        final long id = 5_000;
        final byte[] put = new ProposalAdapter().propose(T0, new UnsafeBuffer(put(id, "cmd-key", "v")), 0,
            put(id, "cmd-key", "v").length);
        for (int cut = 1; cut < put.length; cut++) {
            entries.add(Entry.badCommand("command cut at " + cut, Arrays.copyOf(put, cut), id));
        }
        entries.add(Entry.badCommand("command with a byte after its items", Arrays.copyOf(put, put.length + 1), id));
        for (final int type : new int[] {0, 7, 255}) {
            entries.add(Entry.badCommand("command type " + type, with(put, 1, (byte)type), id));
        }
        entries.add(Entry.badCommand("command flag 2", with(put, 2, (byte)2), id));
        entries.add(Entry.badCommand("command reserved byte", with(put, 3, (byte)1), id));
        for (final int count : new int[] {0, 1, 3, -1}) {
            final byte[] command = put.clone();
            new UnsafeBuffer(command).putInt(4, count, ByteOrder.LITTLE_ENDIAN);
            entries.add(Entry.badCommand("put command of " + count + " items", command, id));
        }
        final byte[] overlong = put.clone();
        new UnsafeBuffer(overlong).putInt(Command.HEADER_LENGTH, 1 << 30, ByteOrder.LITTLE_ENDIAN);
        entries.add(Entry.badCommand("command item past the end", overlong, id));
        entries.add(Entry.badCommand("command with an empty key", command(Command.PUT, 0, id, new byte[0], b("v")),
            id));
        entries.add(Entry.badCommand("command with a negative ttl", command(Command.PUT, -1, id, b("k"), b("v")), id));
        entries.add(Entry.badCommand("batch delete command with an empty key",
            command(Command.BATCH_DELETE, 0, id, b("k"), new byte[0]), id));
        entries.add(Entry.badCommand("delete range command of one item", command(Command.DELETE_RANGE, 0, id, b("k")),
            id));
        return entries;
    }

    private static byte[] with(final byte[] bytes, final int index, final byte value) {
        final byte[] copy = bytes.clone();
        copy[index] = value;
        return copy;
    }

    private static byte[] command(final byte type, final long ttlSeconds, final long requestId, final byte[]... items) {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer();
        final CommandWriter writer = new CommandWriter().begin(out, 0, type, 0, T0, REGION, 1, 1, CLIENT_ID, requestId,
            requestId, ttlSeconds);
        for (final byte[] item : items) {
            writer.item(item);
        }
        return Arrays.copyOf(out.byteArray(), writer.finish());
    }

    /** Writes every version of the protocol accepts, some beyond any store's configured limits. */
    private static List<Entry> goodEntries() {
        final List<Entry> entries = new ArrayList<>();
        entries.add(Entry.legacy(WriteFrames.write(RawPutEncoder.TEMPLATE_ID, 1, 101, 1, 0, b("v1-put"), b("x"))));
        entries.add(Entry.legacy(WriteFrames.write(RawDeleteEncoder.TEMPLATE_ID, 2, 102, 1, CLIENT_ID, b("gone"),
            b(""))));
        entries.add(Entry.legacy(frame(RawPutEncoder.TEMPLATE_ID, 3, RawPutEncoder.BLOCK_LENGTH + 16,
            block(RawPutEncoder.TEMPLATE_ID, 103, 1, 0, CLIENT_ID, 103), data(b("long-block")), data(b("x")))));
        entries.add(Entry.legacy(frame(RawPutEncoder.TEMPLATE_ID, 1, RawPutEncoder.BLOCK_LENGTH,
            block(RawPutEncoder.TEMPLATE_ID, 104, 1, 0, CLIENT_ID, 104), data(b("v1-long-block")), data(b("x")))));
        final byte[][] pairs = new byte[4_000][];
        for (int i = 0; i < pairs.length; i += 2) {
            pairs[i] = data(b("big-batch-" + i / 2));
            pairs[i + 1] = data(b("v"));
        }
        entries.add(Entry.legacy(frame(RawBatchPutEncoder.TEMPLATE_ID, 3, RawBatchPutEncoder.BLOCK_LENGTH,
            block(RawBatchPutEncoder.TEMPLATE_ID, 105, 1, 0, CLIENT_ID, 105), group(0, 2_000, pairs))));
        final byte[] longKey = new byte[20_000];
        Arrays.fill(longKey, (byte)'L');
        entries.add(Entry.legacy(WriteFrames.write(RawPutEncoder.TEMPLATE_ID, 3, 106, 1, CLIENT_ID, longKey, b("x"))));
        entries.add(Entry.legacy(WriteFrames.write(RawDeleteRangeEncoder.TEMPLATE_ID, 3, 107, 1, CLIENT_ID, b("gone"),
            b(""))));
        entries.add(Entry.legacy(concat(WriteFrames.write(RawCompareAndSwapEncoder.TEMPLATE_ID, 2, 108, 1, CLIENT_ID,
            b("v1-put"), b("x")), new byte[] {1, 2, 3})));
        return entries;
    }

    @Test
    void shouldApplyMalformedEntriesAsNoOpsAnsweredMalformedOnEveryReplicaAlike() {
        final List<Entry> entries = new ArrayList<>(goodEntries());
        int good = 0;
        for (final Entry bad : malformedEntries()) {
            entries.add(Entry.good(put(FIRST_GOOD_ID + good, "good-" + good, "value-" + good)));
            entries.add(bad);
            good++;
        }
        try (Replica proposer = new Replica("proposer");
             Replica batched = new Replica("batched");
             Replica noOps = new Replica("no-ops");
             Subscription replies = aeron.addSubscription("aeron:ipc", REPLY_STREAM);
             Publication publication = aeron.addExclusivePublication("aeron:ipc", REPLY_STREAM)) {
            awaitConnected(publication);
            final ClientSession session = openSession(proposer.registry, publication);
            final List<Reply> received = new ArrayList<>();
            for (final Entry entry : entries) {
                proposer.offer(entry.data(), session);
                proposer.drain();
                noOps.offer(entry.malformed() ? new byte[0] : entry.data(), null);
                noOps.drain();
                batched.offer(entry.data(), null);
                replies.poll((buffer, offset, length, header) -> received.add(Reply.of(buffer, offset)), 64);
            }
            batched.drain();
            while (replies.poll((buffer, offset, length, header) -> received.add(Reply.of(buffer, offset)), 64) > 0) {
                Thread.onSpinWait();
            }

            for (final Replica replica : List.of(proposer, batched, noOps)) {
                assertNull(replica.failure.reason(), "no entry stops the apply agent");
                assertEquals(entries.size(), replica.agent.appliedIndex(REGION), "every entry counts as applied");
            }
            final RegionChecksum.Result expected = noOps.checksum();
            assertEquals(expected, proposer.checksum(), "a malformed entry is a no-op");
            assertEquals(expected, batched.checksum(), "bytes after an entry in the ring are never read");
            assertTrue(proposer.has(b("big-batch-1999")) && proposer.has(b("v1-long-block")),
                "nothing a protocol allows is refused by a limit a store may configure differently");

            final List<Entry> malformed = entries.stream().filter(Entry::malformed).toList();
            assertEquals(malformed.size(), proposer.counters.malformed().get());
            assertEquals(entries.size(), received.size(), "one reply per entry: " + received);
            int next = 0;
            for (int i = 0; i < entries.size(); i++) {
                final Entry entry = entries.get(i);
                final Reply reply = received.get(i);
                if (entry.malformed()) {
                    assertEquals(new Reply(ErrorResponseDecoder.TEMPLATE_ID, entry.correlationId(), Status.MALFORMED),
                        reply, entry.name());
                    next++;
                } else {
                    assertEquals(Status.OK, reply.status(), "entry " + i + " " + reply);
                }
            }
            assertEquals(malformed.size(), next);
        }
    }

    @Test
    void shouldExpireTheSameDedupClientsOnEveryReplicaAtEntriesThatCarryNoTime() {
        // Ten clients write; an eleventh writes a TTL later, which forgets at most 8 of the ten at its entry. A store
        // then restarts; the next entry is a new leader's no-op. Were it given the time of the last write seen, the
        // store that did not restart would forget the other two there, and the restarted one would not.
        final long ttlMs = 600_000;
        try (Replica steady = new Replica("steady"); Replica restarted = new Replica("restarted")) {
            for (final Replica replica : List.of(steady, restarted)) {
                for (int client = 1; client <= 10; client++) {
                    replica.offer(entry(T0, client, "client-" + client), null);
                }
                replica.offer(entry(T0 + ttlMs, 11, "client-11"), null);
                replica.drain();
            }
            restarted.start();
            for (final Replica replica : List.of(steady, restarted)) {
                replica.offer(new byte[0], null);
                replica.offer(EntryType.CONF_CHANGE, new byte[] {1, 2, 3}, null);
                replica.drain();
                assertEquals(13, replica.agent.appliedIndex(REGION));
            }
            assertEquals(steady.checksum(), restarted.checksum());
        }
    }

    private static byte[] entry(final long timeMs, final long clientId, final String key) {
        final byte[] frame = WriteFrames.write(RawPutEncoder.TEMPLATE_ID, 3, 1, 1, clientId, b(key), b("v"));
        return EntryFormat.encode(timeMs, new UnsafeBuffer(frame), 0, frame.length);
    }

    private static void awaitConnected(final Publication publication) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!publication.isConnected()) {
            assertTrue(System.nanoTime() < deadline, "IPC publication never connected");
            new SleepingMillisIdleStrategy(1).idle();
        }
    }

    /** What a reply says: its template, correlation id and status. */
    private record Reply(int templateId, long correlationId, Status status) {
        static Reply of(final org.agrona.DirectBuffer buffer, final int offset) {
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
            final long correlationId = buffer.getLong(offset + Protocol.CORRELATION_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
            final Status status = header.templateId() == ErrorResponseDecoder.TEMPLATE_ID
                ? new ErrorResponseDecoder().wrapAndApplyHeader(buffer, offset, header).status()
                : Status.get((short)(buffer.getByte(offset + MessageHeaderDecoder.ENCODED_LENGTH
                    + RawPutResponseDecoder.statusEncodingOffset()) & 0xFF));
            return new Reply(header.templateId(), correlationId, status);
        }
    }
}
