/*
 * The target description over a connection (GDB manual, "Target
 * Descriptions" and qXfer:features:read): the annexes fetched in chunks,
 * and the lazy annexes of rsp_config (a post-mortem's system registers),
 * whose fetch waits until a register outside the part read is asked for.
 * The annexes of a partial load are kept, so that completing it fetches
 * only what was left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp_int.h"

/* One fetched annex, kept while the description is partial. */
struct rsp_annex {
	char *name;
	char *data;
	size_t len;
};

/* Annex names come from the stub's own XML: allow only what a file name
 * needs, so that one cannot smuggle ':' or frame characters in. */
static int annex_ok(const char *annex)
{
	size_t n = strlen(annex);

	if (n == 0 || n > 100)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-", annex[i]))
			return 0;
	return 1;
}

/* tdesc_fetch_fn: one annex through qXfer:features:read, in chunks. */
static int fetch_annex(char **out, size_t *len, const char *annex, void *arg)
{
	rsp_conn *c = arg;
	size_t total = 0, chunk = c->packet_size - 8;
	char *buf = NULL;
	int err = 0;

	*out = NULL;
	if (!annex_ok(annex)) {
		err = rsp_seterr(c, RSP_EPROTO, "bad annex name");
		goto out;
	}
	for (;;) {
		const char *r;
		size_t rlen;
		err = rsp_exchangef(c, &r, &rlen, "qXfer:features:read:%s:%zx,%zx",
				    annex, total, chunk);
		if (!err)
			err = rsp_check_reply(c, r, rlen, "qXfer:features:read");
		if (err)
			goto out;
		size_t n = rlen - 1;
		if ((r[0] != 'm' && r[0] != 'l') || n > chunk ||
		    (r[0] == 'm' && n == 0)) {
			err = rsp_seterr(c, RSP_EPROTO, "bad qXfer reply for %s", annex);
			goto out;
		}
		if (total + n > RSP_MAX_XFER) {
			err = rsp_seterr(c, RSP_EPROTO, "%s exceeds %d bytes", annex,
					 RSP_MAX_XFER);
			goto out;
		}
		char *nb = realloc(buf, total + n + 1);
		if (!nb) {
			err = rsp_seterr(c, RSP_ESYS, "out of memory");
			goto out;
		}
		buf = nb;
		memcpy(buf + total, r + 1, n);
		total += n;
		if (r[0] == 'l')
			break;
	}
	buf[total] = '\0';
	*out = buf;
	*len = total;
	buf = NULL;
out:
	free(buf);
	return err;
}

/* The copy of a kept annex, or NULL. */
static const rsp_annex *kept(const rsp_conn *c, const char *annex)
{
	for (size_t i = 0; i < c->nannexes; i++)
		if (!strcmp(c->annexes[i].name, annex))
			return &c->annexes[i];
	return NULL;
}

static int keep(rsp_conn *c, const char *annex, const char *data, size_t len)
{
	rsp_annex *n = realloc(c->annexes, (c->nannexes + 1) * sizeof(*n));
	rsp_annex a = { strdup(annex), malloc(len + 1), len };

	if (n)
		c->annexes = n;
	if (!n || !a.name || !a.data) {
		free(a.name);
		free(a.data);
		return rsp_seterr(c, RSP_ESYS, "out of memory");
	}
	memcpy(a.data, data, len);
	a.data[len] = '\0';
	c->annexes[c->nannexes++] = a;
	return 0;
}

static void drop_kept(rsp_conn *c)
{
	for (size_t i = 0; i < c->nannexes; i++) {
		free(c->annexes[i].name);
		free(c->annexes[i].data);
	}
	free(c->annexes);
	c->annexes = NULL;
	c->nannexes = 0;
}

/* tdesc_fetch_fn of a lazy load: a kept annex, or one fetched and kept. */
static int fetch_kept(char **out, size_t *len, const char *annex, void *arg)
{
	rsp_conn *c = arg;
	const rsp_annex *a = kept(c, annex);
	int err;

	if (a) {
		if (!(*out = malloc(a->len + 1)))
			return rsp_seterr(c, RSP_ESYS, "out of memory");
		memcpy(*out, a->data, a->len + 1);
		*len = a->len;
		return 0;
	}
	if ((err = fetch_annex(out, len, annex, c)) == 0 &&
	    (err = keep(c, annex, *out, *len)) < 0) {
		free(*out);
		*out = NULL;
	}
	return err;
}

/* tdesc_load_lazy() with the connection's message: "target description: ...". */
static int load(tdesc **out, rsp_conn *c, tdesc_fetch_fn fetch,
		const char *const *lazy)
{
	char msg[200] = "";
	int err;

	c->errmsg[0] = '\0';
	err = tdesc_load_lazy(out, "target.xml", fetch, c, lazy, msg,
			     sizeof(msg));
	if (err) {
		char inner[sizeof(c->errmsg)];
		snprintf(inner, sizeof(inner), "%s", c->errmsg);
		return rsp_seterr(c, err, "target description: %s%s%s", msg,
				  inner[0] ? ": " : "", inner);
	}
	return 0;
}

int rsp_features_load(rsp_conn *c, const char *const *lazy)
{
	int err;

	rsp_features_free(c);
	if (!lazy || !lazy[0])
		return load(&c->tdesc, c, fetch_annex, NULL);
	err = load(&c->tdesc, c, fetch_kept, lazy);
	if (err || tdesc_partial(c->tdesc))
		return err;
	drop_kept(c); /* no lazy annex was met: nothing to complete */
	return 0;
}

/* Every register of the partial table must be in the whole one, with
 * the same number, size and place in 'g': pointers into the partial
 * table stay in use. */
static int same_prefix(rsp_conn *c, const tdesc *part, const tdesc *whole)
{
	for (size_t i = 0; i < tdesc_count(part); i++) {
		const rsp_reg *p = tdesc_at(part, i);
		const rsp_reg *w = tdesc_at(whole, i);
		if (!w || strcmp(p->name, w->name) || p->regnum != w->regnum ||
		    p->bitsize != w->bitsize || p->g_offset != w->g_offset)
			return rsp_seterr(c, RSP_EPROTO, "target description: "
					  "%s's registers number below the "
					  "others'", tdesc_lazy_annex(part));
	}
	return 0;
}

int rsp_features_complete(rsp_conn *c)
{
	tdesc *whole = NULL;
	int err;

	if (!c->tdesc || !tdesc_partial(c->tdesc))
		return 0;
	if ((err = load(&whole, c, fetch_kept, NULL)) == 0 &&
	    (err = same_prefix(c, c->tdesc, whole)) == 0) {
		c->tdesc_part = c->tdesc;
		c->tdesc = whole;
		whole = NULL;
		drop_kept(c);
	}
	tdesc_free(whole);
	return err;
}

void rsp_features_free(rsp_conn *c)
{
	tdesc_free(c->tdesc);
	tdesc_free(c->tdesc_part);
	c->tdesc = c->tdesc_part = NULL;
	drop_kept(c);
}
