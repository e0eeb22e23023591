/* Tests of rsp/transport.c: connecting over unix sockets and TCP. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rsp.h"

static char dir[64];

static void remove_dir(void)
{
	char path[128];

	if (!dir[0])
		return;
	snprintf(path, sizeof(path), "%s/s", dir);
	unlink(path);
	rmdir(dir);
}

/* A listener that appears only after a delay, like a QEMU starting up. */
typedef struct late_listener {
	char path[100];
	int delay_ms;
	int accepted;
} late_listener;

static void *listen_late(void *arg)
{
	late_listener *l = arg;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timespec ts = { 0, l->delay_ms * 1000000L };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	nanosleep(&ts, NULL);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", l->path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(fd, 1))
		return NULL;
	int conn = accept(fd, NULL, NULL);
	l->accepted = conn >= 0;
	if (conn >= 0)
		close(conn);
	close(fd);
	return NULL;
}

Test(transport, unix_connect_retries_until_listening, .fini = remove_dir)
{
	late_listener l = { "", 150, 0 };
	pthread_t th;
	rsp_conn *c = NULL;
	char addr[160], err[256] = "";

	strcpy(dir, "/tmp/rspt-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(l.path, sizeof(l.path), "%s/s", dir);
	snprintf(addr, sizeof(addr), "unix:%s", l.path);
	cr_assert_eq(pthread_create(&th, NULL, listen_late, &l), 0);
	int rc = rsp_connect(&c, addr, 5000, NULL, err, sizeof(err));
	pthread_join(th, NULL);
	cr_assert_eq(rc, 0, "%s", err);
	cr_assert(l.accepted);
	cr_assert_geq(rsp_fd(c), 0);
	rsp_close(c);
}

Test(transport, unix_connect_gives_up_at_deadline, .fini = remove_dir)
{
	rsp_conn *c = (rsp_conn *)1;
	char addr[160], err[256] = "";

	strcpy(dir, "/tmp/rspt-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(addr, sizeof(addr), "unix:%s/none", dir);
	cr_assert_eq(rsp_connect(&c, addr, 100, NULL, err, sizeof(err)), RSP_ETIMEOUT);
	cr_assert_null(c);
	cr_assert(strstr(err, "none"), "%s", err);
}

Test(transport, tcp_connect_sets_nodelay)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	char addr[64], err[256] = "";
	rsp_conn *c = NULL;
	int one = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(lfd >= 0);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(listen(lfd, 2), 0);
	cr_assert_eq(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	int port = ntohs(sin.sin_port);

	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	cr_assert_eq(rsp_connect(&c, addr, 2000, NULL, err, sizeof(err)), 0, "%s", err);
	len = sizeof(one);
	cr_assert_eq(getsockopt(rsp_fd(c), IPPROTO_TCP, TCP_NODELAY, &one, &len), 0);
	cr_assert_neq(one, 0);
	rsp_close(c);

	snprintf(addr, sizeof(addr), "tcp:localhost:%d", port);
	cr_assert_eq(rsp_connect(&c, addr, 2000, NULL, err, sizeof(err)), 0, "%s", err);
	rsp_close(c);
	close(lfd);
}

Test(transport, bad_addresses)
{
	static const char *const bad[] = { "nocolon", "tcp:", "host:", "[::1", NULL };
	rsp_conn *c = NULL;
	char err[256];

	for (size_t i = 0; bad[i]; i++) {
		err[0] = '\0';
		int rc = rsp_connect(&c, bad[i], 100, NULL, err, sizeof(err));
		cr_assert_lt(rc, 0, "%s accepted", bad[i]);
		cr_assert_null(c);
		cr_assert_neq(err[0], '\0', "no message for %s", bad[i]);
	}
}
