package io.tkv.server.system;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The history check of the PD system tests, shown to catch what it must (a negative control). */
class TimestampHistoryTest {
    @Test
    void overlappingCallsMayBeInAnyOrderButALaterCallMustBeAbove() {
        final TimestampHistory history = new TimestampHistory();
        history.record(0, 10, 5);
        history.record(5, 20, 3);
        history.record(21, 30, 6);
        assertNull(history.violation());
    }

    @Test
    void aTimestampNotAboveOneHandedOutBeforeItsCallBeganIsCaught() {
        final TimestampHistory history = new TimestampHistory();
        history.record(0, 10, 5);
        history.record(11, 20, 4);
        assertNotNull(history.violation());
    }

    @Test
    void aTimestampHandedOutTwiceIsCaught() {
        final TimestampHistory history = new TimestampHistory();
        history.record(0, 10, 5);
        history.record(5, 20, 5);
        assertNotNull(history.violation());
    }
}
