/*
 * Transport of libgdb-remote, the bottom layer beside the framer: opening TCP
 * and unix-socket connections (with retry until a deadline), preparing a
 * connected fd, and nonblocking reads and writes bounded by deadlines. It
 * works on file descriptors and the caller's message buffer and knows no
 * connection object; rsp/conn.c is built on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rsp_int.h"

/* Pauses between connection attempts grow from 0.1 ms to 20 ms. A freshly
 * started QEMU opens its socket within a few milliseconds, and a fixed 20 ms
 * pause cost a whole tick on nearly every run (measured: it alone made a
 * stubrun run of a short aarch64 guest take twice as long as bare QEMU);
 * qemu-user listens some 50-500 us after it binds, so a refused connect
 * to a socket file that exists is worth trying again at once rather than
 * a millisecond later; doubling keeps a stub that takes long to appear
 * from costing much CPU. */
#define RETRY_FIRST_PAUSE_US 100
#define RETRY_MAX_PAUSE_US 20000

long rsp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

long rsp_deadline(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : rsp_now_ms() + timeout_ms;
}

/* Milliseconds left for poll(): -1 forever, 0 expired. */
static int left_ms(long deadline)
{
	if (deadline < 0)
		return -1;
	long left = deadline - rsp_now_ms();
	if (left <= 0)
		return 0;
	return left > 1000000 ? 1000000 : (int)left;
}

static int wait_fd(int fd, short events, long deadline)
{
	for (;;) {
		struct pollfd p = { fd, events, 0 };
		int n = poll(&p, 1, left_ms(deadline));
		if (n > 0)
			return 0;
		if (n == 0)
			return RSP_ETIMEOUT;
		if (errno != EINTR)
			return RSP_ESYS;
	}
}

/* Writes a message into the caller's buffer (NULL: none) and returns
 * `err`: the transport knows no connection object. */
static int set_errbuf(char *errbuf, size_t errlen, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int set_errbuf(char *errbuf, size_t errlen, int err, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || !errlen)
		return err;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	return err;
}

int rsp_fd_prepare(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return RSP_ESYS;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

int rsp_io_write(int fd, const void *data, size_t len, long deadline,
		 char *errbuf, size_t errlen)
{
	const char *p = data;

	while (len > 0) {
		/* send() with MSG_NOSIGNAL: a stub that hung up must give us
		 * EPIPE, not kill the process with SIGPIPE. */
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int err = wait_fd(fd, POLLOUT, deadline);
			if (err == RSP_ETIMEOUT)
				return set_errbuf(errbuf, errlen, err,
						  "timed out sending to the stub");
			if (err)
				return set_errbuf(errbuf, errlen, err, "poll: %s",
						  strerror(errno));
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return set_errbuf(errbuf, errlen, RSP_ECLOSED,
					  "the stub closed the connection");
		return set_errbuf(errbuf, errlen, RSP_ESYS, "send: %s",
				  strerror(errno));
	}
	return 0;
}

int rsp_io_read(size_t *got, int fd, void *buf, size_t cap, long deadline,
		char *errbuf, size_t errlen)
{
	for (;;) {
		ssize_t n = recv(fd, buf, cap, 0);
		if (n < 0 && errno == ENOTSOCK)
			n = read(fd, buf, cap);
		if (n > 0) {
			*got = (size_t)n;
			return 0;
		}
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return set_errbuf(errbuf, errlen, RSP_ECLOSED,
					  "the stub closed the connection");
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return set_errbuf(errbuf, errlen, RSP_ESYS, "recv: %s",
					  strerror(errno));
		int err = wait_fd(fd, POLLIN, deadline);
		if (err == RSP_ETIMEOUT)
			return set_errbuf(errbuf, errlen, err,
					  "timed out waiting for the stub");
		if (err)
			return set_errbuf(errbuf, errlen, err, "poll: %s",
					  strerror(errno));
	}
}

/* ---- connecting ---------------------------------------------------------- */

/* One nonblocking connect(), finished by polling until `deadline`.
 * Returns the fd, or -1 with errno set. */
static int try_connect(int family, const struct sockaddr *sa, socklen_t salen,
		       long deadline)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int saved;

	if (fd < 0)
		return -1;
	if (connect(fd, sa, salen) == 0)
		return fd;
	if (errno != EINPROGRESS && errno != EINTR)
		goto fail;
	if (wait_fd(fd, POLLOUT, deadline)) {
		errno = ETIMEDOUT;
		goto fail;
	}
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		goto fail;
	if (soerr == 0)
		return fd;
	errno = soerr;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

static int connect_unix(const char *path, long deadline)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	return try_connect(AF_UNIX, (struct sockaddr *)&sun, sizeof(sun), deadline);
}

