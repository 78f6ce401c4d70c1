package org.sparetire.dhcp.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparetire.dhcp.support.Requests.ingress;
import static org.sparetire.dhcp.support.Requests.ip;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sparetire.core.event.LeaseEventKind;
import org.sparetire.dhcp.DhcpConfig;
import org.sparetire.dhcp.codec.DhcpCodec;
import org.sparetire.dhcp.codec.DhcpMessage;
import org.sparetire.dhcp.codec.MessageType;
import org.sparetire.dhcp.codec.OptionCatalog;
import org.sparetire.dhcp.codec.Octets;
import org.sparetire.dhcp.support.Configs;
import org.sparetire.dhcp.support.Requests;
import org.sparetire.testkit.ManualClock;

class DhcpResponderTest {
    static final String BASE = """
            dhcp:
              offer-hold: 30s
              decline-quarantine: 10m
              %s
              subnets:
                - network: 10.0.0.0/24
                  ranges: [{from: 10.0.0.100, to: 10.0.0.103}]
                  router: 10.0.0.1
                  dns: [10.0.0.1]
                  lease-time: 1h
                - network: 10.9.0.0/24
                  ranges: [{from: 10.9.0.50, to: 10.9.0.60}]
                  lease-time: 2h
              reservations:
                - {mac: "52:54:00:00:00:99", address: 10.0.0.50, hostname: sw1}
            """;
    private final ManualClock clock = new ManualClock();
    private final Ingress in = ingress("10.0.0.1/24");
    private DhcpResponder responder = responder(false);

    static DhcpResponder responder(boolean authoritative) {
        DhcpConfig c = Configs.load(BASE.formatted("authoritative: " + authoritative));
        return new DhcpResponder(c, DhcpResponder.tableFor(c));
    }

    private Step send(Requests r) {
        Step s = responder.onPacket(r.build(), in, clock.now());
        if (s.sends()) {
            // every reply the responder builds must survive the wire
            DhcpCodec.encode(s.reply(), s.maxLength());
        }
        return s;
    }

    private DhcpMessage offer(String mac) {
        Step s = send(Requests.of(MessageType.DISCOVER).mac(mac));
        assertThat(s.reply().type()).contains(MessageType.OFFER);
        return s.reply();
    }

    private Step select(String mac, DhcpMessage offer) {
        return send(Requests.of(MessageType.REQUEST).mac(mac).serverId("10.0.0.1")
                .requested(offer.yiaddr().getHostAddress()));
    }

