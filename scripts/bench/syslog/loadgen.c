// Bounded syslog load generator for scripts/bench/syslog/run.sh: loopback only, stops by itself.
//   loadgen udp PORT RATE COUNT TAG   COUNT datagrams to 127.0.0.1:PORT at RATE msgs/s (sendmmsg, paced)
//   loadgen tcp PORT COUNT TAG        COUNT octet-counted frames (RFC 6587) to 127.0.0.1:PORT, flat out
// Prints: sent=N seconds=S rate=R
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define MSG_MAX 256

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int message(char *buf, const char *tag, unsigned long seq) {
    // ~130 bytes, shaped like a busy Linux host's RFC 3164 line.
    return snprintf(buf, MSG_MAX, "<134>Nov 24 05:00:00 benchhost bench[4242]: %s seq=%010lu "
                    "interface GigabitEthernet1/0/%lu changed state to up", tag, seq, seq % 48);
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); // never anything but 127.0.0.1
    return a;
}

static int udp(int port, double rate, unsigned long count, const char *tag) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = loopback(port);
    if (connect(s, (struct sockaddr *) &to, sizeof to) < 0) { perror("connect"); return 1; }
    static char bufs[BATCH][MSG_MAX];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    unsigned long sent = 0;
    double start = now();
    while (sent < count) {
        int n = count - sent < BATCH ? (int) (count - sent) : BATCH;
        for (int i = 0; i < n; i++) {
            iov[i].iov_base = bufs[i];
            iov[i].iov_len = message(bufs[i], tag, sent + i);
            memset(&msgs[i], 0, sizeof msgs[i]);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int done = 0;
        while (done < n) {
            int r = sendmmsg(s, msgs + done, n - done, 0);
            if (r < 0) { perror("sendmmsg"); return 1; }
            done += r;
        }
        sent += n;
        // Pace: never ahead of the offered rate. Sleep rather than spin, so the generator does not eat
        // a core the collector needs (real devices send from other machines); being late is caught up
        // by the next batches, since the schedule is cumulative.
        double due = start + sent / rate;
        double t = now();
        if (t < due) {
            struct timespec ns = {0, (long) ((due - t) * 1e9)};
            nanosleep(&ns, NULL);
        }
        if (now() - start > 120) { fprintf(stderr, "time limit\n"); break; }
    }
    double secs = now() - start;
    printf("sent=%lu seconds=%.3f rate=%.0f\n", sent, secs, sent / secs);
    close(s);
    return 0;
}

static int tcp(int port, unsigned long count, const char *tag) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = loopback(port);
    if (connect(s, (struct sockaddr *) &to, sizeof to) < 0) { perror("connect"); return 1; }
    static char out[1 << 16];
    size_t fill = 0;
    char m[MSG_MAX];
    double start = now();
    for (unsigned long i = 0; i < count; i++) {
        int len = message(m, tag, i);
        if (fill + len + 16 > sizeof out) {
            for (size_t off = 0; off < fill;) {
                ssize_t w = write(s, out + off, fill - off);
                if (w < 0) { perror("write"); return 1; }
                off += w;
            }
            fill = 0;
        }
        fill += sprintf(out + fill, "%d ", len);
        memcpy(out + fill, m, len);
        fill += len;
    }
    for (size_t off = 0; off < fill;) {
        ssize_t w = write(s, out + off, fill - off);
        if (w < 0) { perror("write"); return 1; }
        off += w;
    }
    double secs = now() - start;
    shutdown(s, SHUT_WR);
    char sink[256];
    while (read(s, sink, sizeof sink) > 0) { } // until the receiver closes: everything was read
    close(s);
    printf("sent=%lu seconds=%.3f rate=%.0f\n", count, secs, count / secs);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 6 && !strcmp(argv[1], "udp")) {
        return udp(atoi(argv[2]), atof(argv[3]), strtoul(argv[4], NULL, 10), argv[5]);
    }
    if (argc == 5 && !strcmp(argv[1], "tcp")) {
        return tcp(atoi(argv[2]), strtoul(argv[3], NULL, 10), argv[4]);
    }
    fprintf(stderr, "usage: loadgen udp PORT RATE COUNT TAG | loadgen tcp PORT COUNT TAG\n");
    return 2;
}
