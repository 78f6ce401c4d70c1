package org.sparetire.web.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The HTTP handler behind netty's codec, without sockets: request bytes in, response bytes out. */
class HttpHandlerTest {
    private static final String GET_TRANSFERS = "GET /api/transfers HTTP/1.1\r\nHost: 127.0.0.1:8069\r\n\r\n";

    @Test
    void answersARequestAndKeepsTheConnection() throws Exception {
        WebChannel web = new WebChannel();
        String reply = web.exchange(GET_TRANSFERS);
        assertThat(reply).startsWith("HTTP/1.1 200 OK\r\n")
                .containsIgnoringCase("content-type: application/json")
                .containsIgnoringCase("x-frame-options: DENY")
                .containsIgnoringCase("connection: keep-alive")
                .endsWith("{\"active\":[],\"recent\":[]}");
        assertThat(web.channel.isOpen()).isTrue();
        assertThat(web.inFlight.get()).as("every answered request leaves the count").isZero();
        assertThat(web.exchange(GET_TRANSFERS)).as("the next request on the same connection")
                .startsWith("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void headGivesTheLengthWithoutTheBody() throws Exception {
        WebChannel web = new WebChannel();
        String get = web.exchange(GET_TRANSFERS);
        String head = web.exchange(GET_TRANSFERS.replace("GET", "HEAD"));
        String getLength = header(get, "content-length");
        assertThat(Integer.parseInt(getLength)).isPositive();
        assertThat(header(head, "content-length")).isEqualTo(getLength);
        assertThat(head).endsWith("\r\n\r\n");
    }

    @Test
    void aClosingRequestIsAnsweredThenClosed() throws Exception {
        WebChannel web = new WebChannel();
        String reply = web.exchange("GET /api/transfers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close");
        assertThat(web.channel.isOpen()).isFalse();
    }

    @Test
    void aMalformedRequestGetsA400AndTheConnectionCloses() throws Exception {
        WebChannel web = new WebChannel();
        String reply = web.exchange("GET /api/transfers HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 400 ").contains("malformed HTTP request");
        assertThat(web.channel.isOpen()).isFalse();
    }

    @Test
    void aForeignHostIsRefusedWithAnErrorNotAnException() throws Exception {
        WebChannel web = new WebChannel();
        String reply = web.exchange("GET /api/transfers HTTP/1.1\r\nHost: evil.example\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 403 ").contains("Host header must name this machine");
        assertThat(web.channel.isOpen()).isTrue();
    }

    @Test
    void anUnknownPathIsA404() throws Exception {
        WebChannel web = new WebChannel();
        assertThat(web.exchange("GET /api/nothing-here HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                .startsWith("HTTP/1.1 404 ");
    }

    @Test
    void aConnectionErrorClosesQuietly() throws Exception {
        WebChannel web = new WebChannel();
        web.channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        web.channel.checkException();
        assertThat(web.channel.isOpen()).isFalse();
    }

    private static String header(String reply, String name) {
        for (String line : reply.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " header in " + reply);
    }
}
