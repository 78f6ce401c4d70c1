package org.sparetire.web.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparetire.core.event.ServiceWarning;
import org.sparetire.testkit.Events;
import org.sparetire.web.store.Dashboard;

/** A live event stream over the embedded pipeline: the dashboard's updates in, server-sent events out. */
class LiveFeedTest {
    private static final String EVENTS = "GET /api/events HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @Test
    void aStreamOpensChunkedAndCarriesEachUpdateAsAnEvent() throws Exception {
        WebChannel web = new WebChannel();
        String opened = web.exchange(EVENTS);
        assertThat(opened).startsWith("HTTP/1.1 200 OK\r\n")
                .containsIgnoringCase("content-type: text/event-stream")
                .containsIgnoringCase("transfer-encoding: chunked")
                .contains("retry: 3000");
        assertThat(web.feed.isStream(web.channel)).isTrue();

        web.dashboard.accept(Events.syslog(web.clock.now(), "127.0.0.9", 4, "link down"));
        web.feed.flush();
        String sent = web.written();
        assertThat(sent).contains("event: syslog\ndata: {").contains("link down");
        web.feed.flush();
        assertThat(web.written()).as("nothing new, nothing sent").isEmpty();
    }

    @Test
    void progressIsCoalescedToItsLatestValuePerFlush() throws Exception {
        WebChannel web = new WebChannel();
        web.exchange(EVENTS);
        var t = web.clock.now();
        web.dashboard.accept(Events.started(t, 7, "127.0.0.9", "ipxe.efi", 4000));
        for (int bytes = 512; bytes <= 3584; bytes += 512) {
            web.dashboard.accept(Events.progress(t, 7, "127.0.0.9", bytes, 4000));
        }
        web.feed.flush();
        String sent = web.written();
        assertThat(sent.split("event: transfer\n", -1)).as("one transfer event for the start and all progress")
                .hasSize(2);
        assertThat(sent).contains("\"bytes\":3584");
    }

    @Test
    void aBurstBeyondTheQueueCostsUpdatesAndTellsTheBrowserToResync() throws Exception {
        WebChannel web = new WebChannel();
        web.exchange(EVENTS);
        for (int i = 0; i <= LiveFeed.MAX_PENDING; i++) {
            web.feed.accept(new Dashboard.Update("warning", new ServiceWarning(web.clock.now(), "dhcp", "warning " + i)));
        }
        web.feed.flush();
        String sent = web.written();
        assertThat(sent.substring(sent.length() - 40)).endsWith("event: resync\ndata: {}\n\n\r\n");
        assertThat(sent).as("the queue was sent up to its bound").contains("warning " + (LiveFeed.MAX_PENDING - 1))
                .doesNotContain("warning " + LiveFeed.MAX_PENDING);
        assertThat(new String(web.metrics.scrape(List.of()), StandardCharsets.UTF_8))
                .contains("sparetire_web_live_updates_dropped_total 1");
    }

    @Test
    void aClosedStreamIsForgottenAndLaterFlushesSendNothing() throws Exception {
        WebChannel web = new WebChannel();
        web.exchange(EVENTS);
        web.channel.close();
        assertThat(web.feed.size()).isZero();
        web.dashboard.accept(Events.syslog(web.clock.now().plus(Duration.ofSeconds(1)), "127.0.0.9", 6, "late"));
        web.feed.flush();
        web.feed.ping();
        web.channel.checkException();
    }
}