    @Test
    void discoverOfferRequestAckBindsAndIsDurable() {
        DhcpMessage offer = offer("52:54:00:00:00:01");
        assertThat(offer.yiaddr()).isIn(ip("10.0.0.100"), ip("10.0.0.101"), ip("10.0.0.102"), ip("10.0.0.103"));
        assertThat(offer.addressOption(OptionCatalog.SERVER_ID)).contains(ip("10.0.0.1"));
        assertThat(offer.addressOption(OptionCatalog.SUBNET_MASK)).contains(ip("255.255.255.0"));
        assertThat(offer.option(OptionCatalog.LEASE_TIME)).contains(Octets.parseHex("00000e10"));
        assertThat(offer.option(OptionCatalog.RENEWAL_TIME)).contains(Octets.parseHex("00000708"));
        assertThat(offer.option(OptionCatalog.REBINDING_TIME)).contains(Octets.parseHex("00000c4e"));

        Step ack = select("52:54:00:00:00:01", offer);
        assertThat(ack.reply().type()).contains(MessageType.ACK);
        assertThat(ack.reply().yiaddr()).isEqualTo(offer.yiaddr());
        assertThat(ack.durable()).singleElement().satisfies(l -> {
            assertThat(l.state()).isEqualTo(LeaseState.BOUND);
            assertThat(l.expires()).isEqualTo(clock.now().plus(Duration.ofHours(1)));
        });
        assertThat(ack.events()).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(LeaseEventKind.ACKED));
        // No address, no broadcast flag: broadcast to 255.255.255.255:68 (RFC 2131 section 4.1).
        assertThat(ack.broadcast()).isTrue();
        assertThat(ack.destination().getAddress()).isEqualTo(ip("255.255.255.255"));
        assertThat(ack.destination().getPort()).isEqualTo(68);
    }

    @Test
    void offeredAddressIsHeldForTheOfferHoldThenReleased() {
        DhcpMessage first = offer("52:54:00:00:00:01");
        Set<Object> others = new HashSet<>();
        for (int i = 2; i <= 4; i++) {
            others.add(offer("52:54:00:00:00:0" + i).yiaddr());
        }
        assertThat(others).doesNotContain(first.yiaddr()).hasSize(3);
        // Pool of four is now fully held by offers: a fifth client gets nothing.
        assertThat(send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:05")).sends()).isFalse();
        clock.advance(Duration.ofSeconds(31));
        assertThat(offer("52:54:00:00:00:05").yiaddr()).isNotNull();
    }

    @Test
    void poolExhaustionIsADropWithAReason() {
        for (int i = 1; i <= 4; i++) {
            String mac = "52:54:00:00:00:0" + i;
            select(mac, offer(mac));
        }
        Step s = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:05"));
        assertThat(s.sends()).isFalse();
        assertThat(s.log()).contains("pool exhausted").contains("10.0.0.0/24");
    }

    @Test
    void renewingIsUnicastToCiaddrAndExtendsTheLease() {
        DhcpMessage offer = offer("52:54:00:00:00:01");
        select("52:54:00:00:00:01", offer);
        clock.advance(Duration.ofMinutes(30));
        Step renew = send(Requests.of(MessageType.REQUEST).mac("52:54:00:00:00:01").ciaddr(offer.yiaddr().getHostAddress()));
        assertThat(renew.reply().type()).contains(MessageType.ACK);
        assertThat(renew.broadcast()).isFalse();
        assertThat(renew.destination().getAddress()).isEqualTo(offer.yiaddr());
        assertThat(renew.reply().ciaddr()).isEqualTo(offer.yiaddr());
        assertThat(renew.durable().get(0).expires()).isEqualTo(clock.now().plus(Duration.ofHours(1)));
    }

    @Test
    void rebindingAfterTheServerLostTheLeaseKeepsAFreeAddress() {
        // T2 passed, the client broadcasts with ciaddr set; we have no record but the address is free.
        Step s = send(Requests.of(MessageType.REQUEST).mac("52:54:00:00:00:07").ciaddr("10.0.0.102").broadcast());
        assertThat(s.reply().type()).contains(MessageType.ACK);
        assertThat(s.reply().yiaddr()).isEqualTo(ip("10.0.0.102"));
    }

    @Test
    void initRebootWithItsOwnAddressIsAckedAndWithAnotherIsNaked() {
        DhcpMessage offer = offer("52:54:00:00:00:01");
        select("52:54:00:00:00:01", offer);
        Step same = send(Requests.of(MessageType.REQUEST).mac("52:54:00:00:00:01").requested(offer.yiaddr().getHostAddress()));
        assertThat(same.reply().type()).contains(MessageType.ACK);
        String other = offer.yiaddr().equals(ip("10.0.0.103")) ? "10.0.0.102" : "10.0.0.103";
        Step wrong = send(Requests.of(MessageType.REQUEST).mac("52:54:00:00:00:01").requested(other));
        assertThat(wrong.reply().type()).contains(MessageType.NAK);
        assertThat(wrong.reply().yiaddr()).isEqualTo(DhcpMessage.ZERO);
        assertThat(wrong.broadcast()).isTrue();
        assertThat(wrong.events()).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(LeaseEventKind.NAKED));
    }

    @Test
    void unknownAddressIsNakedOnlyWhenAuthoritative() {
        // A laptop that moved from another network asks for its old address.
        Requests moved = Requests.of(MessageType.REQUEST).mac("52:54:00:00:00:0a").requested("192.168.7.20");
        Step silent = send(moved);
        assertThat(silent.sends()).isFalse();
        assertThat(silent.log()).contains("not authoritative");
        responder = responder(true);
        Step nak = send(moved);
        assertThat(nak.reply().type()).contains(MessageType.NAK);
        assertThat(nak.reply().option(OptionCatalog.MESSAGE).map(Octets::text).orElseThrow()).contains("not on this network");
    }

    @Test
    void selectingAnotherServerDropsOurOffer() {
        DhcpMessage offer = offer("52:54:00:00:00:01");
        Step s = send(Requests.of(MessageType.REQUEST).mac("52:54:00:00:00:01").serverId("10.0.0.254")
                .requested(offer.yiaddr().getHostAddress()));
        assertThat(s.sends()).isFalse();
        assertThat(s.log()).contains("chose server 10.0.0.254");
        assertThat(responder.table().holderOf(offer.yiaddr(), clock.now())).isEmpty();
    }

    @Test
    void releasedClientGetsTheSameAddressBack() {
        DhcpMessage offer = offer("52:54:00:00:00:01");
        select("52:54:00:00:00:01", offer);
        Step rel = send(Requests.of(MessageType.RELEASE).mac("52:54:00:00:00:01").ciaddr(offer.yiaddr().getHostAddress()));
        assertThat(rel.sends()).isFalse();
        assertThat(rel.durable()).singleElement().satisfies(l -> assertThat(l.state()).isEqualTo(LeaseState.RELEASED));
        offer("52:54:00:00:00:02"); // another client arrives in between
        assertThat(offer("52:54:00:00:00:01").yiaddr()).isEqualTo(offer.yiaddr());
    }

    @Test
    void operatorReleaseFreesTheAddressAndKeepsItForTheSameClient() {
        DhcpMessage offer = offer("52:54:00:00:00:01");
        select("52:54:00:00:00:01", offer);
        assertThat(responder.releaseByOperator("52:54:00:00:00:99", clock.now())).isEmpty();
        assertThat(responder.releaseByOperator("52:54:00:00:00:01", clock.now())).hasValueSatisfying(l -> {
            assertThat(l.state()).isEqualTo(LeaseState.RELEASED);
            assertThat(l.address()).isEqualTo(offer.yiaddr());
        });
        assertThat(responder.table().holderOf(offer.yiaddr(), clock.now())).isEmpty();
        assertThat(responder.releaseByOperator("52:54:00:00:00:01", clock.now())).as("already released").isEmpty();
        assertThat(offer("52:54:00:00:00:01").yiaddr()).isEqualTo(offer.yiaddr());
    }

    @Test
    void expiredLeaseIsReclaimedAndStillSticky() {
        DhcpMessage offer = offer("52:54:00:00:00:01");
        select("52:54:00:00:00:01", offer);
        clock.advance(Duration.ofMinutes(59));
        assertThat(responder.onTimeout(clock.now())).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(responder.onTimeout(clock.now())).singleElement()
                .satisfies(l -> assertThat(l.state()).isEqualTo(LeaseState.EXPIRED));
        assertThat(responder.table().holderOf(offer.yiaddr(), clock.now())).isEmpty();
        assertThat(offer("52:54:00:00:00:01").yiaddr()).isEqualTo(offer.yiaddr());
    }

    @Test
    void declinedAddressIsQuarantinedThenReturns() {
        DhcpMessage offer = offer("52:54:00:00:00:01");
        select("52:54:00:00:00:01", offer);
        Step d = send(Requests.of(MessageType.DECLINE).mac("52:54:00:00:00:01").serverId("10.0.0.1")
                .requested(offer.yiaddr().getHostAddress()));
        assertThat(d.durable()).singleElement().satisfies(l -> assertThat(l.state()).isEqualTo(LeaseState.DECLINED));
        // The same client comes back and must get a different address; so must everyone for ten minutes.
        assertThat(offer("52:54:00:00:00:01").yiaddr()).isNotEqualTo(offer.yiaddr());
        for (int i = 2; i <= 3; i++) {
            assertThat(offer("52:54:00:00:00:0" + i).yiaddr()).isNotEqualTo(offer.yiaddr());
        }
        assertThat(send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:04")).sends()).isFalse();
        clock.advance(Duration.ofMinutes(11));
        assertThat(offer("52:54:00:00:00:04").yiaddr()).isEqualTo(offer.yiaddr());
    }

    @Test
    void requestedAddressIsHonouredWhenFree() {
        Step s = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:01").requested("10.0.0.103"));
        assertThat(s.reply().yiaddr()).isEqualTo(ip("10.0.0.103"));
        Step other = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:02").requested("10.0.0.103"));
        assertThat(other.reply().yiaddr()).isNotEqualTo(ip("10.0.0.103"));
    }

    @Test
    void clientIdWinsOverHardwareAddress() {
        DhcpMessage a = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:01").clientId("ff0102")).reply();
        // Same client id from a different NIC (a docking station): same client, same address.
        DhcpMessage b = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:02").clientId("ff0102")).reply();
        assertThat(b.yiaddr()).isEqualTo(a.yiaddr());
        // Same MAC without the id: another client.
        DhcpMessage c = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:01")).reply();
        assertThat(c.yiaddr()).isNotEqualTo(a.yiaddr());
    }

    @Test
    void reservationGetsItsAddressAndHostnameAndNobodyElseDoes() {
        DhcpMessage r = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:99")).reply();
        assertThat(r.yiaddr()).isEqualTo(ip("10.0.0.50"));
        assertThat(r.textOption(OptionCatalog.HOSTNAME)).contains("sw1");
        Step wrong = send(Requests.of(MessageType.REQUEST).mac("52:54:00:00:00:99").requested("10.0.0.100"));
        assertThat(wrong.reply().type()).contains(MessageType.NAK);
    }

    @Test
    void relayedRequestUsesGiaddrSubnetGoesToTheRelayAndEchoesOption82() {
        Octets agent = Octets.parseHex("01 04 70 6f 72 74"); // circuit-id "port"
        Step s = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:01").giaddr("10.9.0.1")
                .option(OptionCatalog.RELAY_AGENT_INFO, agent).prl(1, 3));
        assertThat(s.reply().yiaddr().getHostAddress()).startsWith("10.9.0.");
        assertThat(s.reply().giaddr()).isEqualTo(ip("10.9.0.1"));
        assertThat(s.destination().getAddress()).isEqualTo(ip("10.9.0.1"));
        assertThat(s.destination().getPort()).isEqualTo(67);
        assertThat(s.broadcast()).isFalse();
        assertThat(s.reply().option(OptionCatalog.RELAY_AGENT_INFO)).contains(agent);
        assertThat(s.reply().options().keySet()).last().isEqualTo(OptionCatalog.RELAY_AGENT_INFO);
        assertThat(s.reply().option(OptionCatalog.LEASE_TIME)).contains(Octets.parseHex("00001c20"));
    }

    @Test
    void informGetsOptionsWithoutALeaseAtItsAddress() {
        Step s = send(Requests.of(MessageType.INFORM).mac("52:54:00:00:00:01").ciaddr("10.0.0.7").prl(3, 6));
        assertThat(s.reply().type()).contains(MessageType.ACK);
        assertThat(s.reply().yiaddr()).isEqualTo(DhcpMessage.ZERO);
        assertThat(s.reply().option(OptionCatalog.LEASE_TIME)).isEmpty();
        assertThat(s.destination().getAddress()).isEqualTo(ip("10.0.0.7"));
        assertThat(s.durable()).isEmpty();
    }

    @Test
    void requestsFromOtherNetworksAndNonRequestsAreDropped() {
        Step s = responder.onPacket(Requests.of(MessageType.DISCOVER).build(), ingress("172.16.0.1/24"), clock.now());
        assertThat(s.sends()).isFalse();
        assertThat(s.log()).contains("no subnet configured for interface");
        DhcpMessage noType = new DhcpMessage(1, 1, 0, 1, 0, 0, DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpMessage.ZERO,
                DhcpMessage.ZERO, Octets.parseHex("525400000001"), "", "", java.util.Map.of());
        assertThat(responder.onPacket(noType, in, clock.now()).log()).contains("plain BOOTP");
    }

    @Test
    void pingCheckProbesOnlyFreshAddressesAndAnAnsweringOneIsSkipped() {
        DhcpConfig c = Configs.load(BASE.formatted("ping-check: true"));
        responder = new DhcpResponder(c, DhcpResponder.tableFor(c));
        Step first = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:01"));
        assertThat(first.probe()).isEqualTo(first.reply().yiaddr());
        // Something answered: quarantine it and answer the same DISCOVER again.
        responder.quarantine(first.probe(), clock.now());
        Step second = send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:01"));
        assertThat(second.reply().yiaddr()).isNotEqualTo(first.reply().yiaddr());
        assertThat(second.probe()).isEqualTo(second.reply().yiaddr());
        select("52:54:00:00:00:01", second.reply());
        // The client's own address is not probed again, nor is a reservation.
        assertThat(send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:01")).probe()).isNull();
        assertThat(send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:99")).probe()).isNull();
        // Without ping-check nothing is probed.
        responder = responder(false);
        assertThat(send(Requests.of(MessageType.DISCOVER).mac("52:54:00:00:00:05")).probe()).isNull();
    }
}
