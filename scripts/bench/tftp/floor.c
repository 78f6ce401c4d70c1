/*
 * The floor of a TFTP server's CPU per block: what a server that does nothing but one recv (the ACK) and one
 * send per block (the DATA, 4 + BLKSIZE bytes) costs, over UDP on 127.0.0.1. A forked child plays the client:
 * it reads WINDOW blocks and answers one 4-byte ACK. The figure is the server process's utime+stime
 * (getrusage) divided by the blocks; no file is read, so a real server cannot go below it.
 *
 *   cc -O2 -o /tmp/floor scripts/bench/tftp/floor.c && /tmp/floor [BLOCKS [BLKSIZE [WINDOW]]]
 *   (defaults: 45715 blocks = 64 MiB at 1468, window 1 = lockstep)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int bound(struct sockaddr_in *a) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = {5, 0}; /* every wait is bounded */
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof *a;
    if (bind(s, (struct sockaddr *) a, sizeof *a) < 0 || getsockname(s, (struct sockaddr *) a, &len) < 0) {
        perror("bind");
        exit(1);
    }
    return s;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv) {
    long blocks = argc > 1 ? atol(argv[1]) : 45715;
    int blksize = argc > 2 ? atoi(argv[2]) : 1468;
    int window = argc > 3 ? atoi(argv[3]) : 1;
    if (blocks < 1 || blksize < 8 || blksize > 65464 || window < 1 || window > 65535) {
        fprintf(stderr, "usage: floor [BLOCKS [BLKSIZE 8..65464 [WINDOW]]]\n");
        return 2;
    }
    struct sockaddr_in sa, ca;
    int srv = bound(&sa), cli = bound(&ca);
    char *buf = calloc(1, 4 + blksize);
    pid_t child = fork();
    if (child == 0) { /* the client: a window of blocks in, one ACK out, until all blocks came */
        close(srv);
        char ack[4] = {0, 4, 0, 0};
        sendto(cli, ack, 4, 0, (struct sockaddr *) &sa, sizeof sa); /* the first ACK starts the transfer */
        for (long got = 0; got < blocks;) {
            for (int i = 0; i < window && got < blocks; i++, got++) {
                if (recv(cli, buf, 4 + blksize, 0) < 0) {
                    perror("client recv");
                    _exit(1);
                }
            }
            sendto(cli, ack, 4, 0, (struct sockaddr *) &sa, sizeof sa);
        }
        _exit(0);
    }
    close(cli);
    struct timespec t0, t1;
    double c0 = cpu();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long sent = 0; sent < blocks;) {
        if (recv(srv, buf, 4 + blksize, 0) < 0) {
            perror("server recv");
            return 1;
        }
        for (int i = 0; i < window && sent < blocks; i++, sent++) {
            buf[1] = 3;
            sendto(srv, buf, 4 + blksize, 0, (struct sockaddr *) &ca, sizeof ca);
        }
    }
    recv(srv, buf, 4 + blksize, 0); /* the last ACK */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double used = cpu() - c0;
    int status;
    waitpid(child, &status, 0);
    double wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("blocks=%ld blksize=%d window=%d server_cpu_us_per_block=%.2f wall_us_per_block=%.2f\n", blocks, blksize,
           window, used * 1e6 / blocks, wall * 1e6 / blocks);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