/* "host:port" or "[v6]:port" into host and port (copied to the buffers). */
static int split_host_port(char *host, size_t hlen, char *port, size_t plen,
			   const char *addr)
{
	const char *colon = strrchr(addr, ':');
	const char *h = addr;
	size_t n;

	if (!colon || !colon[1] || strlen(colon + 1) >= plen)
		return -1;
	n = (size_t)(colon - addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n >= hlen)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
	if (!host[0])
		strcpy(host, "localhost");
	return 0;
}

static int connect_tcp(const char *host, const char *port, long deadline,
		       int *gai_err)
{
	struct addrinfo hints, *res = NULL;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	*gai_err = getaddrinfo(host, port, &hints, &res);
	if (*gai_err)
		return -1;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = try_connect(ai->ai_family, ai->ai_addr, ai->ai_addrlen, deadline);
	int saved = errno;
	freeaddrinfo(res);
	if (fd >= 0) {
		int one = 1;
		/* Packets are small request/reply pairs: Nagle would add
		 * up to 40 ms of delay to each of them. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	errno = saved;
	return fd;
}

/* Errors worth retrying: the stub is not listening yet. */
static int transient(int err)
{
	return err == ECONNREFUSED || err == ENOENT || err == ETIMEDOUT ||
	       err == EAGAIN || err == ECONNRESET || err == EINTR;
}

int rsp_io_connect(int *out, const char *address, int deadline_ms,
		   char *errbuf, size_t errlen)
{
	char host[256], port[32];
	long deadline = rsp_now_ms() + (deadline_ms > 0 ? deadline_ms : 0);
	int is_unix = strncmp(address, "unix:", 5) == 0;
	const char *rest = address;
	int fd = -1, gai_err = 0;
	long pause_us = RETRY_FIRST_PAUSE_US;

	*out = -1;
	if (!is_unix) {
		if (strncmp(address, "tcp:", 4) == 0)
			rest += 4;
		if (split_host_port(host, sizeof(host), port, sizeof(port), rest)) {
			return set_errbuf(errbuf, errlen, RSP_EPROTO,
					  "bad address '%s'", address);
		}
	}
	for (;;) {
		if (is_unix)
			fd = connect_unix(address + 5, deadline);
		else
			fd = connect_tcp(host, port, deadline, &gai_err);
		if (fd >= 0)
			break;
		if (gai_err) {
			return set_errbuf(errbuf, errlen, RSP_ESYS, "%s: %s",
					  address, gai_strerror(gai_err));
		}
		int saved = errno;
		if (!transient(saved) ||
		    rsp_now_ms() + (pause_us + 999) / 1000 > deadline) {
			return set_errbuf(errbuf, errlen,
					  saved == ETIMEDOUT || transient(saved)
					  ? RSP_ETIMEOUT : RSP_ESYS,
					  "connect %s: %s", address, strerror(saved));
		}
		struct timespec ts = { 0, pause_us * 1000L };
		nanosleep(&ts, NULL);
		pause_us = pause_us * 2 < RETRY_MAX_PAUSE_US ? pause_us * 2
							     : RETRY_MAX_PAUSE_US;
	}
	*out = fd;
	return 0;
}
