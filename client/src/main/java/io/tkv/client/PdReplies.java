package io.tkv.client;

import io.tkv.codec.AllocIdResponseDecoder;
import io.tkv.codec.BootstrapResponseDecoder;
import io.tkv.codec.GetMembersResponseDecoder;
import io.tkv.codec.IsBootstrappedResponseDecoder;
import io.tkv.codec.TsoResponseDecoder;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes PD's replies and completes their requests: a Tso with the last timestamp of its batch, an AllocId with an
 * {@link IdRange}, GetMembers with {@link PdMembers}, IsBootstrapped with the cluster id (0: not bootstrapped),
 * Bootstrap with whether it was bootstrapped already. Poller thread only.
 */
final class PdReplies {
    /** The timestamp layout ({@code physical_ms << 18 | logical}), as codec-sbe's {@code Timestamps}. */
    static final int LOGICAL_BITS = 18;
    private static final long MAX_LOGICAL = 1L << LOGICAL_BITS;
    private static final short OK = Statuses.OK;
    private static final short TRUE = 1;

    private final InFlightRequests inFlight;
    private final GetMembersResponseDecoder members = new GetMembersResponseDecoder();
    private final TsoResponseDecoder tso = new TsoResponseDecoder();
    private final AllocIdResponseDecoder allocId = new AllocIdResponseDecoder();
    private final IsBootstrappedResponseDecoder isBootstrapped = new IsBootstrappedResponseDecoder();
    private final BootstrapResponseDecoder bootstrap = new BootstrapResponseDecoder();

    PdReplies(final InFlightRequests inFlight) {
        this.inFlight = inFlight;
    }

    /** @return whether the template is a PD reply (and was handled). */
    boolean onReply(
        final PendingRequest<?> request, final int templateId, final DirectBuffer buffer, final int offset,
        final int blockLength, final int version) {
        switch (templateId) {
            case GetMembersResponseDecoder.TEMPLATE_ID -> onMembers(request, buffer, offset, blockLength, version);
            case TsoResponseDecoder.TEMPLATE_ID -> onTso(request, buffer, offset, blockLength, version);
            case AllocIdResponseDecoder.TEMPLATE_ID -> onAllocId(request, buffer, offset, blockLength, version);
            case IsBootstrappedResponseDecoder.TEMPLATE_ID -> {
                isBootstrapped.wrap(buffer, offset, blockLength, version);
                final short status = isBootstrapped.statusRaw();
                final long clusterId = isBootstrapped.bootstrappedRaw() == TRUE ? isBootstrapped.clusterId() : 0;
                complete(request, status, isBootstrapped.errorMessage(), clusterId);
            }
            case BootstrapResponseDecoder.TEMPLATE_ID -> {
                bootstrap.wrap(buffer, offset, blockLength, version);
                final short status = bootstrap.statusRaw();
                final boolean already = bootstrap.alreadyBootstrappedRaw() == TRUE;
                complete(request, status, bootstrap.errorMessage(), already);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void onMembers(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        members.wrap(buffer, offset, blockLength, version);
        final short status = members.statusRaw();
        final long leaderId = members.leaderId();
        final long memberId = members.memberId();
        final List<PdMembers.Member> all = new ArrayList<>();
        for (final GetMembersResponseDecoder.MembersDecoder member : members.members()) {
            final long id = member.id();
            all.add(new PdMembers.Member(id, member.endpoint()));
        }
        complete(request, status, members.errorMessage(), new PdMembers(leaderId, memberId, all));
    }

    private void onTso(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        tso.wrap(buffer, offset, blockLength, version);
        final short status = tso.statusRaw();
        final long physical = tso.physical();
        final long logical = tso.logical();
        final int count = tso.count();
        final String message = tso.errorMessage();
        if (status == OK && (physical <= 0 || logical < 0 || logical >= MAX_LOGICAL || count < 1
            || logical + 1 < count)) {
            inFlight.fail(request, new TkvException(ErrorCode.MALFORMED, "TsoResponse with physical " + physical
                + ", logical " + logical + ", count " + count + ": not a batch of timestamps"));
            return;
        }
        complete(request, status, message, new long[] {physical << LOGICAL_BITS | logical, count});
    }

    private void onAllocId(
        final PendingRequest<?> request, final DirectBuffer buffer, final int offset, final int blockLength,
        final int version) {
        allocId.wrap(buffer, offset, blockLength, version);
        final short status = allocId.statusRaw();
        final long first = allocId.firstId();
        final int count = allocId.count();
        final String message = allocId.errorMessage();
        if (status == OK && (first <= 0 || count < 1 || first + count < first)) {
            inFlight.fail(request, new TkvException(ErrorCode.MALFORMED,
                "AllocIdResponse with first id " + first + ", count " + count));
            return;
        }
        complete(request, status, message, new IdRange(first, count));
    }

    private void complete(final PendingRequest<?> request, final short status, final String message,
        final Object result) {
        inFlight.completeByStatus(request, status, message, result);
    }
}
