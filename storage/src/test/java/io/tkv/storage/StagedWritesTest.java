package io.tkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class StagedWritesTest {
    private final StagedWrites staged = new StagedWrites();

    private static UnsafeBuffer buf(final String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    private void put(final String key, final String value) {
        final UnsafeBuffer k = buf(key);
        final UnsafeBuffer v = buf(value);
        staged.put(k, 0, k.capacity(), v, 0, v.capacity());
    }

    private void delete(final String key) {
        final UnsafeBuffer k = buf(key);
        staged.delete(k, 0, k.capacity());
    }

    private void deleteRange(final String start, final String end) {
        final UnsafeBuffer s = buf(start);
        final UnsafeBuffer e = buf(end);
        staged.deleteRange(s, 0, s.capacity(), e, 0, e.capacity());
    }

    /** @return the staged value, "<deleted>" or "<not staged>". */
    private String find(final String key) {
        final UnsafeBuffer k = buf(key);
        final int length = staged.find(k, 0, k.capacity());
        if (length == StagedWrites.DELETED) {
            return "<deleted>";
        }
        if (length == StagedWrites.NOT_STAGED) {
            return "<not staged>";
        }
        return staged.buffer().getStringWithoutLengthUtf8(staged.foundOffset(), length);
    }

    @Test
    void shouldReturnLatestStagedWordPerKey() {
        assertEquals("<not staged>", find("a"));
        put("a", "1");
        put("b", "");
        assertEquals("1", find("a"));
        assertEquals("", find("b"));
        put("a", "22");
        assertEquals("22", find("a"));
        delete("a");
        assertEquals("<deleted>", find("a"));
        put("a", "333");
        assertEquals("333", find("a"));
        assertEquals(2, staged.size());
    }

    @Test
    void shouldApplyRangeDeletesInStagingOrder() {
        put("a", "before");
        put("m", "before");
        put("z", "outside");
        deleteRange("a", "n");
        assertEquals("<deleted>", find("a"));
        assertEquals("<deleted>", find("m"));
        assertEquals("<deleted>", find("b"), "never staged but inside the range");
        assertEquals("outside", find("z"));
        assertEquals("<not staged>", find("n"), "the end is exclusive");
        put("m", "after");
        assertEquals("after", find("m"));
    }

    @Test
    void shouldForgetEverythingOnClear() {
        put("a", "1");
        deleteRange("b", "c");
        staged.clear();
        assertEquals("<not staged>", find("a"));
        assertEquals("<not staged>", find("bb"));
        assertEquals(0, staged.size());
    }

    @Test
    void shouldMatchAMapThroughGrowthAndClears() {
        final Random random = new Random(42);
        final Map<String, String> model = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5_000; i++) {
                final String key = "key-" + random.nextInt(2_000);
                if (random.nextInt(4) == 0) {
                    delete(key);
                    model.put(key, "<deleted>");
                } else {
                    final String value = "v".repeat(random.nextInt(40)) + i;
                    put(key, value);
                    model.put(key, value);
                }
            }
            for (int i = 0; i < 2_000; i++) {
                final String key = "key-" + i;
                assertEquals(model.getOrDefault(key, "<not staged>"), find(key), key);
            }
            staged.clear();
            model.clear();
        }
    }
}
