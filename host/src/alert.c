/*
 * alert.c - alert lines and the alert server (anpr/alert.h).
 *
 * The server: a listening socket, a thread that polls it and the
 * subscribers, and a self-pipe to wake that thread. Every alert is kept in
 * a ring (the latest ANPR_ALERT_KEEP); each subscriber has a cursor into
 * it, the seq of the next alert it is to get, and is topped up from the
 * ring into a small queue of its own. Posting happens on the caller's
 * thread (straight into each subscriber's socket, which does not block);
 * what a socket cannot take stays queued and the thread writes it and
 * tops the queue up as the socket drains. A subscriber that falls behind
 * the ring gets a gap line, never a half line. One mutex guards it all.
 */
#define _GNU_SOURCE /* accept4, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "anpr/alert.h"
#include "anpr/anpr.h"
#include "anpr/image.h"
#include "anpr/json.h"

#define MAX_SUBSCRIBERS 64
#define QUEUE_FILL (256u << 10) /* a subscriber's queue is topped up to this */
#define GRACE_MS 100            /* a new subscriber's time to ask to resume */

void anpr_alert_time(double t, char *out)
{
	time_t s = (time_t)floor(t);
	int ms = (int)((t - (double)s) * 1000);
	struct tm tm;

	char buf[96];

	gmtime_r(&s, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms > 999 ? 999 : ms);
	snprintf(out, 32, "%.31s", buf);
}

