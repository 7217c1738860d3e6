package io.tkv.client;

import io.tkv.codec.AllocIdEncoder;
import io.tkv.codec.BootstrapEncoder;
import io.tkv.codec.GetMembersEncoder;
import io.tkv.codec.IsBootstrappedEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.TsoEncoder;
import org.agrona.ExpandableArrayBuffer;

/**
 * Encodes the PD requests (session token left 0: the publisher stamps it, as for a store's requests). One per thread
 * ({@link #current()}): callers encode on their own thread, the TSO batcher on the poller's.
 */
final class PdRequestEncoder {
    private static final ThreadLocal<PdRequestEncoder> ENCODERS = ThreadLocal.withInitial(PdRequestEncoder::new);

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final GetMembersEncoder members = new GetMembersEncoder();
    private final TsoEncoder tso = new TsoEncoder();
    private final AllocIdEncoder allocId = new AllocIdEncoder();
    private final IsBootstrappedEncoder isBootstrapped = new IsBootstrappedEncoder();
    private final BootstrapEncoder bootstrap = new BootstrapEncoder();

    /** @return this thread's encoder. */
    static PdRequestEncoder current() {
        return ENCODERS.get();
    }

    byte[] getMembers(final long correlationId) {
        members.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        return frame(members.encodedLength());
    }

    byte[] tso(final long correlationId, final int count) {
        tso.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0).count(count);
        return frame(tso.encodedLength());
    }

    byte[] allocId(final long correlationId, final int count) {
        allocId.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0).count(count);
        return frame(allocId.encodedLength());
    }

    byte[] isBootstrapped(final long correlationId) {
        isBootstrapped.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0);
        return frame(isBootstrapped.encodedLength());
    }

    byte[] bootstrap(final long correlationId, final long clusterId) {
        bootstrap.wrapAndApplyHeader(buffer, 0, header).correlationId(correlationId).sessionToken(0)
            .clusterId(clusterId);
        return frame(bootstrap.encodedLength());
    }

    private byte[] frame(final int bodyLength) {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        final byte[] frame = new byte[length];
        buffer.getBytes(0, frame, 0, length);
        return frame;
    }
}
