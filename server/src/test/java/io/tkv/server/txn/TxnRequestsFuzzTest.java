package io.tkv.server.txn;

import io.tkv.codec.BooleanType;
import io.tkv.codec.KvBatchGetEncoder;
import io.tkv.codec.KvCheckTxnStatusEncoder;
import io.tkv.codec.KvCommitEncoder;
import io.tkv.codec.KvGetEncoder;
import io.tkv.codec.KvPessimisticLockEncoder;
import io.tkv.codec.KvPrewriteEncoder;
import io.tkv.codec.KvResolveLockEncoder;
import io.tkv.codec.KvScanEncoder;
import io.tkv.codec.KvScanLockEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.MutationOp;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.codec.keys.TxnKeyCodec;
import io.tkv.storage.RegionDescriptor;
import io.tkv.txn.command.AcquirePessimisticLockCommand;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every byte of a transactional request is hostile: frames the ingress validator lets through, however mutated or
 * cut, are read into a request or refused with a status, never with an exception; limits and region bounds hold.
 */
class TxnRequestsFuzzTest {
    private static final RegionDescriptor WHOLE = RegionDescriptor.founding(1, new long[] {1});
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    @Test
    void shouldCutALockWaitToTheStoresLongestAndRefuseANegativeOne() {
        final TxnRequests requests = new TxnRequests(64, 256, 100).maxWaitTimeoutMs(1_000);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final TxnRequest asked = requests.read(new UnsafeBuffer(pessimisticLock(buffer, 700)), 0, WHOLE);
        assertEquals(700, ((AcquirePessimisticLockCommand) asked.command()).waitTimeoutMs());
        final TxnRequest cut = requests.read(new UnsafeBuffer(pessimisticLock(buffer, Long.MAX_VALUE)), 0, WHOLE);
        assertEquals(1_000, ((AcquirePessimisticLockCommand) cut.command()).waitTimeoutMs());
        assertNull(requests.read(new UnsafeBuffer(pessimisticLock(buffer, -1)), 0, WHOLE));
        assertEquals(Status.MALFORMED, requests.status());
    }

