package io.tkv.pd.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tkv.pd.cluster.Regions.key;
import static io.tkv.pd.cluster.Regions.region;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class RegionTreeTest {
    private static List<Long> ids(final List<RegionInfo> regions) {
        return regions.stream().map(RegionInfo::id).toList();
    }

    private static RegionTree threeRegions() {
        final RegionTree tree = new RegionTree();
        tree.put(region(1, "", "b", 1, 1));
        tree.put(region(2, "b", "d", 1, 1));
        tree.put(region(3, "d", "", 1, 1));
        return tree;
    }

    @Test
    void shouldFindTheRegionOfAKeyWithUnboundedEnds() {
        final RegionTree tree = threeRegions();
        assertEquals(1, tree.byKey(key("")).id());
        assertEquals(1, tree.byKey(key("a")).id());
        assertEquals(2, tree.byKey(key("b")).id());
        assertEquals(2, tree.byKey(key("c\u00ff")).id());
        assertEquals(3, tree.byKey(key("d")).id());
        assertEquals(3, tree.byKey(new byte[] {(byte) 0xff, (byte) 0xff}).id());
        assertEquals(2, tree.byId(2).id());
        assertNull(tree.byId(9));
    }

    @Test
    void shouldCompareKeysAsUnsignedBytes() {
        final RegionTree tree = new RegionTree();
        tree.put(RegionInfo.builder(1).range(new byte[0], new byte[] {0x10}).build());
        tree.put(RegionInfo.builder(2).range(new byte[] {0x10}, new byte[0]).build());
        assertEquals(2, tree.byKey(new byte[] {(byte) 0x80}).id(), "0x80 sorts after 0x10, not before");
    }

    @Test
    void shouldReportAGapAsNoRegion() {
        final RegionTree tree = new RegionTree();
        tree.put(region(2, "b", "d", 1, 1));
        assertNull(tree.byKey(key("a")));
        assertNull(tree.byKey(key("d")));
    }

    @Test
    void shouldScanOverlappingRegionsInOrderWithALimit() {
        final RegionTree tree = threeRegions();
        assertEquals(List.of(1L, 2L, 3L), ids(tree.scan(key(""), key(""), 0)));
        assertEquals(List.of(1L, 2L), ids(tree.scan(key("a"), key("c"), 0)));
        assertEquals(List.of(2L), ids(tree.scan(key("b"), key("d"), 0)));
        assertEquals(List.of(2L, 3L), ids(tree.scan(key("c"), key(""), 0)));
        assertEquals(List.of(1L, 2L), ids(tree.scan(key(""), key(""), 2)));
    }

    @Test
    void shouldDropOverlappedRangesWhenASplitHalfArrives() {
        final RegionTree tree = new RegionTree();
        tree.put(region(1, "", "", 1, 1));
        // Region 1 split at "m": the new region 2 takes [m, +inf) and reports first.
        final List<RegionInfo> dropped = tree.put(region(2, "m", "", 1, 2));
        assertEquals(List.of(1L), ids(dropped));
        assertNull(tree.byKey(key("a")), "the left half is unknown until region 1 reports its new range");
        tree.put(region(1, "", "m", 1, 2));
        assertEquals(List.of(1L, 2L), ids(tree.scan(key(""), key(""), 0)));
        assertEquals(2, tree.size());
    }

    @Test
    void shouldReplaceARegionByIdWhenItsRangeChanges() {
        final RegionTree tree = threeRegions();
        // Region 2 merged region 3 in: it now reaches the end.
        final RegionInfo merged = region(2, "b", "", 1, 3);
        assertEquals(List.of(3L), ids(tree.put(merged)));
        assertSame(merged, tree.byKey(key("z")));
        assertEquals(2, tree.size());
        assertSame(merged, tree.remove(2));
        assertNull(tree.byKey(key("c")));
    }
}
