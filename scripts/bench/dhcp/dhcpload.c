/*
 * dhcpload: a bounded DHCPv4 load generator for the DHCP benchmark, for rates beyond what perfdhcp can
 * drive on one core. On this benchmark's 2-core machines perfdhcp needs its whole core at about 14,000
 * exchanges/s and from then on loses replies in its own socket, so above that rate it measures itself.
 * This one does the same relayed 4-way exchange with far less work per packet: batched system calls
 * (sendmmsg/recvmmsg), no option parsing beyond the message type and the server identifier, a large
 * receive buffer, and one flat array of exchange states indexed by transaction id.
 *
 * Every exchange k (0, 1, 2, ...) is one DISCOVER with xid k+1 from client k % clients (MAC
 * 02:LL:cc:cc:cc:cc, LL the -m byte), then one REQUEST for the offered address to the offering server,
 * then the ACK. DISCOVERs leave at the offered rate for the period; afterwards the generator only
 * receives, for -W milliseconds, and stops. Both loops are bounded by time; the exchange count is
 * bounded by rate x period (at most 20 million).
 *
 *   dhcpload -l 10.77.0.2 -s 10.77.0.1 -r 24000 -p 10 -R 50000 [-W 1000] [-m 1]
 *
 * Prints one line of key=value pairs: discovers, offers, requests, acks, naks, late-or-duplicate
 * replies, send retries, the DISCOVER-to-ACK latency (median, 99th percentile, ms) and its own CPU time.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PACKET 300
#define MAX_EXCHANGES 20000000L

enum { SENT_DISCOVER = 0, SENT_REQUEST = 1, ACKED = 2 };

struct exchange {
    uint64_t discover_ns;
    uint32_t ack_us; /* DISCOVER-to-ACK time, microseconds */
    uint8_t state;
};

static struct exchange *exchanges;
static long total;
static uint32_t clients = 50000;
static uint8_t mac_byte = 1;
static struct in_addr local_addr, server_addr;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void usage(void) {
    fprintf(stderr, "usage: dhcpload -l LOCAL -s SERVER -r RATE -p SECONDS [-R CLIENTS] [-W WAIT_MS] [-m MAC_BYTE]\n");
    exit(2);
}

/* A relayed BOOTREQUEST (giaddr = our address, hops 1) of message type `type` for exchange k. */
static int build(uint8_t *p, long k, uint8_t type, uint32_t requested, uint32_t server_id) {
    uint32_t client = (uint32_t) (k % clients);
    uint32_t xid = htonl((uint32_t) (k + 1));
    memset(p, 0, PACKET);
    p[0] = 1; /* BOOTREQUEST */
    p[1] = 1; /* Ethernet */
    p[2] = 6;
    p[3] = 1; /* hops: one relay */
    memcpy(p + 4, &xid, 4);
    memcpy(p + 24, &local_addr.s_addr, 4); /* giaddr */
    p[28] = 0x02;
    p[29] = mac_byte;
    p[30] = (uint8_t) (client >> 24);
    p[31] = (uint8_t) (client >> 16);
    p[32] = (uint8_t) (client >> 8);
    p[33] = (uint8_t) client;
    int o = 236;
    p[o++] = 99; p[o++] = 130; p[o++] = 83; p[o++] = 99;
    p[o++] = 53; p[o++] = 1; p[o++] = type;
    if (type == 3) {
        p[o++] = 50; p[o++] = 4; memcpy(p + o, &requested, 4); o += 4;
        p[o++] = 54; p[o++] = 4; memcpy(p + o, &server_id, 4); o += 4;
    }
    p[o++] = 55; p[o++] = 4; p[o++] = 1; p[o++] = 3; p[o++] = 6; p[o++] = 51;
    p[o++] = 255;
    return PACKET; /* BOOTP minimum length, as real clients send */
}

/* Finds option `code` in a reply's options; returns its value or NULL. */
static const uint8_t *option(const uint8_t *p, int len, uint8_t code, int *olen) {
    int i = 240;
    while (i < len) {
        uint8_t c = p[i];
        if (c == 0) { i++; continue; }
        if (c == 255 || i + 1 >= len) break;
        int l = p[i + 1];
        if (i + 2 + l > len) break;
        if (c == code) { *olen = l; return p + i + 2; }
        i += 2 + l;
    }
    return NULL;
}

