package io.tkv.server.apply;

import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.Status;
import io.tkv.codec.frame.FrameValidator;
import io.tkv.codec.frame.Protocol;
import io.tkv.server.ingress.RequestLimits;
import io.tkv.server.raft.EntryFormat;
import io.tkv.server.raft.ProposalAdapter;
import io.tkv.storage.command.Command;
import io.tkv.storage.command.CommandReader;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * Reads a committed write entry as a {@link Command}, from its own bytes alone, the same on every replica. An entry of
 * the command format is checked by its {@link CommandReader}; an entry of the legacy format (version 1: a time and the
 * client's frame, {@link EntryFormat}), which a log written by an older build may still hold, is checked as that build
 * checked it — the frame's layout ({@link Protocol#committedWriteValidator()}) and the rules that hold whatever a
 * store's limits ({@link RequestLimits#protocolRules()}) — and translated by the {@link ProposalAdapter}, so it applies
 * as it always did. Anything else (a format this build does not know, a damaged header) is malformed: a no-op on every
 * replica alike, never an exception.
 *
 * <p>After {@link #decode}, whatever its outcome, {@link #hasTime}, {@link #requestId} and {@link #requestTemplateId}
 * say what is known of the entry, to begin it and to answer its proposer. Single-threaded (the apply agent's).
 */
final class EntryDecoder {
    private final CommandReader reader = new CommandReader();
    private final ProposalAdapter adapter = new ProposalAdapter();
    private final FrameValidator validator = Protocol.committedWriteValidator();
    private final RequestLimits rules = RequestLimits.protocolRules();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ExpandableDirectByteBuffer translated = new ExpandableDirectByteBuffer(4096);
    private boolean hasTime;
    private long timeMs;
    private long requestId;
    private int requestTemplateId;
    private String reason = "";

    /**
     * @param buffer holding a NORMAL entry's data, not empty, at {@code offset}; nothing after {@code length} bytes
     *               is read (what follows in the caller's buffer differs from store to store).
     * @return whether the entry is a well-formed command, then readable from {@link #command()}.
     */
    boolean decode(final DirectBuffer buffer, final int offset, final int length) {
        hasTime = false;
        requestId = Protocol.UNKNOWN_CORRELATION_ID;
        requestTemplateId = 0;
        final int format = buffer.getByte(offset);
        if (format == Command.VERSION) {
            final boolean valid = reader.wrap(buffer, offset, length);
            if (CommandReader.hasHeader(length)) {
                requestId = reader.requestId();
                requestTemplateId = ProposalAdapter.requestTemplateId(reader.type());
            }
            // A malformed command's time is not trusted: a no-op entry expires nothing.
            hasTime = valid;
            timeMs = valid ? reader.proposeTimeMs() : 0;
            reason = valid ? "" : "committed write malformed, not applied: " + reader.reason();
            return valid;
        }
        if (EntryFormat.isReadable(buffer, offset, length)) {
            return decodeLegacy(buffer, offset, length);
        }
        reason = "committed entry of an unknown format, not applied";
        return false;
    }

    /** A version 1 entry: begun with its time even when its frame is malformed, as the build that wrote it did. */
    private boolean decodeLegacy(final DirectBuffer buffer, final int offset, final int length) {
        hasTime = true;
        timeMs = EntryFormat.proposeTimeMs(buffer, offset);
        final int frame = offset + EntryFormat.HEADER_LENGTH;
        final int frameLength = length - EntryFormat.HEADER_LENGTH;
        requestId = Protocol.correlationId(buffer, frame, frameLength);
        requestTemplateId = frameLength >= MessageHeaderDecoder.ENCODED_LENGTH
            ? header.wrap(buffer, frame).templateId() : 0;
        if (validator.validate(buffer, frame, frameLength) != FrameValidator.VALID) {
            reason = "committed write malformed, not applied: " + validator.lastError();
            return false;
        }
        requestTemplateId = validator.templateId();
        if (rules.check(validator.templateId(), buffer, frame, validator.blockLength(), validator.version())
            != Status.OK) {
            reason = "committed write malformed, not applied: " + rules.reason();
            return false;
        }
        final int commandLength = adapter.encode(timeMs, buffer, frame, translated, 0);
        if (!reader.wrap(translated, 0, commandLength)) {
            reason = "committed write malformed, not applied: " + reader.reason();
            return false;
        }
        return true;
    }

    /** @return the command, after {@link #decode} returned true. */
    CommandReader command() {
        return reader;
    }

    /** @return whether the entry carries a time this build trusts: it is begun with it. */
    boolean hasTime() {
        return hasTime;
    }

    /** @return the entry's time, if {@link #hasTime}. */
    long timeMs() {
        return timeMs;
    }

    /** @return the request id to answer with, or {@link Protocol#UNKNOWN_CORRELATION_ID}. */
    long requestId() {
        return requestId;
    }

    /** @return the request's template for its reply, or 0 if unknown. */
    int requestTemplateId() {
        return requestTemplateId;
    }

    /** @return why the last {@link #decode} failed. */
    String reason() {
        return reason;
    }
}
