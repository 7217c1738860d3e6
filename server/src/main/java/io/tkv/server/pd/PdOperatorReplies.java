package io.tkv.server.pd;

import io.aeron.Publication;
import io.tkv.codec.AddOperatorResponseEncoder;
import io.tkv.codec.BooleanType;
import io.tkv.codec.GetOperatorsResponseEncoder;
import io.tkv.codec.MessageHeaderEncoder;
import io.tkv.codec.OperatorKind;
import io.tkv.codec.SetSchedulerResponseEncoder;
import io.tkv.codec.Status;
import io.tkv.server.session.ReplySender;
import org.agrona.ExpandableDirectByteBuffer;

import java.util.List;
import java.util.Map;

/** Encodes PD's answers to GetOperators, SetScheduler and AddOperator. One thread (the PD agent's). */
final class PdOperatorReplies {
    /** One running operator of a GetOperators answer: its current step's kind and store. */
    record OperatorRow(long regionId, long operatorId, OperatorKind kind, long storeId, String description) {
    }

    private final ReplySender sender;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final GetOperatorsResponseEncoder getOperators = new GetOperatorsResponseEncoder();
    private final SetSchedulerResponseEncoder setScheduler = new SetSchedulerResponseEncoder();
    private final AddOperatorResponseEncoder addOperator = new AddOperatorResponseEncoder();

    PdOperatorReplies(final ReplySender sender) {
        this.sender = sender;
    }

    void operators(final Publication publication, final long correlationId, final List<OperatorRow> rows) {
        getOperators.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK);
        final GetOperatorsResponseEncoder.OperatorsEncoder group = getOperators.operatorsCount(rows.size());
        for (final OperatorRow row : rows) {
            group.next().regionId(row.regionId()).operatorId(row.operatorId()).kind(row.kind())
                .storeId(row.storeId()).description(row.description());
        }
        getOperators.errorMessage("");
        send(publication, getOperators.encodedLength());
    }

    void schedulers(final Publication publication, final long correlationId, final Map<String, Boolean> enabled) {
        setScheduler.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK);
        final SetSchedulerResponseEncoder.SchedulersEncoder group = setScheduler.schedulersCount(enabled.size());
        for (final Map.Entry<String, Boolean> e : enabled.entrySet()) {
            group.next().enabled(e.getValue() ? BooleanType.TRUE : BooleanType.FALSE).name(e.getKey());
        }
        setScheduler.errorMessage("");
        send(publication, setScheduler.encodedLength());
    }

    void operatorAdded(final Publication publication, final long correlationId, final long operatorId) {
        addOperator.wrapAndApplyHeader(scratch, 0, header).correlationId(correlationId).status(Status.OK)
            .operatorId(operatorId).errorMessage("");
        send(publication, addOperator.encodedLength());
    }

    private void send(final Publication publication, final int bodyLength) {
        sender.send(publication, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }
}
