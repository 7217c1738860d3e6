/**
 * PD's registry of stores and regions ({@link io.tkv.pd.cluster.Cluster}), fed by heartbeats and never going
 * backwards: a region heartbeat with an older epoch, leader term, or version than a region it overlaps is refused;
 * a newer region replaces every region it overlaps. Regions are immutable values, looked up by key, by id or by
 * range scan ({@link io.tkv.pd.cluster.RegionTreeView}).
 */
package io.tkv.pd.cluster;
