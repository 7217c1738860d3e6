package io.tkv.txn.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCodecTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteTheDocumentedLine() {
        final Txn t = new Txn(7, 2, 1200, 1900, Outcome.OK,
            List.of(MicroOp.append(3, 41), MicroOp.read(3, 40, 41), MicroOp.read(4, new long[0])));
        final String line = HistoryCodec.toLine(t);
        assertEquals("{\"id\":7,\"process\":2,\"invokeNs\":1200,\"completeNs\":1900,\"outcome\":\"ok\","
            + "\"ops\":[[\"append\",3,41],[\"r\",3,[40,41]],[\"r\",4,[]]]}", line);
        assertEquals(t, HistoryCodec.fromLine(line));
    }

    @Test
    void shouldRoundTripUnknownReadsNeverCompletedAndNegativeValues() {
        final Txn t = new Txn(0, 1, -5, Long.MAX_VALUE, Outcome.INFO,
            List.of(MicroOp.read(-1), MicroOp.append(-1, -9)));
        final String line = HistoryCodec.toLine(t);
        assertTrue(line.contains("\"completeNs\":null") && line.contains("[\"r\",-1,null]"), line);
        assertEquals(t, HistoryCodec.fromLine(line));
        assertEquals(t, HistoryCodec.fromLine(" { \"ops\" : [ [ \"r\" , -1 , null ] , [\"append\", -1, -9] ],"
            + " \"outcome\":\"info\", \"id\":0, \"process\":1, \"invokeNs\":-5, \"completeNs\":null } "));
    }

    @Test
    void shouldRoundTripASimulatedHistoryThroughAFileAndCheckTheSame() throws IOException {
        final List<Txn> history = new SiWorkloadSimulation(3, 5, 4, 4, ToySiStore.Bug.NO_WRITE_CONFLICT_CHECK)
            .run(500);
        final Path file = dir.resolve("history.jsonl");
        HistoryCodec.write(file, history);
        assertEquals(history.size(), Files.readAllLines(file).size());
        final List<Txn> loaded = HistoryCodec.read(file);
        assertEquals(history, loaded);
        assertEquals(ListAppendChecker.snapshotIsolation().check(history).toString(),
            ListAppendChecker.snapshotIsolation().check(loaded).toString());
    }

    @Test
    void shouldNameTheLineOfAMalformedTransaction() throws IOException {
        final Path file = dir.resolve("bad.jsonl");
        Files.write(file, List.of(HistoryCodec.toLine(new Txn(0, 0, 0, 1, Outcome.FAIL, List.of())),
            "{\"id\":1,\"process\":0,\"invokeNs\":0,\"outcome\":\"ok\",\"ops\":[[\"cas\",1,2]]}"));
        final IOException e = assertThrows(IOException.class, () -> HistoryCodec.read(file));
        assertTrue(e.getMessage().contains("bad.jsonl:2") && e.getMessage().contains("unknown micro-op cas"),
            e.getMessage());
    }

    @Test
    void shouldRejectAnIncompleteLine() {
        assertThrows(IllegalArgumentException.class, () -> HistoryCodec.fromLine("{\"id\":1,\"ops\":[]}"));
        assertThrows(IllegalArgumentException.class, () -> HistoryCodec.fromLine("{\"id\":1"));
    }
}
