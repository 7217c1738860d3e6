package io.tkv.server.ingress;

import io.tkv.codec.Status;

/**
 * Which regions this store serves and their epochs. A store serves one region, id 1, covering the whole key
 * space with epoch (1, 1), until PD and region splits arrive; the check is here now so clients and the wire
 * already carry region id and epoch.
 */
public final class RegionGuard {
    /** The one region of a single store. */
    public static final long DEFAULT_REGION_ID = 1;
    private static final long CONF_VER = 1;
    private static final long VERSION = 1;

    /**
     * @return {@link Status#OK}, {@link Status#REGION_NOT_FOUND} or {@link Status#EPOCH_NOT_MATCH}.
     */
    public Status check(final long regionId, final long confVer, final long version) {
        if (regionId != DEFAULT_REGION_ID) {
            return Status.REGION_NOT_FOUND;
        }
        if (confVer != CONF_VER || version != VERSION) {
            return Status.EPOCH_NOT_MATCH;
        }
        return Status.OK;
    }
}
