package io.tkv.server.pd;

import io.aeron.Publication;
import io.tkv.codec.AllocIdResponseEncoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.BootstrapResponseEncoder;
import io.tkv.codec.GetGcSafePointResponseEncoder;
import io.tkv.codec.GetMembersResponseEncoder;
import io.tkv.codec.IsBootstrappedResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.Status;
import io.tkv.codec.TsoResponseEncoder;
import io.tkv.codec.UpdateGcSafePointResponseEncoder;
import io.tkv.server.config.RaftSettings;
import io.tkv.server.session.ReplySender;
import org.agrona.ExpandableDirectByteBuffer;

import java.util.List;

/** Encodes PD's replies and offers them through the {@link ReplySender}. One thread (the PD agent's). */
final class PdReplies {
    private final ReplySender sender;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(1024);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final GetMembersResponseEncoder members = new GetMembersResponseEncoder();
    private final TsoResponseEncoder tso = new TsoResponseEncoder();
    private final AllocIdResponseEncoder allocId = new AllocIdResponseEncoder();
    private final IsBootstrappedResponseEncoder isBootstrapped = new IsBootstrappedResponseEncoder();
    private final BootstrapResponseEncoder bootstrap = new BootstrapResponseEncoder();
    private final GetGcSafePointResponseEncoder getGcSafePoint = new GetGcSafePointResponseEncoder();
    private final UpdateGcSafePointResponseEncoder updateGcSafePoint = new UpdateGcSafePointResponseEncoder();

    PdReplies(final ReplySender sender) {
        this.sender = sender;
    }

    ReplySender sender() {
        return sender;
    }

    void members(
        final Publication publication, final long correlationId, final long leaderId, final long memberId,
        final List<RaftSettings.StoreAddress> all) {
        members.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK)
            .leaderId(leaderId).memberId(memberId);
        final GetMembersResponseEncoder.MembersEncoder group = members.membersCount(all.size());
        for (final RaftSettings.StoreAddress member : all) {
            group.next().id(member.storeId()).endpoint(member.endpoint());
        }
        members.errorMessage("");
        send(publication, members.encodedLength());
    }

    void tso(final Publication publication, final long correlationId, final long physical, final long logical,
        final int count) {
        tso.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK).physical(physical)
            .logical(logical).count(count).errorMessage("");
        send(publication, tso.encodedLength());
    }

    void allocId(final Publication publication, final long correlationId, final long firstId, final int count) {
        allocId.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK).firstId(firstId)
            .count(count).errorMessage("");
        send(publication, allocId.encodedLength());
    }

    void isBootstrapped(final Publication publication, final long correlationId, final long clusterId) {
        isBootstrapped.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK)
            .bootstrapped(clusterId != 0 ? BooleanType.TRUE : BooleanType.FALSE).clusterId(clusterId)
            .errorMessage("");
        send(publication, isBootstrapped.encodedLength());
    }

    void bootstrap(final Publication publication, final long correlationId, final boolean already) {
        bootstrap.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK)
            .alreadyBootstrapped(already ? BooleanType.TRUE : BooleanType.FALSE).errorMessage("");
        send(publication, bootstrap.encodedLength());
    }

    void gcSafePoint(final Publication publication, final long correlationId, final long safePoint,
        final long gcLifeTimeMs) {
        getGcSafePoint.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK)
            .safePoint(safePoint).gcLifeTimeMs(gcLifeTimeMs).errorMessage("");
        send(publication, getGcSafePoint.encodedLength());
    }

    void gcSafePointUpdated(final Publication publication, final long correlationId, final long newSafePoint,
        final boolean updated) {
        updateGcSafePoint.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK)
            .newSafePoint(newSafePoint).updated(updated ? BooleanType.TRUE : BooleanType.FALSE).errorMessage("");
        send(publication, updateGcSafePoint.encodedLength());
    }

    void error(final Publication publication, final long correlationId, final Status status, final int templateId,
        final String message) {
        sender.sendError(publication, correlationId, status, templateId, message);
    }

    void notLeader(final Publication publication, final long correlationId, final int templateId,
        final long leaderId, final String leaderEndpoint) {
        sender.sendNotLeader(publication, correlationId, templateId, leaderId, leaderEndpoint,
            "this PD member does not lead" + (leaderId == 0 ? " (no leader known)" : ": member " + leaderId));
    }

    private void send(final Publication publication, final int bodyLength) {
        sender.send(publication, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }
}
