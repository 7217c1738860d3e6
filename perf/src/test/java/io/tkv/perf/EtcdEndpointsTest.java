package io.tkv.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EtcdEndpointsTest {
    @Test
    void shouldParseEveryMemberInOrderAndTakeABareHostPortAsHttp() {
        assertEquals(List.of(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.1:2479"),
                URI.create("https://etcd.example:443")),
            EtcdEndpoints.parse("http://127.0.0.1:2379, 127.0.0.1:2479 ,HTTPS://etcd.example:443/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "http://127.0.0.1:2379,", "ftp://127.0.0.1:2379", "http://127.0.0.1",
        "http://127.0.0.1:0", "http://127.0.0.1:70000", "http://127.0.0.1:2379/v3", "http://u@127.0.0.1:2379",
        "http://127.0.0.1:2379?x=1", "http://[::1:2379"})
    void shouldRefuseABadEntryAndNameIt(final String list) {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> EtcdEndpoints.parse(list));
        assertTrue(list.isBlank() || ex.getMessage().contains("etcd endpoint"), ex.getMessage());
    }
}
