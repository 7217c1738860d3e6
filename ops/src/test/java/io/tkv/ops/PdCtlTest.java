package io.tkv.ops;

import io.tkv.client.OperatorStep;
import io.tkv.client.PdOperator;
import io.tkv.client.PdRegion;
import io.tkv.client.PdStore;
import io.tkv.client.RegionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tkv-ctl's PD commands without a PD: how stores, regions and operators print, and which command lines are refused
 * (exit 2, before anything is asked) or fail on an unreachable PD (exit 3, the code said once).
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PdCtlTest {
    private record Result(int code, String out, String err) {
    }

    private static Result ctl(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = TkvCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void shouldShowRangesAsUserKeysWhenPrintable() {
        assertEquals("", PdFormat.storedKey(new byte[0], false));
        assertEquals("user:1", PdFormat.storedKey(stored("user:1"), false));
        assertEquals("", PdFormat.storedKey(stored(""), false), "'r' alone is the first raw key");
        assertEquals("0x73", PdFormat.storedKey(new byte[] {'s'}, false), "the end of the raw space is no user key");
        assertEquals("0x7200ff", PdFormat.storedKey(new byte[] {'r', 0, (byte) 0xff}, false));
        assertEquals("0x72612c62", PdFormat.storedKey(stored("a,b"), false), "a comma would break the range");
        assertEquals("726d", PdFormat.storedKey(stored("m"), true));
        assertEquals("[, m)", PdFormat.range(new byte[0], stored("m"), false));
        assertEquals("[m, end)", PdFormat.range(stored("m"), new byte[0], false));
    }

    @Test
    void shouldPrintARegionWithPeersLeaderAndSize() {
        final RegionInfo region = new RegionInfo(2, stored("m"), new byte[0], 1, 2, 3, List.of(
            new RegionInfo.Peer(1001, 1, false), new RegionInfo.Peer(1003, 3, false),
            new RegionInfo.Peer(1004, 4, true)));
        assertEquals("region 2 [m, end) epoch (1, 2) peers [1001@1, 1003@3, 1004@4 (learner)] leader store 3 "
            + "~41230 bytes ~812 keys written 2048 bytes 16 keys",
            PdFormat.region(new PdRegion(region, 41230, 812, 2048, 16), false));
        assertEquals("region 2 [m, end) epoch (1, 2) peers [1001@1, 1003@3, 1004@4 (learner)] leader store 3 "
            + "~41230 bytes ~812 keys", PdFormat.region(new PdRegion(region, 41230, 812, -1, -1), false),
            "a PD that did not say what was written");
        final RegionInfo leaderless = new RegionInfo(1, new byte[0], stored("m"), 1, 2, 0, List.of());
        assertEquals("region 1 [, 726d) epoch (1, 2) peers [] leader none", PdFormat.region(leaderless, true));
    }

    @Test
    void shouldPrintStoresAsAnAlignedTable() {
        final long now = 1_700_000_010_000L;
        final List<String> lines = PdFormat.stores(List.of(
            new PdStore(1, "UP", 100, 50, 16, 6, now - 2_500, "127.0.0.1:20160", "zone=z1,host=h1"),
            new PdStore(12, "DOWN", 100, 50, 0, 0, 0, "10.0.0.12:20160", "")), now);
        assertEquals(3, lines.size());
        assertEquals("ID  STATE  ADDRESS          LABELS           REGIONS  LEADERS  LAST-HEARTBEAT", lines.get(0));
        assertEquals("1   UP     127.0.0.1:20160  zone=z1,host=h1  16       6        "
            + "2023-11-14T22:13:27.500Z (2.5s ago)", lines.get(1));
        assertEquals("12  DOWN   10.0.0.12:20160  -                0        0        never", lines.get(2));
    }

    @Test
    void shouldPrintOperatorsAndTheOperatorACommandAdded() {
        assertEquals("region 2 operator 17 ADD_LEARNER store 4: balance-region: add learner on 4, promote, remove "
            + "peer on 1", PdFormat.operator(new PdOperator(2, 17, OperatorStep.Kind.ADD_LEARNER, 4,
            "balance-region: add learner on 4, promote, remove peer on 1")));
        assertEquals("operator 9 on region 3: TRANSFER_LEADER store 2 (PD runs it with the region's heartbeats; "
            + "see tkv-ctl operators)", PeerOperatorCommand.operatorLine(9, 3, OperatorStep.Kind.TRANSFER_LEADER, 2));
        assertEquals("operator 10 on region 3: SPLIT (PD runs it with the region's heartbeats; see tkv-ctl "
            + "operators)", PeerOperatorCommand.operatorLine(10, 3, OperatorStep.Kind.SPLIT, 0));
    }

    @Test
    void shouldRefuseBadCommandLinesBeforeAskingAnyone() {
        assertUsage(ctl("scheduler", "maybe", "balance-leader"), "on or off");
        assertUsage(ctl("region"), "");
        assertUsage(ctl("region", "--key", "a", "--id", "1"), "");
        assertUsage(ctl("add-peer", "0", "4"), "positive");
        assertUsage(ctl("remove-peer", "2"), "");
        assertUsage(ctl("transfer-leader", "2"), "REGION STORE or as --to STORE");
        assertUsage(ctl("transfer-leader", "2", "3", "--to", "3"), "once");
        assertUsage(ctl("split", "m", "--pd", "127.0.0.1:2379"), "give --region only");
        assertUsage(ctl("split", "m"), "--new-region");
        assertUsage(ctl("split", "m", "--new-region", "2", "--new-peers", "3", "--epoch", "1"), "conf-ver,version");
        assertUsage(ctl("gc", "--safe-point", "0"), "above 0");
        assertUsage(ctl("gc", "--safe-point", "-5"), "above 0");
        assertUsage(ctl("gc", "--safe-point", "soon"), "");
    }

    @Test
    void shouldFailWithTheCodeOnceWhenPdCannotBeReached() throws IOException {
        final int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        final Result result = ctl("stores", "--pd", "127.0.0.1:" + port, "--timeout-ms", "200");
        assertEquals(3, result.code(), result.err());
        final String line = result.err().trim();
        assertTrue(line.startsWith("tkv-ctl: TIMEOUT: "), line);
        assertEquals(line.indexOf("TIMEOUT"), line.lastIndexOf("TIMEOUT"), "the code is said once: " + line);
    }

    @Test
    void shouldPrintTheGcSafePointWithItsTimeAndExplainItselfInItsHelp() {
        final long ts = (1_700_000_000_000L << 18) | 5;
        assertEquals("safe-point\t" + ts + "\t1700000000000\t5\t2023-11-14T22:13:20Z", GcCommand.line(ts));
        assertEquals("safe-point\t0\tnone", GcCommand.line(0));
        final Result help = ctl("gc", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("tkv-ctl gc --pd 127.0.0.1:2379 --secret-file admin.secret --safe-point"),
            help.out());
        assertTrue(help.out().contains("never moves backwards"), help.out());
    }

    private static void assertUsage(final Result result, final String saying) {
        assertEquals(2, result.code(), result.out() + result.err());
        assertTrue(result.err().contains(saying), result.err());
    }

    private static byte[] stored(final String userKey) {
        final byte[] user = userKey.getBytes(StandardCharsets.UTF_8);
        final byte[] stored = new byte[user.length + 1];
        stored[0] = 'r';
        System.arraycopy(user, 0, stored, 1, user.length);
        return stored;
    }
}
