/*
 * anpr/alert.h - alerts: a read that hit a hotlist, as one JSON line, and
 * a local socket that control-room clients subscribe to.
 *
 * An alert carries the capture record's reference, the VRM read (with its
 * confidence and box), the list entry and the rule that matched, the
 * camera, the capture time and the plate patch (a PNG, base64). The line
 * format is in docs/hotlists.md.
 *
 * The alert server listens on a Unix socket ("unix:PATH") or TCP
 * ("tcp:HOST:PORT"). A post never blocks the reader: what a subscriber
 * cannot take at once is written by the server's thread as its socket
 * drains.
 *
 * Alerts are numbered (seq, from 1) within a run of the program (run, an
 * id drawn at start). The server keeps the latest (ANPR_ALERT_KEEP lines,
 * at most ANPR_ALERT_KEEP_BYTES) and sends each subscriber every alert in
 * order from its place, none twice; a "gap" line names any it can no
 * longer have. A subscriber may send one request when it connects:
 * "subscribe\n" (from now) or "resume RUN SEQ\n" (after that alert), and
 * is answered {"alert":"subscribed","run":RUN,"after":SEQ} saying where it
 * starts (RUN "" before the first alert; resume then with RUN "-"). One that sends nothing gets the alerts raised from its
 * connection on, from 100 ms after it (its time to ask).
 */
#ifndef ANPR_ALERT_H
#define ANPR_ALERT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "anpr/hotlist.h"
#include "anpr/read.h"

#define ANPR_ALERT_KEEP 4096
#define ANPR_ALERT_KEEP_BYTES (16u << 20)
#define ANPR_ALERT_RUN 17 /* bytes of a run id: 16 hex digits and a NUL */

struct anpr_alert {
	const char *run;      /* the program run's id */
	unsigned long seq;    /* the alert's number in the run, from 1 */
	const char *camera;
	const char *capture;  /* the capture record's reference */
	double time;          /* capture time, seconds since 1970 UTC */
	const char *file;     /* the frame's file, or NULL */
	const struct anpr_plate_read *plate;
	const struct anpr_hot_hit *hit;
	const uint8_t *patch; /* the plate patch, gray (NULL: none) */
	unsigned patch_w, patch_h;
	size_t patch_stride;
};

/* The alert as one JSON line ending in a newline, in *line (malloc'd, the
 * caller frees) of *len bytes. Returns ANPR_OK or ANPR_ERR_NOMEM. */
int anpr_alert_json(const struct anpr_alert *a, char **line, size_t *len);

/* "2026-11-24T10:15:00.123Z" for t seconds since 1970 (out: 32 bytes). */
void anpr_alert_time(double t, char *out);

typedef struct anpr_alert_server anpr_alert_server;

/*
 * The alerter of one camera: checks each plate read against a hotlist set
 * and raises an alert per hit at once (anpr_alerter_plate is the on_plate
 * callback of anpr_read_frame_each), unless the same list entry was
 * alerted on this camera within the hold-off (the same vehicle in the
 * next frames). Alerts go to out (a line each, flushed) and the server.
 */
#define ANPR_ALERT_HOLDOFF_SLOTS 256

struct anpr_alerter {
	const char *camera;
	double holdoff;            /* seconds; default 60 */
	FILE *out;                 /* alert lines, or NULL */
	anpr_alert_server *server; /* or NULL */
	/* the frame being read (anpr_alerter_frame) */
	const anpr_hotset *set;
	const char *file;
	double time;               /* its capture time, seconds since 1970 */
	int32_t today;
	unsigned long frame;       /* frames so far */
	int plate;                 /* plates read so far in the frame */
	const uint8_t *px;         /* the frame, for the plate patch */
	unsigned w, h;
	struct {
		char key[96];
		double t;
	} recent[ANPR_ALERT_HOLDOFF_SLOTS];
	int nrecent;
	unsigned long alerts;      /* raised in all: the last one's seq */
	char run[ANPR_ALERT_RUN];  /* this run's id */
	double first_sent;         /* CLOCK_MONOTONIC seconds when the frame's first alert had been sent (0: none) */
};

void anpr_alerter_init(struct anpr_alerter *al, const char *camera, FILE *out);

/* A new frame (captured now): the set to check against (NULL: none), its
 * file name (or NULL) and pixels. */
void anpr_alerter_frame(struct anpr_alerter *al, const anpr_hotset *set, const char *file, const uint8_t *px,
			unsigned w, unsigned h);

/* Check one plate and raise its alerts (ctx: the alerter). */
void anpr_alerter_plate(void *ctx, const struct anpr_plate_read *pl);

/* Listen on addr ("unix:PATH" or "tcp:HOST:PORT"). report, if not NULL,
 * gets one line per subscriber that comes or goes. Returns ANPR_OK, or
 * ANPR_ERR_ARG / ANPR_ERR_IO with the reason in err. */
int anpr_alert_server_open(anpr_alert_server **out, const char *addr, void (*report)(void *ctx, const char *msg),
			   void *ctx, char *err, size_t errlen);

/* Post alert seq of run (seqs rise by one): it is kept, and sent to every
 * subscriber (taking in any waiting to connect first, so none misses it)
 * as far as its socket takes it at once; the server's thread writes the
 * rest. Never blocks on a subscriber. Returns the number of subscribers. */
int anpr_alert_server_post(anpr_alert_server *s, const char *run, unsigned long seq, const char *line, size_t len);

/* Subscribers connected now. */
int anpr_alert_server_subscribers(anpr_alert_server *s);

/* Flush what is queued (waiting at most timeout_ms), then close. */
void anpr_alert_server_close(anpr_alert_server *s, int timeout_ms);

/* Connect to a server as a subscriber: a socket to read lines from, or -1
 * with the reason in err. run NULL: no request (alerts from now on); run
 * "": "subscribe"; otherwise resume after alert seq of run. */
int anpr_alert_connect(const char *addr, const char *run, unsigned long seq, char *err, size_t errlen);

/* The run and seq of an alert line (run: ANPR_ALERT_RUN bytes); 0 if it
 * has none. */
int anpr_alert_line_seq(const char *line, size_t len, char *run, unsigned long *seq);

#endif /* ANPR_ALERT_H */
