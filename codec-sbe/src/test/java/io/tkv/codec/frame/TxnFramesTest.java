package io.tkv.codec.frame;

import io.tkv.codec.BooleanType;
import io.tkv.codec.KvGetResponseDecoder;
import io.tkv.codec.KvGetResponseEncoder;
import io.tkv.codec.KvPessimisticLockDecoder;
import io.tkv.codec.KvPessimisticLockEncoder;
import io.tkv.codec.KvPrewriteDecoder;
import io.tkv.codec.KvPrewriteEncoder;
import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.MutationOp;
import io.tkv.codec.Status;
import io.tkv.codec.TxnErrorKind;
import io.tkv.codec.TxnKeyErrorListDecoder;
import io.tkv.codec.TxnKeyErrorListEncoder;
import io.tkv.codec.TxnLockType;
import io.tkv.codec.keys.TxnKeyCodec;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transactional frames of schema version 6: round trips through the validators both ways. */
class TxnFramesTest {
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();

    private int encodePrewrite() {
        final KvPrewriteEncoder prewrite = new KvPrewriteEncoder().wrapAndApplyHeader(buffer, 0, header);
        prewrite.correlationId(9).sessionToken(3).startTs(100).lockTtl(3000).txnSize(2).forUpdateTs(0)
            .minCommitTs(0).maxCommitTs(0).useAsyncCommit(BooleanType.FALSE).tryOnePc(BooleanType.TRUE)
            .skipConstraintCheck(BooleanType.FALSE);
        prewrite.region().regionId(7).confVer(1).version(2);
        final KvPrewriteEncoder.MutationsEncoder mutations = prewrite.mutationsCount(2);
        mutations.next().op(MutationOp.PUT).isPessimisticLock(BooleanType.FALSE).putKey(bytes("a"), 0, 1)
            .putValue(bytes("1"), 0, 1);
        mutations.next().op(MutationOp.DELETE).isPessimisticLock(BooleanType.FALSE).putKey(bytes("b"), 0, 1)
            .putValue(new byte[0], 0, 0);
        prewrite.secondariesCount(0);
        prewrite.putPrimary(bytes("a"), 0, 1);
        return MessageHeaderEncoder.ENCODED_LENGTH + prewrite.encodedLength();
    }