static void sb_date(struct anpr_sb *b, int32_t days)
{
	time_t t = (time_t)days * 86400;
	struct tm tm;

	if (days == ANPR_HOT_NO_EXPIRY) {
		anpr_sb_printf(b, "null");
		return;
	}
	gmtime_r(&t, &tm);
	anpr_sb_printf(b, "\"%04d-%02d-%02d\"", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int anpr_alert_json(const struct anpr_alert *a, char **line, size_t *len)
{
	const struct anpr_hot_hit *h = a->hit;
	const struct anpr_box *bx = &a->plate->box;
	struct anpr_sb b = {0};
	char when[32];

	anpr_alert_time(a->time, when);
	anpr_sb_printf(&b, "{\"alert\":\"hotlist\",\"run\":\"%s\",\"seq\":%lu,\"capture\":", a->run ? a->run : "",
		       a->seq);
	anpr_sb_json_str(&b, a->capture);
	anpr_sb_printf(&b, ",\"time\":\"%s\",\"camera\":", when);
	anpr_sb_json_str(&b, a->camera);
	if (a->file) {
		anpr_sb_printf(&b, ",\"file\":");
		anpr_sb_json_str(&b, a->file);
	}
	anpr_sb_printf(&b, ",\"vrm\":");
	anpr_sb_json_str(&b, a->plate->text);
	anpr_sb_printf(&b, ",\"confidence\":%.4f,\"box\":[%u,%u,%u,%u],\"hit\":{\"list\":", a->plate->confidence,
		       bx->x, bx->y, bx->w, bx->h);
	anpr_sb_json_str(&b, h->list);
	anpr_sb_printf(&b, ",\"vrm\":");
	anpr_sb_json_str(&b, h->vrm);
	anpr_sb_printf(&b, ",\"category\":");
	anpr_sb_json_str(&b, h->category);
	anpr_sb_printf(&b, ",\"priority\":%d,\"action\":", h->priority);
	anpr_sb_json_str(&b, h->action);
	anpr_sb_printf(&b, ",\"source\":");
	anpr_sb_json_str(&b, h->source);
	anpr_sb_printf(&b, ",\"valid_until\":");
	sb_date(&b, h->valid_until);
	anpr_sb_printf(&b, ",\"note\":");
	anpr_sb_json_str(&b, h->note);
	anpr_sb_printf(&b, ",\"rule\":\"%s\",\"distance\":%d,\"read\":", anpr_hot_rule_name(h->rule), h->distance);
	anpr_sb_json_str(&b, h->read);
	anpr_sb_printf(&b, ",\"read_confidence\":%.4f}", h->confidence);
	if (a->patch && a->patch_w && a->patch_h) {
		void *png;
		size_t n;

		if (anpr_image_png(a->patch, a->patch_w, a->patch_h, a->patch_stride, &png, &n)) {
			anpr_sb_free(&b);
			return ANPR_ERR_NOMEM;
		}
		anpr_sb_printf(&b, ",\"patch\":{\"format\":\"png\",\"width\":%u,\"height\":%u,\"base64\":\"", a->patch_w,
			       a->patch_h);
		anpr_sb_base64(&b, png, n);
		anpr_sb_printf(&b, "\"}");
		free(png);
	}
	anpr_sb_printf(&b, "}\n");
	if (b.err) {
		anpr_sb_free(&b);
		return ANPR_ERR_NOMEM;
	}
	*line = b.p;
	*len = b.len;
	return ANPR_OK;
}

/* ---- the alerter ---- */

static double clock_s(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void anpr_alerter_init(struct anpr_alerter *al, const char *camera, FILE *out)
{
	struct timespec t;

	memset(al, 0, sizeof(*al));
	al->camera = camera;
	al->holdoff = 60;
	al->out = out;
	clock_gettime(CLOCK_REALTIME, &t);
	snprintf(al->run, sizeof(al->run), "%016llx",
		 (unsigned long long)t.tv_sec * 1000000007ULL ^ (unsigned long long)t.tv_nsec << 20 ^ (unsigned long long)getpid());
}

void anpr_alerter_frame(struct anpr_alerter *al, const anpr_hotset *set, const char *file, const uint8_t *px,
			unsigned w, unsigned h)
{
	al->set = set;
	al->file = file;
	al->time = clock_s(CLOCK_REALTIME);
	al->today = (int32_t)(al->time / 86400);
	al->frame++;
	al->plate = 0;
	al->first_sent = 0;
	al->px = px;
	al->w = w;
	al->h = h;
}

/* Was this entry alerted within the hold-off? Records it if not. */
static int held_off(struct anpr_alerter *al, const struct anpr_hot_hit *h)
{
	char key[96];
	int i;

	snprintf(key, sizeof(key), "%s\n%s", h->list, h->vrm);
	for (i = 0; i < al->nrecent; i++)
		if (!strcmp(al->recent[i].key, key))
			break;
	if (i < al->nrecent && al->time - al->recent[i].t < al->holdoff)
		return 1;
	if (i == al->nrecent) {
		if (al->nrecent < ANPR_ALERT_HOLDOFF_SLOTS) {
			al->nrecent++;
		} else { /* forget the oldest */
			i = 0;
			for (int k = 1; k < ANPR_ALERT_HOLDOFF_SLOTS; k++)
				if (al->recent[k].t < al->recent[i].t)
					i = k;
		}
		snprintf(al->recent[i].key, sizeof(al->recent[i].key), "%s", key);
	}
	al->recent[i].t = al->time;
	return 0;
}

void anpr_alerter_plate(void *ctx, const struct anpr_plate_read *pl)
{
	struct anpr_alerter *al = ctx;
	struct anpr_hot_hit hits[8];
	int n, plate = al->plate++;

	if (!al->set)
		return;
	n = anpr_hotset_match(al->set, pl, al->today, hits, 8);
	for (int k = 0; k < n; k++) {
		struct anpr_alert a = {0};
		const struct anpr_box *b = &pl->box;
		char capture[160], when[32], *line;
		size_t len;

		if (held_off(al, &hits[k]))
			continue;
		anpr_alert_time(al->time, when);
		snprintf(capture, sizeof(capture), "%s-%s-%lu-%d", al->camera, when, al->frame, plate);
		a.run = al->run;
		a.seq = al->alerts + 1;
		a.camera = al->camera;
		a.capture = capture;
		a.time = al->time;
		a.file = al->file;
		a.plate = pl;
		a.hit = &hits[k];
		if (al->px && b->w && b->h && b->x + b->w <= al->w && b->y + b->h <= al->h) {
			a.patch = al->px + (size_t)b->y * al->w + b->x;
			a.patch_w = b->w;
			a.patch_h = b->h;
			a.patch_stride = al->w;
		}
		if (anpr_alert_json(&a, &line, &len)) {
			fprintf(stderr, "anpr: alert for %s: out of memory\n", pl->text);
			continue;
		}
		if (al->out) {
			fwrite(line, 1, len, al->out);
			fflush(al->out);
		}
		if (al->server)
			anpr_alert_server_post(al->server, al->run, a.seq, line, len);
		if (!al->first_sent)
			al->first_sent = clock_s(CLOCK_MONOTONIC);
		free(line);
		al->alerts++;
	}
}

/* ---- addresses ---- */

/* A socket for addr, bound and listening (server) or connected (client). */
static int open_addr(const char *addr, int server, char *err, size_t errlen)
{
	int fd = -1;

	if (!strncmp(addr, "unix:", 5)) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		const char *path = addr + 5;

		if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
			snprintf(err, errlen, "%s: a socket path of 1 to %zu bytes", addr, sizeof(sa.sun_path) - 1);
			return -1;
		}
		strcpy(sa.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			goto sys;
		if (server) {
			struct sockaddr_un probe = sa;
			int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

			/* a socket file nobody listens on is a leftover: replace it */
			if (c >= 0 && connect(c, (struct sockaddr *)&probe, sizeof(probe)) && errno == ECONNREFUSED)
				unlink(path);
			if (c >= 0)
				close(c);
			if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16))
				goto sys;
		} else if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			goto sys;
		}
		return fd;
	}
	if (!strncmp(addr, "tcp:", 4)) {
		char host[256];
		const char *colon = strrchr(addr + 4, ':');
		struct addrinfo hints = {0}, *ai = NULL, *p;
		int rc;

		if (!colon || colon == addr + 4 || (size_t)(colon - addr - 4) >= sizeof(host) || !colon[1]) {
			snprintf(err, errlen, "%s: expected tcp:HOST:PORT", addr);
			return -1;
		}
		memcpy(host, addr + 4, (size_t)(colon - addr - 4));
		host[colon - addr - 4] = 0;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = server ? AI_PASSIVE : 0;
		rc = getaddrinfo(host, colon + 1, &hints, &ai);
		if (rc) {
			snprintf(err, errlen, "%s: %s", addr, gai_strerror(rc));
			return -1;
		}
		for (p = ai; p; p = p->ai_next) {
			int one = 1;

			fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
			if (fd < 0)
				continue;
			if (server) {
				setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
				if (!bind(fd, p->ai_addr, p->ai_addrlen) && !listen(fd, 16))
					break;
			} else if (!connect(fd, p->ai_addr, p->ai_addrlen)) {
				break;
			}
			close(fd);
			fd = -1;
		}
		freeaddrinfo(ai);
		if (fd < 0)
			goto sys;
		return fd;
	}
	snprintf(err, errlen, "%s: expected unix:PATH or tcp:HOST:PORT", addr);
	return -1;
