/**
 * Id allocation for stores, regions and peers ({@link io.tkv.pd.id.IdAllocator}), reserved ahead through
 * {@link io.tkv.pd.id.IdStore}.
 */
package io.tkv.pd.id;
