package io.tkv.log;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class SpaceReserveTest {
    private long usable;
    private int asked;

    private long usable() {
        asked++;
        return usable;
    }

    @Test
    void shouldAskAtTheFirstWriteAndThenOncePerQuarterOfTheReserve() {
        usable = 10_000;
        final SpaceReserve reserve = new SpaceReserve("/test", this::usable, 4_000);
        reserve.beforeWrite(10);
        assertEquals(1, asked, "the first write checks");
        reserve.beforeWrite(500);
        reserve.beforeWrite(489);
        assertEquals(1, asked, "999 bytes since the check: not yet");
        reserve.beforeWrite(1);
        assertEquals(2, asked, "1,000 bytes, a quarter of the reserve: checked");
    }

    @Test
    void shouldRefuseToWriteBelowTheReserveAndSaySo() {
        usable = 5_000;
        final SpaceReserve reserve = new SpaceReserve("/test", this::usable, 4_000);
        reserve.beforeWrite(1_000);
        usable = 3_999;
        final RaftLogException full = assertThrows(RaftLogException.class, () -> reserve.beforeWrite(1_000));
        assertTrue(full.getMessage().contains("disk full: 3999 bytes usable in /test"), full.getMessage());
        assertTrue(full.getMessage().contains("reserve of 4000 bytes"), full.getMessage());
        assertThrows(RaftLogException.class, () -> reserve.beforeWrite(1), "still full: asked again at once");
        usable = 4_000;
        assertDoesNotThrow(() -> reserve.beforeWrite(1), "exactly the reserve is enough");
    }

    @Test
    void shouldReportAFileSystemThatCannotSayItsSpace() {
        final SpaceReserve reserve = new SpaceReserve("/test", () -> {
            throw new IOException("statvfs failed");
        }, 4_000);
        final RaftLogException failed = assertThrows(RaftLogException.class, () -> reserve.beforeWrite(1));
        assertTrue(failed.getMessage().contains("statvfs failed"), failed.getMessage());
    }

    @Test
    void shouldNeverAskWithoutAReserve() {
        final SpaceReserve reserve = new SpaceReserve("/test", this::usable, 0);
        for (int i = 0; i < 100; i++) {
            reserve.beforeWrite(1 << 20);
        }
        assertEquals(0, asked);
    }
}
