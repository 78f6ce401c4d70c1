/*
 * LD_PRELOAD shim for the DHCP benchmark: every UDP socket the preloaded program opens gets a receive
 * buffer of $RCVBUF_BYTES (SO_RCVBUFFORCE, so root may go past net.core.rmem_max).
 *
 * Why: perfdhcp never sets SO_RCVBUF, so its socket holds net.core.rmem_default (208 KiB, a few hundred
 * replies). A server that answers a read burst at once, or sends a group commit's ACKs together, then
 * overflows perfdhcp's queue and the lost replies count against the server. dhcpload.c asks for the same
 * buffer itself. The shim touches nothing but the sockets of the process it is preloaded into; changing
 * rmem_default instead would change the whole machine (it cannot be set per network namespace).
 *
 *   gcc -O2 -Wall -shared -fPIC -o rcvbuf.so rcvbuf.c -ldl
 *   RCVBUF_BYTES=4194304 LD_PRELOAD=./rcvbuf.so perfdhcp ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol) {
    static int (*real_socket)(int, int, int);
    if (!real_socket) {
        real_socket = (int (*)(int, int, int)) dlsym(RTLD_NEXT, "socket");
    }
    int fd = real_socket(domain, type, protocol);
    const char *wanted = getenv("RCVBUF_BYTES");
    if (fd >= 0 && wanted && (type & 0xf) == SOCK_DGRAM && (domain == AF_INET || domain == AF_INET6)) {
        int bytes = atoi(wanted);
        if (bytes > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) < 0) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
        }
    }
    return fd;
}
