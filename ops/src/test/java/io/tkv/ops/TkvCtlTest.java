package io.tkv.ops;

import io.tkv.server.StoreNode;
import io.tkv.server.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TkvCtlTest {
    @TempDir
    static Path dir;
    private static StoreNode store;
    private static String endpoint;
    private static Path adminSecret;

    @BeforeAll
    static void startStore() throws IOException {
        final int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        endpoint = "127.0.0.1:" + port;
        adminSecret = Files.writeString(dir.resolve("admin.secret"), "ctl test admin secret\n");
        store = StoreNode.start(new ServerConfig()
            .adminSecret("ctl test admin secret")
            .listenEndpoint(endpoint)
            .dataDir(dir.resolve("data"))
            .aeronDir("/dev/shm/tkv-ctltest-" + ProcessHandle.current().pid())
            .idleStrategy("sleep-us:200"));
    }

    @AfterAll
    static void stopStore() {
        if (store != null) {
            store.close();
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result ctl(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, 1);
        full[1] = "--endpoint";
        full[2] = endpoint;
        System.arraycopy(args, 1, full, 3, args.length - 1);
        final int code = TkvCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), full);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void shouldPutGetAndDeleteWithShellExitCodes() {
        assertEquals(0, ctl("put", "ctl:a", "alpha").code());
        final Result get = ctl("get", "ctl:a");
        assertEquals(0, get.code());
        assertEquals("alpha", get.out().trim());
        assertEquals(0, ctl("delete", "ctl:a").code());
        final Result missing = ctl("get", "ctl:a");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("not found"), missing.err());
    }

    @Test
    void shouldScanForwardReverseAndDeleteRange() {
        for (int i = 0; i < 5; i++) {
            assertEquals(0, ctl("put", "scan:" + i, "v" + i).code());
        }
        final Result forward = ctl("scan", "scan:", "scan:~", "--limit", "3");
        assertEquals("scan:0\tv0\nscan:1\tv1\nscan:2\tv2\n", forward.out());
        final Result reverse = ctl("scan", "scan:", "scan:~", "--limit", "2", "--reverse", "--keys-only");
        assertEquals("scan:4\nscan:3\n", reverse.out());
        assertEquals(0, ctl("delete-range", "scan:1", "scan:4").code());
        assertEquals("scan:0\nscan:4\n", ctl("scan", "scan:", "scan:~", "-k").out());
    }

    @Test
    void shouldCompareAndSwapAndReportNoSwapWithExitOne() {
        assertEquals(0, ctl("cas", "cas:k", "first", "--expect-absent").code());
        final Result stale = ctl("cas", "cas:k", "second", "--expect", "wrong");
        assertEquals(1, stale.code());
        assertTrue(stale.out().contains("not swapped (current first)"), stale.out());
        assertEquals(0, ctl("cas", "cas:k", "second", "--expect", "first").code());
        assertEquals("second", ctl("get", "cas:k").out().trim());
        assertEquals(2, ctl("cas", "cas:k", "x").code(), "neither --expect nor --expect-absent is a usage error");
    }

    @Test
    void shouldBulkLoadAFileAndStopAtABadLine() throws IOException {
        final StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            lines.append("load:").append(String.format("%04d", i)).append('\t').append("value-").append(i).append('\n');
        }
        final Path file = dir.resolve("load.tsv");
        Files.writeString(file, lines);
        final Result load = ctl("load", file.toString(), "--batch", "100");
        assertEquals(0, load.code(), load.err());
        assertTrue(load.out().startsWith("loaded 1000 pairs"), load.out());
        assertEquals("value-999", ctl("get", "load:0999").out().trim());

        final Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, "good\tvalue\nno-tab-here\n");
        assertEquals(2, ctl("load", bad.toString()).code());
    }

    @Test
    void shouldRoundTripBinaryKeysAsHex() {
        assertEquals(0, ctl("put", "00ff10", "deadbeef", "--hex").code());
        assertEquals("deadbeef", ctl("get", "00ff10", "--hex").out().trim());
        assertEquals("\\xde\\xad\\xbe\\xef", ctl("get", "00ff10", "--hex").code() == 0
            ? ByteText.format(new byte[] {(byte)0xde, (byte)0xad, (byte)0xbe, (byte)0xef}, false) : "");
    }

    @Test
    void shouldExitThreeWhenTheStoreRefuses() {
        final StringBuilder big = new StringBuilder();
        for (int i = 0; i < 9000; i++) {
            big.append('k');
        }
        final Result tooLarge = ctl("put", big.toString(), "v");
        assertEquals(3, tooLarge.code(), tooLarge.err());
        assertTrue(tooLarge.err().startsWith("tkv-ctl: TOO_LARGE: "), tooLarge.err());
        assertEquals(tooLarge.err().indexOf("TOO_LARGE"), tooLarge.err().lastIndexOf("TOO_LARGE"),
            "the code is said once: " + tooLarge.err());
    }

    private static Result admin(final String... args) {
        final String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--secret-file";
        full[args.length + 1] = adminSecret.toString();
        return ctl(full);
    }

    @Test
    void shouldPrintTheStoresReplicationStatus() {
        final Result status = admin("status");
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().startsWith("store 1 " + endpoint + " region 1 peer 1 LEADER"), status.out());
        assertTrue(status.out().contains("leader store 1"), status.out());
        assertTrue(status.out().contains("refused from other stores: 0 frames unauthenticated, 0 replayed"),
            status.out());
    }

    @Test
    void shouldServeAdminCommandsOnlyWithTheAdminSecret() {
        final Result status = ctl("status");
        assertEquals(3, status.code());
        assertTrue(status.err().contains("admin secret"), status.err());
        final Result checksum = ctl("checksum");
        assertEquals(3, checksum.code());
        assertTrue(checksum.err().contains("UNAUTHENTICATED") || checksum.err().contains("admin secret"),
            checksum.err());
    }

    @Test
    void shouldChecksumARegion() {
        assertEquals(0, ctl("put", "ctl:sum", "x").code());
        final Result checksum = admin("checksum");
        assertEquals(0, checksum.code(), checksum.err());
        assertTrue(checksum.out().startsWith("store " + endpoint + " region 1 applied "), checksum.out());
        assertTrue(checksum.out().contains("consistent: 1 stores"), checksum.out());
    }

    @Test
    void shouldRefuseFaultInjectionOnAStoreThatDoesNotAllowIt() {
        final Result fault = admin("fault", "--isolate-all");
        assertEquals(3, fault.code());
        assertTrue(fault.err().startsWith("tkv-ctl: UNAUTHENTICATED: "), fault.err());
        assertEquals(fault.err().indexOf("UNAUTHENTICATED"), fault.err().lastIndexOf("UNAUTHENTICATED"),
            "the code is said once: " + fault.err());
        final Result usage = ctl("fault");
        assertEquals(2, usage.code(), "an action is required");
    }

    @Test
    void shouldReportALeaderTransferToTheStoreThatLeadsAlreadyAndRefuseAStoreNotGiven() {
        final Result same = admin("transfer-leader", "--to", "1");
        assertEquals(0, same.code(), same.err());
        assertTrue(same.out().startsWith("store 1 leads region 1 (was store 1;"), same.out());
        final Result elsewhere = admin("transfer-leader", "--to", "9");
        assertEquals(3, elsewhere.code());
        assertTrue(elsewhere.err().contains("store 9 is not among the endpoints given"), elsewhere.err());
        assertEquals(2, ctl("transfer-leader").code(), "--to is required");
    }
}
