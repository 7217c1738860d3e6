package io.tkv.server.ingress;

import io.tkv.codec.MessageHeaderDecoder;
import io.tkv.codec.RawBatchDeleteDecoder;
import io.tkv.codec.RawBatchGetDecoder;
import io.tkv.codec.RawBatchPutDecoder;
import io.tkv.codec.RawCompareAndSwapDecoder;
import io.tkv.codec.RawDeleteDecoder;
import io.tkv.codec.RawDeleteRangeDecoder;
import io.tkv.codec.RawGetDecoder;
import io.tkv.codec.RawPutDecoder;
import io.tkv.codec.RawScanDecoder;
import io.tkv.codec.Status;
import io.tkv.server.region.RegionRegistry;
import io.tkv.codec.keys.KeySpace;
import io.tkv.storage.RegionDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.List;

/**
 * Checks a validated request against the regions this store holds ({@link RegionRegistry}), as TiKV checks a request
 * before it proposes or reads: the region must be here (REGION_NOT_FOUND), the epoch's version the request names must
 * be the region's (EPOCH_NOT_MATCH: the region split or merged since the client learned it; as in TiKV a data request
 * is not refused for a conf version that moved on, since membership does not change which keys a region holds), and
 * every key the request touches must lie in the region's range (KEY_NOT_IN_REGION), a range within it. After a refusal
 * {@link #region()} is the region as this store knows it, for the reply. Not thread-safe: one per ingress agent.
 */
public final class RegionGuard {
    private static final int REGION_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH + RawGetDecoder.regionEncodingOffset();

    private final RegionRegistry registry;
    private final UnsafeBuffer first = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer second = new UnsafeBuffer(0, 0);
    private final RawGetDecoder get = new RawGetDecoder();
    private final RawBatchGetDecoder batchGet = new RawBatchGetDecoder();
    private final RawPutDecoder put = new RawPutDecoder();
    private final RawBatchPutDecoder batchPut = new RawBatchPutDecoder();
    private final RawDeleteDecoder delete = new RawDeleteDecoder();
    private final RawBatchDeleteDecoder batchDelete = new RawBatchDeleteDecoder();
    private final RawDeleteRangeDecoder deleteRange = new RawDeleteRangeDecoder();
    private final RawScanDecoder scan = new RawScanDecoder();
    private final RawCompareAndSwapDecoder cas = new RawCompareAndSwapDecoder();
    private RegionDescriptor region;
    private String reason = "";

    public RegionGuard(final RegionRegistry registry) {
        this.registry = registry;
    }

    /** @return the registry the guard checks against. */
    public RegionRegistry registry() {
        return registry;
    }

    /** @return the region id a request names (every request carries its region context at the same offset). */
    public static long regionId(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + REGION_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /** @return the region epoch version a request names (at the same offset in every request). */
    public static long epochVersion(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + REGION_OFFSET + 2 * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @param templateId  of the request, validated.
     * @param offset      of its message header.
     * @param blockLength acting block length from the header.
     * @param version     acting schema version.
     * @return OK, REGION_NOT_FOUND, EPOCH_NOT_MATCH or KEY_NOT_IN_REGION; {@link #reason()} says why.
     */
    public Status check(
        final int templateId, final DirectBuffer buffer, final int offset, final int blockLength, final int version) {
        final long regionId = regionId(buffer, offset);
        region = registry.get(regionId);
        if (region == null) {
            return fail(Status.REGION_NOT_FOUND, "region " + regionId + " is not on this store");
        }
        final long epochVersion = buffer.getLong(offset + REGION_OFFSET + 2 * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
        if (epochVersion != region.version()) {
            return fail(Status.EPOCH_NOT_MATCH, "region " + regionId + " is at version " + region.version()
                + ", the request names " + epochVersion);
        }
        return keysInRegion(templateId, buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version)
            ? Status.OK : fail(Status.KEY_NOT_IN_REGION, "a key of the request is not in " + region);
    }

    private boolean keysInRegion(
        final int templateId, final DirectBuffer buffer, final int body, final int blockLength, final int version) {
        switch (templateId) {
            case RawGetDecoder.TEMPLATE_ID -> {
                get.wrap(buffer, body, blockLength, version).wrapKey(first);
                return contains(first);
            }
            case RawBatchGetDecoder.TEMPLATE_ID -> {
                for (final RawBatchGetDecoder.KeysDecoder key : batchGet.wrap(buffer, body, blockLength, version)
                    .keys()) {
                    key.wrapKey(first);
                    if (!contains(first)) {
                        return false;
                    }
                }
                return true;
            }
            case RawPutDecoder.TEMPLATE_ID -> {
                put.wrap(buffer, body, blockLength, version).wrapKey(first);
                return contains(first);
            }
            case RawBatchPutDecoder.TEMPLATE_ID -> {
                for (final RawBatchPutDecoder.PairsDecoder pair : batchPut.wrap(buffer, body, blockLength, version)
                    .pairs()) {
                    pair.wrapKey(first);
                    pair.skipValue();
                    if (!contains(first)) {
                        return false;
                    }
                }
                return true;
            }
            case RawDeleteDecoder.TEMPLATE_ID -> {
                delete.wrap(buffer, body, blockLength, version).wrapKey(first);
                return contains(first);
            }
            case RawBatchDeleteDecoder.TEMPLATE_ID -> {
                for (final RawBatchDeleteDecoder.KeysDecoder key : batchDelete.wrap(buffer, body, blockLength, version)
                    .keys()) {
                    key.wrapKey(first);
                    if (!contains(first)) {
                        return false;
                    }
                }
                return true;
            }
            case RawDeleteRangeDecoder.TEMPLATE_ID -> {
                deleteRange.wrap(buffer, body, blockLength, version).wrapStartKey(first);
                deleteRange.wrapEndKey(second);
                return containsRange();
            }
            case RawScanDecoder.TEMPLATE_ID -> {
                scan.wrap(buffer, body, blockLength, version).wrapStartKey(first);
                scan.wrapEndKey(second);
                return containsRange();
            }
            case RawCompareAndSwapDecoder.TEMPLATE_ID -> {
                cas.wrap(buffer, body, blockLength, version).wrapKey(first);
                return contains(first);
            }
            default -> {
                return true;
            }
        }
    }

    private boolean contains(final UnsafeBuffer key) {
        return region.containsKey(KeySpace.RAW, key, 0, key.capacity());
    }

    private boolean containsRange() {
        return region.containsRange(KeySpace.RAW, first, 0, first.capacity(), second, 0, second.capacity());
    }

    private Status fail(final Status status, final String why) {
        reason = why;
        return status;
    }

    /** @return the region of the last check, as this store knows it; null if it is not here. */
    public RegionDescriptor region() {
        return region;
    }

    /**
     * @return the region of the last check as this store knows it, with the regions next to it on this store by key
     *     (after a split, its new siblings). Allocates: for refusals only.
     */
    public List<RegionDescriptor> regionAndNeighbours() {
        final List<RegionDescriptor> all = registry.all();
        final int at = all.indexOf(region);
        return at < 0 ? List.of(region) : List.copyOf(all.subList(Math.max(0, at - 1), Math.min(all.size(), at + 2)));
    }

    /** @return why the last check failed. */
    public String reason() {
        return reason;
    }
}
