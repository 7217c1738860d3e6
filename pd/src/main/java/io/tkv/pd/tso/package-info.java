/**
 * The timestamp oracle ({@link io.tkv.pd.tso.TimestampOracle}); the limit it may hand out to is persisted through
 * {@link io.tkv.pd.tso.TsoStore}. The timestamp layout is codec-sbe's {@link io.tkv.codec.keys.Timestamps}, shared
 * with stores and clients.
 */
package io.tkv.pd.tso;
