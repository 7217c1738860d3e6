package io.tkv.ops;

import io.tkv.client.ErrorCode;
import io.tkv.client.TkvException;
import io.tkv.client.TkvTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What tkv-ctl prints when a command fails: the error code once, then the detail. No store is started. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TkvCtlErrorTest {
    @Test
    void shouldSayEveryErrorCodeOnce() {
        for (final ErrorCode code : ErrorCode.values()) {
            assertEquals("tkv-ctl: " + code + ": the detail", TkvCtl.errorLine(new TkvException(code, "the detail")));
            assertEquals("tkv-ctl: " + code, TkvCtl.errorLine(new TkvException(code, "")));
            assertEquals("tkv-ctl: " + code, TkvCtl.errorLine(new TkvException(code, null)));
        }
        assertEquals("tkv-ctl: TIMEOUT: no reply in 5000 ms",
            TkvCtl.errorLine(new TkvTimeoutException("no reply in 5000 ms")));
        assertEquals("tkv-ctl: java.io.IOException: no such file",
            TkvCtl.errorLine(new IOException("no such file")));
    }

    @Test
    void shouldSayTimeoutOnceWhenNoStoreAnswers() throws IOException {
        final int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = TkvCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true),
            "get", "k", "--endpoint", "127.0.0.1:" + port, "--timeout-ms", "200");

        assertEquals(3, code, err.toString());
        final String line = err.toString().trim();
        assertTrue(line.startsWith("tkv-ctl: TIMEOUT: "), line);
        assertEquals(line.indexOf("TIMEOUT"), line.lastIndexOf("TIMEOUT"), "the code is said once: " + line);
    }
}
