/**
 * The timestamp oracle ({@link io.tkv.pd.tso.TimestampOracle}) and the timestamp layout
 * ({@link io.tkv.pd.tso.Timestamps}); the limit it may hand out to is persisted through
 * {@link io.tkv.pd.tso.TsoStore}.
 */
package io.tkv.pd.tso;
