/*
 * Packets as they are, for a program between a debugger and a stub (a
 * relay): the debugger's side of a connection, and packet-level send and
 * receive on either side. Each side keeps its own acknowledgements: the
 * stub's are answered by the connection to it, the debugger's by the
 * connection to it, so the two may differ in no-ack mode (QEMU 7.2 has
 * none, while a debugger may ask for it).
 */
#include <stdlib.h>

#include "rsp_int.h"

int rsp_open_debugger(rsp_conn **out, int fd, const rsp_config *cfg)
{
	int err = rsp_open_fd(out, fd, cfg);

	if (err)
		return err;
	/* A debugger starts in ack mode, and takes replies as long as the
	 * stub's: anything up to the library's own cap. */
	(*out)->no_ack = 0;
	(*out)->packet_size = RSP_MAX_RAW;
	return 0;
}

int rsp_packet_next(rsp_conn *c, rsp_input *kind, const char **data,
		    size_t *len, int timeout_ms)
{
	int interrupt = 0, err;

	rsp_begin(c);
	*data = NULL;
	*len = 0;
	err = rsp_recv_input(c, &interrupt, data, len, rsp_deadline(timeout_ms));
	if (err)
		return err;
	*kind = interrupt ? RSP_INPUT_INTERRUPT : RSP_INPUT_PACKET;
	return 0;
}

int rsp_packet_send(rsp_conn *c, const void *data, size_t len)
{
	rsp_begin(c);
	return rsp_send(c, data, len);
}

void rsp_set_no_ack(rsp_conn *c)
{
	c->no_ack = 1;
}

int rsp_input_pending(const rsp_conn *c)
{
	return c->pending || c->in_pos < c->in_len;
}
