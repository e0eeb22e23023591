/*
 * A scripted fake GDB stub for the library's conversation tests: a thread
 * on one end of a socketpair that follows a list of expect/send steps.
 * Only for fault injection and exact-conversation checks; behaviour against
 * real stubs is tested in tests/integration/rsp_qemu.c.
 */
#ifndef TESTS_RSP_FAKESTUB_H
#define TESTS_RSP_FAKESTUB_H

#include <stddef.h>

#include "rsp.h"

typedef enum fs_op {
	FS_END = 0,
	FS_EXPECT,        /* a packet whose data is exactly `text` (acked) */
	FS_EXPECT_PREFIX, /* a packet whose data starts with `text` (acked) */
	FS_NAK_PACKET,    /* a packet with `text`, answered with '-' */
	FS_IGNORE_PACKET, /* a packet with `text`, not acknowledged at all */
	FS_REPLY,         /* sends $text#cc */
	FS_REPLY_RLE,     /* the same, run-length encoded */
	FS_RAW,           /* sends the bytes of `text` as they are */
	FS_EXPECT_BYTE,   /* the raw byte text[0] outside a packet (0x03) */
	FS_EXPECT_ACK,    /* the client's '+' */
	FS_EXPECT_NAK,    /* the client's '-' */
	FS_NOACK,         /* from here on neither side acks */
	FS_SLEEP,         /* pauses atoi(text) milliseconds */
	FS_CLOSE,         /* hangs up and ends the script */
	FS_EXPECT_CLOSE,  /* waits until the client hangs up */
} fs_op;

typedef struct fs_step {
	fs_op op;
	const char *text;
	size_t len;       /* bytes of text; 0 means strlen(text) */
} fs_step;

typedef struct fakestub fakestub;

/* A new, empty script. */
fakestub *fakestub_new(void);
/* Appends one step; `text` is copied (len 0: strlen). */
void fs_add(fakestub *fs, fs_op op, const char *text, size_t len);
/* Appends one step with printf-formatted text. */
void fs_addf(fakestub *fs, fs_op op, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends the steps of an FS_END-terminated array. */
void fs_add_steps(fakestub *fs, const fs_step *steps);

/* Starts the stub thread; *client_fd is the other end of the socketpair. */
int fakestub_start(fakestub *fs, int *client_fd);

/* Waits for the script to end (close the client first) and frees the stub.
 * 0 when every step happened as scripted; else -1 and a message. */
int fakestub_finish(fakestub *fs, char *msg, size_t msglen);

/* Convenience: a started stub with an open rsp_conn on it. */
rsp_conn *fs_connect(fakestub *fs, const rsp_config *cfg);

/* A small target description: r0, r1 (32 bits), pc (64), v0 (128);
 * in the 'g' packet at offsets 0, 4, 8, 16 (32 bytes in all). */
#define FS_TEST_XML \
	"<?xml version=\"1.0\"?>\n" \
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n" \
	"<target version=\"1.0\"><architecture>test</architecture>\n" \
	"<feature name=\"org.test.core\">\n" \
	"<reg name=\"r0\" bitsize=\"32\" type=\"int\"/>\n" \
	"<reg name=\"r1\" bitsize=\"32\" type=\"int\"/>\n" \
	"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>\n" \
	"<reg name=\"v0\" bitsize=\"128\" type=\"uint128\"/>\n" \
	"</feature></target>\n"

/* Appends a no-ack handshake (PacketSize 0x1000) that serves `xml` as
 * target.xml in replies of at most `piece` bytes. */
void fs_add_handshake_xml(fakestub *fs, const char *xml, size_t piece);

/* Standard handshake fragments. */
extern const fs_step FS_HANDSHAKE_NOACK[];  /* QStartNoAckMode, no XML, vCont */
extern const fs_step FS_HANDSHAKE_ACK[];    /* acks kept, no XML, no vCont */

/* A trace hook that appends "> data\n" (sent) or "< data\n" (received)
 * to a fs_log; the tests look for exact frames in it. */
typedef struct fs_log {
	char text[16384];
	size_t len;
} fs_log;
void fs_trace(rsp_trace_dir dir, const char *data, size_t len, void *arg);

/* Closes the client, then checks that the stub followed its script. Needs
 * <criterion/criterion.h>. */
#define FS_FINISH(fs, c) \
	do { \
		char fs_msg_[512]; \
		rsp_close(c); \
		cr_assert_eq(fakestub_finish((fs), fs_msg_, sizeof(fs_msg_)), 0, \
			     "fake stub: %s", fs_msg_); \
	} while (0)

#endif