struct outbox {
    uint8_t bufs[BATCH][PACKET];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    int count;
};

static struct sockaddr_in server_sa;
static long send_retries;

static void flush(int fd, struct outbox *out) {
    int sent = 0;
    while (sent < out->count) {
        int n = sendmmsg(fd, out->msgs + sent, (unsigned) (out->count - sent), 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) {
                /* The socket's send queue is full: wait until it drains, then go on. */
                struct pollfd pf = {fd, POLLOUT, 0};
                send_retries++;
                poll(&pf, 1, 10);
                continue;
            }
            perror("sendmmsg");
            exit(1);
        }
        sent += n;
    }
    out->count = 0;
}

static uint8_t *slot(struct outbox *out) {
    int i = out->count++;
    out->iov[i].iov_base = out->bufs[i];
    out->iov[i].iov_len = PACKET;
    memset(&out->msgs[i], 0, sizeof out->msgs[i]);
    out->msgs[i].msg_hdr.msg_iov = &out->iov[i];
    out->msgs[i].msg_hdr.msg_iovlen = 1;
    out->msgs[i].msg_hdr.msg_name = &server_sa;
    out->msgs[i].msg_hdr.msg_namelen = sizeof server_sa;
    return out->bufs[i];
}

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    double rate = 0, period = 0;
    long wait_ms = 1000;
    int have_local = 0, have_server = 0, c;
    while ((c = getopt(argc, argv, "l:s:r:p:R:W:m:")) != -1) {
        switch (c) {
            case 'l': have_local = inet_pton(AF_INET, optarg, &local_addr) == 1; break;
            case 's': have_server = inet_pton(AF_INET, optarg, &server_addr) == 1; break;
            case 'r': rate = atof(optarg); break;
            case 'p': period = atof(optarg); break;
            case 'R': clients = (uint32_t) strtoul(optarg, NULL, 10); break;
            case 'W': wait_ms = atol(optarg); break;
            case 'm': mac_byte = (uint8_t) strtoul(optarg, NULL, 0); break;
            default: usage();
        }
    }
    if (!have_local || !have_server || rate <= 0 || period <= 0 || clients == 0 || wait_ms < 0 || wait_ms > 60000) {
        usage();
    }
    total = (long) (rate * period);
    if (total > MAX_EXCHANGES) {
        fprintf(stderr, "dhcpload: rate x period is over %ld exchanges\n", MAX_EXCHANGES);
        return 2;
    }
    exchanges = calloc((size_t) total + 1, sizeof *exchanges);
    if (!exchanges) { perror("calloc"); return 1; }

    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int one = 1, rcvbuf = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* A large queue, so replies that arrive while we send are never dropped by our own kernel. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    }
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in local_sa = {.sin_family = AF_INET, .sin_port = htons(67), .sin_addr = local_addr};
    if (bind(fd, (struct sockaddr *) &local_sa, sizeof local_sa) < 0) { perror("bind port 67"); return 1; }
    server_sa = (struct sockaddr_in) {.sin_family = AF_INET, .sin_port = htons(67), .sin_addr = server_addr};

    static struct outbox out;
    static uint8_t in_bufs[BATCH][1500];
    static struct iovec in_iov[BATCH];
    static struct mmsghdr in_msgs[BATCH];
    long discovers = 0, offers = 0, requests = 0, acks = 0, naks = 0, stray = 0;
    uint64_t start = now_ns();
    uint64_t stop_sending = start + (uint64_t) (period * 1e9);
    uint64_t stop_all = stop_sending + (uint64_t) wait_ms * 1000000ull;
    double ns_per_discover = 1e9 / rate;

    for (;;) {
        uint64_t t = now_ns();
        if (t >= stop_all) break;
        if (discovers < total) {
            long due = t >= stop_sending ? total : (long) ((double) (t - start) / ns_per_discover) + 1;
            if (due > total) due = total;
            while (discovers < due) {
                exchanges[discovers].discover_ns = t;
                build(slot(&out), discovers, 1, 0, 0);
                discovers++;
                if (out.count == BATCH) flush(fd, &out);
            }
            flush(fd, &out);
        }
        /* Sleep until the next DISCOVER is due (at least 200 us, so DISCOVERs leave in small batches
         * instead of one system call each) or a reply arrives. */
        uint64_t after = now_ns(), wake;
        if (discovers < total) {
            wake = start + (uint64_t) ((double) discovers * ns_per_discover);
            if (wake < after + 200000) wake = after + 200000;
        } else {
            wake = after + 50000000ull < stop_all ? after + 50000000ull : stop_all;
        }
        uint64_t sleep_ns = wake > after ? wake - after : 0;
        struct timespec timeout = {(time_t) (sleep_ns / 1000000000ull), (long) (sleep_ns % 1000000000ull)};
        struct pollfd pf = {fd, POLLIN, 0};
        if (ppoll(&pf, 1, &timeout, NULL) <= 0) continue;
        for (;;) {
            for (int i = 0; i < BATCH; i++) {
                in_iov[i].iov_base = in_bufs[i];
                in_iov[i].iov_len = sizeof in_bufs[i];
                memset(&in_msgs[i], 0, sizeof in_msgs[i]);
                in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
                in_msgs[i].msg_hdr.msg_iovlen = 1;
            }
            int n = recvmmsg(fd, in_msgs, BATCH, MSG_DONTWAIT, NULL);
            if (n <= 0) break;
            uint64_t rt = now_ns();
            for (int i = 0; i < n; i++) {
                const uint8_t *p = in_bufs[i];
                int len = (int) in_msgs[i].msg_len;
                if (len < 244 || p[0] != 2) { stray++; continue; }
                uint32_t xid;
                memcpy(&xid, p + 4, 4);
                long k = (long) ntohl(xid) - 1;
                int tl = 0, sl = 0;
                const uint8_t *type = option(p, len, 53, &tl);
                if (k < 0 || k >= discovers || !type || tl != 1) { stray++; continue; }
                struct exchange *e = &exchanges[k];
                if (type[0] == 2 && e->state == SENT_DISCOVER) {
                    const uint8_t *sid = option(p, len, 54, &sl);
                    uint32_t yiaddr, server_id;
                    memcpy(&yiaddr, p + 16, 4);
                    if (sid && sl == 4) memcpy(&server_id, sid, 4); else server_id = server_addr.s_addr;
                    offers++;
                    e->state = SENT_REQUEST;
                    build(slot(&out), k, 3, yiaddr, server_id);
                    requests++;
                    if (out.count == BATCH) flush(fd, &out);
                } else if (type[0] == 5 && e->state == SENT_REQUEST) {
                    e->state = ACKED;
                    uint64_t us = (rt - e->discover_ns) / 1000;
                    e->ack_us = us > UINT32_MAX ? UINT32_MAX : (uint32_t) us;
                    acks++;
                } else if (type[0] == 6 && e->state == SENT_REQUEST) {
                    naks++;
                    e->state = ACKED + 1;
                } else {
                    stray++;
                }
            }
            flush(fd, &out);
            if (n < BATCH) break;
        }
    }

    uint32_t *lat = malloc(sizeof(uint32_t) * (size_t) (acks + 1));
    long m = 0;
    for (long k = 0; k < discovers && lat; k++) {
        if (exchanges[k].state == ACKED) lat[m++] = exchanges[k].ack_us;
    }
    double p50 = 0, p99 = 0;
    if (m > 0) {
        qsort(lat, (size_t) m, sizeof *lat, compare_u32);
        p50 = lat[m / 2] / 1000.0;
        p99 = lat[(long) ((double) m * 0.99) < m ? (long) ((double) m * 0.99) : m - 1] / 1000.0;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double) ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double) ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("discovers=%ld offers=%ld requests=%ld acks=%ld naks=%ld stray=%ld send-retries=%ld "
           "latency-p50-ms=%.2f latency-p99-ms=%.2f cpu-s=%.2f\n",
           discovers, offers, requests, acks, naks, stray, send_retries, p50, p99, cpu);
    free(lat);
    free(exchanges);
    close(fd);
    return 0;
}