    @Test
    void shouldRoundTripPrewriteThroughTheIngressValidator() {
        final int length = encodePrewrite();
        final FrameValidator validator = Protocol.storeIngressValidator(64);
        assertEquals(FrameValidator.VALID, validator.validate(buffer, 0, length), validator.lastError());
        assertTrue(Protocol.isTxnRequest(validator.templateId()));
        final KvPrewriteDecoder decoder = new KvPrewriteDecoder().wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH,
            validator.blockLength(), validator.version());
        assertEquals(9, decoder.correlationId());
        assertEquals(7, decoder.region().regionId());
        assertEquals(100, decoder.startTs());
        assertEquals(BooleanType.TRUE, decoder.tryOnePc());
        final KvPrewriteDecoder.MutationsDecoder mutations = decoder.mutations();
        assertEquals(2, mutations.count());
        assertEquals(MutationOp.PUT, mutations.next().op());
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        mutations.wrapKey(view);
        assertEquals('a', view.getByte(0));
        mutations.skipValue();
        assertEquals(MutationOp.DELETE, mutations.next().op());
        mutations.skipKey();
        mutations.skipValue();
        assertEquals(0, decoder.secondaries().count());
        final byte[] primary = new byte[decoder.primaryLength()];
        decoder.getPrimary(primary, 0, primary.length);
        assertArrayEquals(bytes("a"), primary);
    }

    @Test
    void shouldRefuseEveryTruncationOfAPrewrite() {
        final int length = encodePrewrite();
        final FrameValidator validator = Protocol.storeIngressValidator(64);
        for (int cut = 0; cut < length; cut++) {
            assertNotEquals(FrameValidator.VALID, validator.validate(buffer, 0, cut), "cut at " + cut);
        }
    }

    @Test
    void shouldCarryKeyErrorsInsideAResponse() {
        final ExpandableArrayBuffer nested = new ExpandableArrayBuffer(512);
        final TxnKeyErrorListEncoder list = new TxnKeyErrorListEncoder().wrapAndApplyHeader(nested, 0, header);
        final TxnKeyErrorListEncoder.ErrorsEncoder errors = list.errorsCount(1);
        errors.next().kind(TxnErrorKind.KEY_LOCKED).lockType(TxnLockType.PUT).startTs(5).lockTtl(20).txnSize(3)
            .forUpdateTs(0).minCommitTs(6).useAsyncCommit(BooleanType.TRUE).conflictStartTs(0).conflictCommitTs(0)
            .commitTs(0);
        errors.secondariesCount(1).next().putKey(bytes("s"), 0, 1);
        errors.waitChainCount(0);
        errors.putKey(bytes("k"), 0, 1).putPrimary(bytes("p"), 0, 1).message("locked");
        final int nestedLength = MessageHeaderEncoder.ENCODED_LENGTH + list.encodedLength();
        final FrameValidator listValidator = Protocol.txnKeyErrorListValidator();
        assertEquals(FrameValidator.VALID, listValidator.validate(nested, 0, nestedLength), listValidator.lastError());

        final KvGetResponseEncoder response = new KvGetResponseEncoder().wrapAndApplyHeader(buffer, 0, header);
        response.correlationId(4).status(Status.KEY_LOCKED).found(BooleanType.FALSE).putValue(new byte[0], 0, 0)
            .errorMessage("").putKeyErrors(nested, 0, nestedLength);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + response.encodedLength();
        final FrameValidator validator = Protocol.clientEgressValidator();
        assertEquals(FrameValidator.VALID, validator.validate(buffer, 0, length), validator.lastError());

        headerDecoder.wrap(buffer, 0);
        final KvGetResponseDecoder decoder = new KvGetResponseDecoder().wrap(buffer,
            MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        decoder.skipValue();
        decoder.skipErrorMessage();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        decoder.wrapKeyErrors(view);
        assertEquals(FrameValidator.VALID, listValidator.validate(view, 0, view.capacity()));
        headerDecoder.wrap(view, 0);
        final TxnKeyErrorListDecoder.ErrorsDecoder read = new TxnKeyErrorListDecoder().wrap(view,
            MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version()).errors();
        assertEquals(1, read.count());
        read.next();
        assertEquals(TxnErrorKind.KEY_LOCKED, read.kind());
        assertEquals(5, read.startTs());
        assertEquals(6, read.minCommitTs());
        final TxnKeyErrorListDecoder.ErrorsDecoder.SecondariesDecoder secondaries = read.secondaries();
        assertEquals(1, secondaries.count());
        secondaries.next().skipKey();
        assertEquals(0, read.waitChain().count());
        final byte[] key = new byte[read.keyLength()];
        read.getKey(key, 0, key.length);
        assertArrayEquals(bytes("k"), key);
        read.skipPrimary();
        assertEquals("locked", read.message());
    }

    @Test
    void shouldRoundTripADeadlockEntryWithItsWaitChain() {
        final TxnKeyErrorListEncoder list = new TxnKeyErrorListEncoder().wrapAndApplyHeader(buffer, 0, header);
        final TxnKeyErrorListEncoder.ErrorsEncoder errors = list.errorsCount(1);
        errors.next().kind(TxnErrorKind.DEADLOCK).lockType(TxnLockType.PESSIMISTIC).startTs(10).lockTtl(0).txnSize(0)
            .forUpdateTs(0).minCommitTs(0).useAsyncCommit(BooleanType.FALSE).conflictStartTs(0).conflictCommitTs(0)
            .commitTs(0).deadlockKeyHash(-77);
        errors.secondariesCount(0);
        final TxnKeyErrorListEncoder.ErrorsEncoder.WaitChainEncoder chain = errors.waitChainCount(2);
        chain.next().txnTs(10).waitForTs(20).keyHash(-77);
        chain.next().txnTs(20).waitForTs(10).keyHash(5);
        errors.putKey(bytes("k"), 0, 1).putPrimary(new byte[0], 0, 0).message("deadlock");
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + list.encodedLength();
        final FrameValidator validator = Protocol.txnKeyErrorListValidator();
        assertEquals(FrameValidator.VALID, validator.validate(buffer, 0, length), validator.lastError());
        for (int cut = 0; cut < length; cut++) {
            assertNotEquals(FrameValidator.VALID, validator.validate(buffer, 0, cut), "cut at " + cut);
        }

        final TxnKeyErrorListDecoder.ErrorsDecoder read = new TxnKeyErrorListDecoder().wrap(buffer,
            MessageHeaderDecoder.ENCODED_LENGTH, validator.blockLength(), validator.version()).errors();
        read.next();
        assertEquals(TxnErrorKind.DEADLOCK, read.kind());
        assertEquals(10, read.startTs());
        assertEquals(-77, read.deadlockKeyHash());
        assertEquals(0, read.secondaries().count());
        final TxnKeyErrorListDecoder.ErrorsDecoder.WaitChainDecoder edges = read.waitChain();
        assertEquals(2, edges.count());
        edges.next();
        assertEquals(10, edges.txnTs());
        assertEquals(20, edges.waitForTs());
        assertEquals(-77, edges.keyHash());
        edges.next();
        assertEquals(20, edges.txnTs());
        assertEquals(10, edges.waitForTs());
        assertEquals(5, edges.keyHash());
        final byte[] key = new byte[read.keyLength()];
        read.getKey(key, 0, key.length);
        assertArrayEquals(bytes("k"), key);
        read.skipPrimary();
        assertEquals("deadlock", read.message());
    }

    @Test
    void shouldRoundTripThePessimisticLockWaitTimeout() {
        final KvPessimisticLockEncoder lock = new KvPessimisticLockEncoder().wrapAndApplyHeader(buffer, 0, header);
        lock.correlationId(3).sessionToken(4).startTs(10).forUpdateTs(11).lockTtl(3000).minCommitTs(0)
            .waitTimeoutMs(750);
        lock.region().regionId(2).confVer(1).version(1);
        lock.keysCount(1).next().putKey(bytes("a"), 0, 1);
        lock.putPrimary(bytes("a"), 0, 1);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + lock.encodedLength();
        final FrameValidator validator = Protocol.storeIngressValidator(64);
        assertEquals(FrameValidator.VALID, validator.validate(buffer, 0, length), validator.lastError());
        final KvPessimisticLockDecoder decoder = new KvPessimisticLockDecoder().wrap(buffer,
            MessageHeaderDecoder.ENCODED_LENGTH, validator.blockLength(), validator.version());
        assertEquals(11, decoder.forUpdateTs());
        assertEquals(750, decoder.waitTimeoutMs());
        assertEquals(1, decoder.keys().count());
    }

    @Test
    void shouldMapUserKeysIntoTheTransactionalSpace() {
        final byte[] stored = TxnKeyCodec.encode(bytes("key"));
        assertEquals('x', stored[0]);
        assertArrayEquals(bytes("key"), TxnKeyCodec.userEnd(stored));
        assertArrayEquals(bytes("key"), TxnKeyCodec.userStart(stored));
        assertNull(TxnKeyCodec.userEnd(new byte[0]));
        assertNull(TxnKeyCodec.userEnd(new byte[] {'y'}));
        assertEquals(0, TxnKeyCodec.userStart(new byte[] {'r', 1}).length);
        assertThrows(IllegalArgumentException.class, () -> TxnKeyCodec.userEnd(new byte[] {'x', 1, 2}));
        assertTrue(Arrays.compareUnsigned(TxnKeyCodec.encode(bytes("a")), TxnKeyCodec.encode(bytes("ab"))) < 0);
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