sys:
	snprintf(err, errlen, "%s: %s", addr, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int anpr_alert_connect(const char *addr, const char *run, unsigned long seq, char *err, size_t errlen)
{
	int fd = open_addr(addr, 0, err, errlen);
	char req[64];
	int n;

	if (fd < 0 || !run)
		return fd;
	n = *run ? snprintf(req, sizeof(req), "resume %.16s %lu\n", run, seq) : snprintf(req, sizeof(req), "subscribe\n");
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
		snprintf(err, errlen, "%s: %s", addr, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int anpr_alert_line_seq(const char *line, size_t len, char *run, unsigned long *seq)
{
	const char *r = NULL, *q = NULL;
	size_t head = len < 96 ? len : 96; /* both lead the line */

	for (size_t i = 0; i + 7 <= head; i++) {
		if (!r && !memcmp(line + i, "\"run\":\"", 7))
			r = line + i + 7;
		if (!q && i + 6 <= head && !memcmp(line + i, "\"seq\":", 6))
			q = line + i + 6;
	}
	if (!r || !q || r + ANPR_ALERT_RUN > line + len || r[ANPR_ALERT_RUN - 1] != '"' || q >= line + len ||
	    *q < '1' || *q > '9')
		return 0;
	memcpy(run, r, ANPR_ALERT_RUN - 1);
	run[ANPR_ALERT_RUN - 1] = 0;
	*seq = 0;
	for (; q < line + len && *q >= '0' && *q <= '9'; q++)
		*seq = *seq * 10 + (unsigned long)(*q - '0');
	return 1;
}

/* ---- the server ---- */

enum sub_state {
	SUB_NEW,  /* connected, may still ask to resume (GRACE_MS) */
	SUB_FEED, /* gets the ring from its cursor on */
};

struct subscriber {
	int fd;
	enum sub_state state;
	double since;       /* CLOCK_MONOTONIC seconds it connected */
	unsigned long next; /* seq of the next alert it is to get */
	char *q;            /* bytes not yet written: whole lines */
	size_t qlen, qcap;
	char req[64];       /* what it has sent: at most one request line */
	size_t reqlen;
};

struct kept {
	unsigned long seq;
	char *line;
	size_t len;
};

struct anpr_alert_server {
	int lfd, wake[2];
	char *unix_path;
	pthread_t thread;
	pthread_mutex_t mu;
	struct subscriber sub[MAX_SUBSCRIBERS];
	int nsub, stop;
	void (*report)(void *ctx, const char *msg);
	void *ctx;
	/* the latest alerts, oldest first from keep[first] (a ring) */
	char run[ANPR_ALERT_RUN];
	unsigned long last;  /* the last alert's seq (0: none yet) */
	struct kept keep[ANPR_ALERT_KEEP];
	int first, nkeep;
	size_t kept_bytes;
};

static void say(anpr_alert_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(anpr_alert_server *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!s->report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->report(s->ctx, msg);
}

static void drop(anpr_alert_server *s, int i, const char *why)
{
	close(s->sub[i].fd);
	free(s->sub[i].q);
	say(s, "alert subscriber %d gone (%s); %d left", s->sub[i].fd, why, s->nsub - 1);
	s->sub[i] = s->sub[--s->nsub];
}

/* Take in waiting subscribers (mutex held): they start after the last
 * alert, unless they ask to resume within GRACE_MS. */
static void accept_all(anpr_alert_server *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct subscriber *c;

		if (fd < 0)
			return;
		if (s->nsub == MAX_SUBSCRIBERS) {
			say(s, "alert subscriber refused: already %d", MAX_SUBSCRIBERS);
			close(fd);
			continue;
		}
		c = &s->sub[s->nsub++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->state = SUB_NEW;
		c->since = clock_s(CLOCK_MONOTONIC);
		c->next = s->last + 1;
		say(s, "alert subscriber %d connected (%d in all)", fd, s->nsub);
	}
}

/* Write what subscriber i has queued (mutex held); 0, or -1 if dropped. */
static int flush(anpr_alert_server *s, int i)
{
	struct subscriber *c = &s->sub[i];
	size_t done = 0;

	while (done < c->qlen) {
		ssize_t n = send(c->fd, c->q + done, c->qlen - done, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			drop(s, i, n < 0 ? strerror(errno) : "closed");
			return -1;
		}
		done += (size_t)n;
	}
	memmove(c->q, c->q + done, c->qlen - done);
	c->qlen -= done;
	return 0;
}

/* Append line to subscriber i's queue (mutex held); 0, or -1 if dropped. */
static int queue(anpr_alert_server *s, int i, const char *line, size_t len)
{
	struct subscriber *c = &s->sub[i];

	if (c->qlen + len > c->qcap) {
		size_t cap = c->qcap ? c->qcap : 4096;
		char *q;

		while (cap < c->qlen + len)
			cap *= 2;
		q = realloc(c->q, cap);
		if (!q) {
			drop(s, i, "out of memory");
			return -1;
		}
		c->q = q;
		c->qcap = cap;
	}
	memcpy(c->q + c->qlen, line, len);
	c->qlen += len;
	return 0;
}

/* The kept alert with the lowest seq >= seq (mutex held; seqs rise along
 * the ring), or NULL. */
static const struct kept *kept_from(const anpr_alert_server *s, unsigned long seq)
{
	int lo = 0, hi = s->nkeep;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (s->keep[(s->first + mid) % ANPR_ALERT_KEEP].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nkeep ? &s->keep[(s->first + lo) % ANPR_ALERT_KEEP] : NULL;
}

/* Top subscriber i's queue up from the ring, from its cursor, and write
 * what the socket takes (mutex held); 0, or -1 if it was dropped. Alerts
 * between its cursor and the next kept one (no longer kept) are named in
 * a gap line. */
static int feed(anpr_alert_server *s, int i)
{
	struct subscriber *c = &s->sub[i];
	const struct kept *e;

	if (c->state != SUB_FEED)
		return 0;
again:
	while (c->qlen < QUEUE_FILL && c->next <= s->last && (e = kept_from(s, c->next))) {
		if (e->seq > c->next) {
			char gap[160];
			int n = snprintf(gap, sizeof(gap), "{\"alert\":\"gap\",\"run\":\"%s\",\"from\":%lu,\"to\":%lu}\n",
					 s->run, c->next, e->seq - 1);

			say(s, "alert subscriber %d missed alerts %lu to %lu (no longer kept)", c->fd, c->next, e->seq - 1);
			c->next = e->seq;
			if (queue(s, i, gap, (size_t)n))
				return -1;
		}
		if (queue(s, i, e->line, e->len))
			return -1;
		c->next = e->seq + 1;
	}
	if (!c->qlen)
		return 0;
	if (flush(s, i))
		return -1;
	if (!c->qlen && c->next <= s->last) /* the socket took it all: more */
		goto again;
	return 0;
}

/* Subscriber i is no longer new: it starts from its cursor (mutex held). */
static int start(anpr_alert_server *s, int i)
{
	s->sub[i].state = SUB_FEED;
	return feed(s, i);
}

/* Subscriber i has something to read: its one request line, or noise, or
 * the end (mutex held). 0, or -1 if it was dropped. Requests:
 * "subscribe" (from now) and "resume RUN SEQ" (after that alert); each is
 * answered with a line saying where the subscriber's alerts start. */
static int hear(anpr_alert_server *s, int i)
{
	struct subscriber *c = &s->sub[i];
	char buf[256], run[ANPR_ALERT_RUN], reply[160];
	unsigned long seq;
	ssize_t r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	char *nl;
	int n;

	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		drop(s, i, "disconnected");
		return -1;
	}
	if (r <= 0 || c->state != SUB_NEW)
		return 0; /* after its request, what it says is ignored */
	if ((size_t)r > sizeof(c->req) - 1 - c->reqlen)
		r = (ssize_t)(sizeof(c->req) - 1 - c->reqlen);
	memcpy(c->req + c->reqlen, buf, (size_t)r);
	c->reqlen += (size_t)r;
	c->req[c->reqlen] = 0;
	nl = strchr(c->req, '\n');
	if (!nl && c->reqlen < sizeof(c->req) - 1)
		return 0; /* the rest of the line is to come */
	if (nl && sscanf(c->req, "resume %16[0-9a-f-] %lu", run, &seq) == 2 &&
	    (strlen(run) == ANPR_ALERT_RUN - 1 || !strcmp(run, "-"))) {
		/* another run's subscriber has had none of this run's ("-":
		 * before any run: one told so when it subscribed) */
		c->next = !strcmp(run, s->run) ? (seq < s->last ? seq + 1 : s->last + 1) : 1;
		say(s, "alert subscriber %d resumes after %s #%lu", c->fd, run, seq);
	} else if (nl && !strncmp(c->req, "subscribe", 9) && (c->req[9] == '\n' || c->req[9] == '\r')) {
		; /* from its connection on */
	} else {
		say(s, "alert subscriber %d: ignored what it sent (expected \"subscribe\" or \"resume RUN SEQ\")", c->fd);
		return start(s, i);
	}
	n = snprintf(reply, sizeof(reply), "{\"alert\":\"subscribed\",\"run\":\"%s\",\"after\":%lu}\n", s->run,
		     c->next - 1);
	if (queue(s, i, reply, (size_t)n))
		return -1;
	return start(s, i);
}

/* Keep alert seq (mutex held); the oldest go past ANPR_ALERT_KEEP lines or
 * ANPR_ALERT_KEEP_BYTES. Returns 0, or -1 (no memory: not kept). */
static int keep(anpr_alert_server *s, const char *run, unsigned long seq, const char *line, size_t len)
{
	char *copy = malloc(len);
	struct kept *e;

	if (!copy)
		return -1;
	if (strcmp(run, s->run)) { /* a new run: the old one's alerts go */
		while (s->nkeep) {
			free(s->keep[s->first].line);
			s->first = (s->first + 1) % ANPR_ALERT_KEEP;
			s->nkeep--;
		}
		s->kept_bytes = 0;
		snprintf(s->run, sizeof(s->run), "%s", run);
		for (int i = 0; i < s->nsub; i++)
			s->sub[i].next = seq;
	}
	while (s->nkeep && (s->nkeep == ANPR_ALERT_KEEP || s->kept_bytes + len > ANPR_ALERT_KEEP_BYTES)) {
		s->kept_bytes -= s->keep[s->first].len;
		free(s->keep[s->first].line);
		s->first = (s->first + 1) % ANPR_ALERT_KEEP;
		s->nkeep--;
	}
	memcpy(copy, line, len);
	e = &s->keep[(s->first + s->nkeep++) % ANPR_ALERT_KEEP];
	*e = (struct kept){seq, copy, len};
	s->kept_bytes += len;
	s->last = seq;
	return 0;
}

/* Milliseconds until the first new subscriber's grace ends (mutex held),
 * or -1: none. New subscribers whose grace has ended start. */
static int graces(anpr_alert_server *s)
{
	double now = clock_s(CLOCK_MONOTONIC);
	int wait = -1;

	for (int i = 0; i < s->nsub; i++) {
		double left = s->sub[i].since + GRACE_MS / 1e3 - now;

		if (s->sub[i].state != SUB_NEW)
			continue;
		if (left <= 0) {
			if (start(s, i))
				i--;
			continue;
		}
		if (wait < 0 || left * 1e3 + 1 < wait)
			wait = (int)(left * 1e3) + 1;
	}
	return wait;
}

static void *server_main(void *arg)
{
	anpr_alert_server *s = arg;

	for (;;) {
		struct pollfd pf[MAX_SUBSCRIBERS + 2];
		int n = 0, timeout;

		pthread_mutex_lock(&s->mu);
		if (s->stop) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		timeout = graces(s);
		pf[n++] = (struct pollfd){s->wake[0], POLLIN, 0};
		pf[n++] = (struct pollfd){s->lfd, POLLIN, 0};
		for (int i = 0; i < s->nsub; i++)
			pf[n++] = (struct pollfd){s->sub[i].fd, (short)(POLLIN | (s->sub[i].qlen ? POLLOUT : 0)), 0};
		pthread_mutex_unlock(&s->mu);
		if (poll(pf, (nfds_t)n, timeout < 0 || timeout > 1000 ? 1000 : timeout) < 0 && errno != EINTR)
			return NULL;
		if (pf[0].revents) {
			char buf[64];

			while (read(s->wake[0], buf, sizeof(buf)) > 0)
				;
		}
		pthread_mutex_lock(&s->mu);
		if (pf[1].revents)
			accept_all(s);
		/* subscribers by fd: the list may have changed while polling */
		for (int k = 2; k < n; k++) {
			int i;

			for (i = 0; i < s->nsub && s->sub[i].fd != pf[k].fd; i++)
				;
			if (i == s->nsub || !pf[k].revents)
				continue;
			if ((pf[k].revents & POLLIN) && hear(s, i))
				continue;
			if (pf[k].revents & (POLLERR | POLLHUP)) {
				drop(s, i, "hung up");
				continue;
			}
			if ((pf[k].revents & POLLOUT) && !flush(s, i))
				feed(s, i);
		}
		pthread_mutex_unlock(&s->mu);
	}
}

int anpr_alert_server_open(anpr_alert_server **out, const char *addr, void (*report)(void *ctx, const char *msg),
			   void *ctx, char *err, size_t errlen)
{
	anpr_alert_server *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return ANPR_ERR_NOMEM;
	s->report = report;
	s->ctx = ctx;
	s->lfd = open_addr(addr, 1, err, errlen);
	if (s->lfd < 0) {
		free(s);
		return ANPR_ERR_IO;
	}
	if (!strncmp(addr, "unix:", 5))
		s->unix_path = strdup(addr + 5);
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK)) {
		snprintf(err, errlen, "%s: %s", addr, strerror(errno));
		close(s->lfd);
		free(s->unix_path);
		free(s);
		return ANPR_ERR_IO;
	}
	fcntl(s->lfd, F_SETFL, fcntl(s->lfd, F_GETFL) | O_NONBLOCK);
	pthread_mutex_init(&s->mu, NULL);
	if (pthread_create(&s->thread, NULL, server_main, s)) {
		snprintf(err, errlen, "%s: no thread", addr);
		close(s->lfd);
		close(s->wake[0]);
		close(s->wake[1]);
		free(s->unix_path);
		free(s);
		return ANPR_ERR_NOMEM;
	}
	*out = s;
	return ANPR_OK;
}

int anpr_alert_server_post(anpr_alert_server *s, const char *run, unsigned long seq, const char *line, size_t len)
{
	int pending = 0, n;

	pthread_mutex_lock(&s->mu);
	accept_all(s);
	if (keep(s, run, seq, line, len))
		say(s, "alert %lu: out of memory, not sent", seq);
	for (int i = 0; i < s->nsub; i++) {
		if (feed(s, i)) {
			i--;
			continue;
		}
		pending |= s->sub[i].qlen > 0 || s->sub[i].state == SUB_NEW;
	}
	n = s->nsub;
	pthread_mutex_unlock(&s->mu);
	if (pending) /* the thread writes the rest when the sockets drain */
		(void)!write(s->wake[1], "", 1);
	return n;
}

int anpr_alert_server_subscribers(anpr_alert_server *s)
{
	int n;

	pthread_mutex_lock(&s->mu);
	accept_all(s);
	n = s->nsub;
	pthread_mutex_unlock(&s->mu);
	return n;
}

void anpr_alert_server_close(anpr_alert_server *s, int timeout_ms)
{
	if (!s)
		return;
	for (int waited = 0; waited < timeout_ms; waited += 10) {
		int pending = 0;
		struct timespec ts = {0, 10000000L};

		pthread_mutex_lock(&s->mu);
		for (int i = 0; i < s->nsub; i++)
			pending |= s->sub[i].qlen > 0 || (s->sub[i].state == SUB_FEED && s->sub[i].next <= s->last);
		pthread_mutex_unlock(&s->mu);
		if (!pending)
			break;
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_mutex_unlock(&s->mu);
	(void)!write(s->wake[1], "", 1);
	pthread_join(s->thread, NULL);
	for (int i = 0; i < s->nsub; i++) {
		close(s->sub[i].fd);
		free(s->sub[i].q);
	}
	for (int k = 0; k < s->nkeep; k++)
		free(s->keep[(s->first + k) % ANPR_ALERT_KEEP].line);
	close(s->lfd);
	close(s->wake[0]);
	close(s->wake[1]);
	if (s->unix_path)
		unlink(s->unix_path);
	free(s->unix_path);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
