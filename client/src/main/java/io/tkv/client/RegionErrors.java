package io.tkv.client;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Tells the refusals that mean "your region is out of date" (the request ran nowhere) from other failures. */
final class RegionErrors {
    /** Times a batch part, scan segment or delete-range segment is split again after such a refusal. */
    static final int MAX_RESPLITS = 10;

    private RegionErrors() {
    }

    /** @return the failure without the wrappers futures add. */
    static Throwable unwrap(final Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
            cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** @return whether the failure is EPOCH_NOT_MATCH, KEY_NOT_IN_REGION or REGION_NOT_FOUND. */
    static boolean isRegionError(final Throwable failure) {
        if (unwrap(failure) instanceof TkvException ex) {
            final ErrorCode code = ex.code();
            return code == ErrorCode.EPOCH_NOT_MATCH || code == ErrorCode.KEY_NOT_IN_REGION ||
                code == ErrorCode.REGION_NOT_FOUND;
        }
        return false;
    }
}
