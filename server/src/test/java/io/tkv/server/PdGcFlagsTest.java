package io.tkv.server;

import io.tkv.server.config.PdSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PdGcFlagsTest {
    private static PdSettings parse(final String... args) {
        final PdFlags flags = new PdFlags();
        new CommandLine(new TkvServer()).addMixin("pd", flags).parseArgs(args);
        final PdSettings settings = new PdSettings();
        flags.applyTo(settings);
        return settings;
    }

    @Test
    void shouldKeepVersionsTenMinutesUnlessTold() {
        assertEquals(600_000, parse().conclude().gcLifeTimeMs());
        assertEquals(0, parse("--gc-life-time-ms", "0").conclude().gcLifeTimeMs(), "0: manual only");
        assertEquals(86_400_000, parse("--gc-life-time-ms", "86400000").conclude().gcLifeTimeMs());
        final PdSettings negative = parse("--gc-life-time-ms", "-1");
        assertThrows(IllegalArgumentException.class, negative::conclude);
    }
}