    private byte[] pessimisticLock(final ExpandableArrayBuffer buffer, final long waitTimeoutMs) {
        final KvPessimisticLockEncoder lock = new KvPessimisticLockEncoder().wrapAndApplyHeader(buffer, 0, header);
        lock.correlationId(1).sessionToken(2).startTs(5).forUpdateTs(6).lockTtl(100).minCommitTs(0)
            .waitTimeoutMs(waitTimeoutMs).region().regionId(1).confVer(1).version(1);
        lock.keysCount(1).next().putKey(b("k1"), 0, 2);
        lock.putPrimary(b("k1"), 0, 2);
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + lock.encodedLength());
    }

    @Test
    void shouldReadOrRefuseEveryMutationOfValidFramesWithoutThrowing() {
        final FrameValidator validator = Protocol.storeIngressValidator(64);
        final TxnRequests requests = new TxnRequests(64, 256, 100);
        final Random random = new Random(42);
        int read = 0;
        int refused = 0;
        for (final byte[] frame : frames()) {
            assertEquals(FrameValidator.VALID, validator.validate(new UnsafeBuffer(frame), 0, frame.length),
                validator.lastError());
            assertNotNull(requests.read(new UnsafeBuffer(frame), 0, WHOLE), requests.reason());
            for (int i = 0; i < 2_000; i++) {
                final byte[] mutated = mutate(frame, random);
                final UnsafeBuffer buffer = new UnsafeBuffer(mutated);
                if (validator.validate(buffer, 0, mutated.length) != FrameValidator.VALID) {
                    continue;
                }
                try {
                    if (requests.read(buffer, 0, WHOLE) == null) {
                        refused++;
                    } else {
                        read++;
                    }
                } catch (final RuntimeException ex) {
                    fail("frame " + Arrays.toString(mutated) + " threw", ex);
                }
            }
        }
        assertTrue(read > 0 && refused > 0, "both outcomes seen: " + read + " / " + refused);
    }

    @Test
    void shouldRefuseKeysOutsideTheRegionAndOverTheLimits() {
        final TxnRequests requests = new TxnRequests(8, 8, 100);
        final RegionDescriptor left = new RegionDescriptor(1, new byte[0], TxnKeyCodec.encode(b("m")), 1, 2,
            WHOLE.peers());
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        encodeGet(buffer, "a");
        assertNotNull(requests.read(buffer, 0, left));
        encodeGet(buffer, "z");
        assertNull(requests.read(buffer, 0, left));
        assertEquals(Status.KEY_NOT_IN_REGION, requests.status());
        encodeGet(buffer, "a-key-too-long");
        assertNull(requests.read(buffer, 0, left));
        assertEquals(Status.TOO_LARGE, requests.status());
        encodeGet(buffer, "");
        assertNull(requests.read(buffer, 0, left));
        assertEquals(Status.MALFORMED, requests.status());
    }

    private int encodeGet(final ExpandableArrayBuffer buffer, final String key) {
        final KvGetEncoder get = new KvGetEncoder().wrapAndApplyHeader(buffer, 0, header);
        get.correlationId(1).sessionToken(2).version(5);
        get.region().regionId(1).confVer(1).version(2);
        get.putKey(b(key), 0, b(key).length);
        return MessageHeaderEncoder.ENCODED_LENGTH + get.encodedLength();
    }

    private static byte[] mutate(final byte[] frame, final Random random) {
        final byte[] out = random.nextInt(4) == 0 ? Arrays.copyOf(frame, random.nextInt(frame.length + 1))
            : frame.clone();
        final int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips && out.length > MessageHeaderEncoder.ENCODED_LENGTH; i++) {
            final int at = MessageHeaderEncoder.ENCODED_LENGTH
                + random.nextInt(out.length - MessageHeaderEncoder.ENCODED_LENGTH);
            out[at] = (byte)(random.nextBoolean() ? random.nextInt(256) : out[at] ^ (1 << random.nextInt(8)));
        }
        return out;
    }

    private List<byte[]> frames() {
        final List<byte[]> frames = new ArrayList<>();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
        frames.add(copy(buffer, encodeGet(buffer, "k1")));

        final KvBatchGetEncoder batchGet = new KvBatchGetEncoder().wrapAndApplyHeader(buffer, 0, header);
        batchGet.correlationId(1).sessionToken(2).version(5).region().regionId(1).confVer(1).version(1);
        final KvBatchGetEncoder.KeysEncoder keys = batchGet.keysCount(2);
        keys.next().putKey(b("k1"), 0, 2);
        keys.next().putKey(b("k2"), 0, 2);
        frames.add(copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + batchGet.encodedLength()));

        final KvScanEncoder scan = new KvScanEncoder().wrapAndApplyHeader(buffer, 0, header);
        scan.correlationId(1).sessionToken(2).version(5).scanLimit(10).reverse(BooleanType.FALSE)
            .keyOnly(BooleanType.TRUE).region().regionId(1).confVer(1).version(1);
        scan.putStartKey(b("a"), 0, 1).putEndKey(b("z"), 0, 1);
        frames.add(copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + scan.encodedLength()));

        final KvPrewriteEncoder prewrite = new KvPrewriteEncoder().wrapAndApplyHeader(buffer, 0, header);
        prewrite.correlationId(1).sessionToken(2).startTs(5).lockTtl(100).txnSize(2).forUpdateTs(0).minCommitTs(0)
            .maxCommitTs(0).useAsyncCommit(BooleanType.TRUE).tryOnePc(BooleanType.FALSE)
            .skipConstraintCheck(BooleanType.FALSE).region().regionId(1).confVer(1).version(1);
        final KvPrewriteEncoder.MutationsEncoder mutations = prewrite.mutationsCount(2);
        mutations.next().op(MutationOp.PUT).isPessimisticLock(BooleanType.FALSE).putKey(b("k1"), 0, 2)
            .putValue(b("v1"), 0, 2);
        mutations.next().op(MutationOp.LOCK).isPessimisticLock(BooleanType.FALSE).putKey(b("k2"), 0, 2)
            .putValue(b(""), 0, 0);
        prewrite.secondariesCount(1).next().putKey(b("k2"), 0, 2);
        prewrite.putPrimary(b("k1"), 0, 2);
        frames.add(copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + prewrite.encodedLength()));

        frames.add(pessimisticLock(buffer, 500));

        final KvCommitEncoder commit = new KvCommitEncoder().wrapAndApplyHeader(buffer, 0, header);
        commit.correlationId(1).sessionToken(2).startTs(5).commitTs(6).region().regionId(1).confVer(1).version(1);
        commit.keysCount(1).next().putKey(b("k1"), 0, 2);
        frames.add(copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + commit.encodedLength()));

        final KvCheckTxnStatusEncoder status = new KvCheckTxnStatusEncoder().wrapAndApplyHeader(buffer, 0, header);
        status.correlationId(1).sessionToken(2).lockTs(5).callerStartTs(6).currentTs(7)
            .rollbackIfNotExist(BooleanType.TRUE).forceSyncCommit(BooleanType.FALSE)
            .resolvingPessimisticLock(BooleanType.FALSE).region().regionId(1).confVer(1).version(1);
        status.putPrimaryKey(b("k1"), 0, 2);
        frames.add(copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + status.encodedLength()));

        final KvResolveLockEncoder resolve = new KvResolveLockEncoder().wrapAndApplyHeader(buffer, 0, header);
        resolve.correlationId(1).sessionToken(2).startTs(5).commitTs(0).region().regionId(1).confVer(1).version(1);
        resolve.keysCount(0);
        frames.add(copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + resolve.encodedLength()));

        final KvScanLockEncoder scanLock = new KvScanLockEncoder().wrapAndApplyHeader(buffer, 0, header);
        scanLock.correlationId(1).sessionToken(2).maxVersion(9).scanLimit(5).region().regionId(1).confVer(1)
            .version(1);
        scanLock.putStartKey(b(""), 0, 0).putEndKey(b(""), 0, 0);
        frames.add(copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + scanLock.encodedLength()));
        return frames;
    }

    private static byte[] copy(final ExpandableArrayBuffer buffer, final int length) {
        final byte[] frame = new byte[length];
        buffer.getBytes(0, frame);
        return frame;
    }

    private static byte[] b(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
