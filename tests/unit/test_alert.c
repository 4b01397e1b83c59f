/*
 * test_alert.c - the alert server's subscribers: live alerts, and a
 * subscriber that comes back after a lost connection getting what it
 * missed ("resume RUN SEQ"), with a gap line when some of it is no longer
 * kept; never twice, whatever the timing.
 */
#define _GNU_SOURCE /* mkdtemp */
#include <CUnit/CUnit.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anpr/alert.h"
#include "anpr/anpr.h"
#include "tests.h"

static const char run_a[] = "00000000000000aa", run_b[] = "00000000000000bb";
static char dir[64], addr[128];

/* Lines from the subscribers' sockets, read in blocks (by fd). */
static struct {
	char buf[65536];
	size_t pos, have;
} rb[256];

/* Connect as a subscriber (run: as anpr_alert_connect); the socket, or -1. */
static int dial(const char *run, unsigned long seq)
{
	char err[256];
	int fd = anpr_alert_connect(addr, run, seq, err, sizeof(err));

	if (fd >= (int)(sizeof(rb) / sizeof(rb[0]))) {
		close(fd);
		return -1;
	}
	if (fd >= 0)
		rb[fd].pos = rb[fd].have = 0;
	return fd;
}

/* One line from fd (without its newline) within 3 s; its length or -1. */
static int get_line(int fd, char *line, size_t cap)
{
	size_t n = 0;

	for (;;) {
		char c;

		if (rb[fd].pos == rb[fd].have) {
			struct pollfd p = {fd, POLLIN, 0};
			ssize_t r;

			if (poll(&p, 1, 3000) <= 0 || (r = read(fd, rb[fd].buf, sizeof(rb[fd].buf))) <= 0)
				return -1;
			rb[fd].pos = 0;
			rb[fd].have = (size_t)r;
		}
		c = rb[fd].buf[rb[fd].pos++];
		if (c == '\n') {
			line[n] = 0;
			return (int)n;
		}
		if (n + 1 < cap)
			line[n++] = c;
	}
}

/* Whether fd has nothing more to read within ms. */
static int quiet_for(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};

	return rb[fd].pos == rb[fd].have && poll(&p, 1, ms) == 0;
}

static int quiet(int fd)
{
	return quiet_for(fd, 200);
}

/* Post alert seq of run (a short line that says its run and seq). */
static void post(anpr_alert_server *s, const char *run, unsigned long seq)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "{\"alert\":\"hotlist\",\"run\":\"%s\",\"seq\":%lu,\"vrm\":\"AB12CDE\"}\n",
			 run, seq);

	anpr_alert_server_post(s, run, seq, line, (size_t)n);
}

/* The seq of the next line on fd, which must be an alert of run (0 if not). */
static unsigned long next_seq(int fd, const char *run)
{
	char line[256], r[ANPR_ALERT_RUN];
	unsigned long seq;
	int n = get_line(fd, line, sizeof(line));

	if (n < 0 || !anpr_alert_line_seq(line, (size_t)n, r, &seq) || strcmp(r, run))
		return 0;
	return seq;
}

/* Wait until the server has taken in n subscribers. */
static void wait_subscribers(anpr_alert_server *s, int n)
{
	for (int i = 0; i < 300 && anpr_alert_server_subscribers(s) != n; i++)
		usleep(10000);
	CU_ASSERT_EQUAL(anpr_alert_server_subscribers(s), n);
}

static int suite_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/anpr-alert-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(addr, sizeof(addr), "unix:%s/alerts.sock", dir);
	return 0;
}

static int suite_cleanup(void)
{
	return rmdir(dir);
}

static void test_line_seq(void)
{
	static const char good[] = "{\"alert\":\"hotlist\",\"run\":\"0123456789abcdef\",\"seq\":42,\"capture\":\"x\"}";
	static const char none[] = "{\"alert\":\"hotlist\",\"capture\":\"x\"}";
	static const char short_run[] = "{\"alert\":\"hotlist\",\"run\":\"0123\",\"seq\":42}";
	char run[ANPR_ALERT_RUN];
	unsigned long seq = 0;

	CU_ASSERT_TRUE(anpr_alert_line_seq(good, sizeof(good) - 1, run, &seq));
	CU_ASSERT_STRING_EQUAL(run, "0123456789abcdef");
	CU_ASSERT_EQUAL(seq, 42);
	CU_ASSERT_FALSE(anpr_alert_line_seq(none, sizeof(none) - 1, run, &seq));
	CU_ASSERT_FALSE(anpr_alert_line_seq(short_run, sizeof(short_run) - 1, run, &seq));
	CU_ASSERT_FALSE(anpr_alert_line_seq(good, 20, run, &seq)); /* cut off */
}

/* The reply to a request: where the subscriber's alerts start (-1: none). */
static long subscribed(int fd, const char *run)
{
	char line[256], r[ANPR_ALERT_RUN];
	unsigned long after;

	if (get_line(fd, line, sizeof(line)) < 0)
		return -1;
	if (sscanf(line, "{\"alert\":\"subscribed\",\"run\":\"\",\"after\":%lu}", &after) == 1)
		return run && *run ? -1 : (long)after; /* before the first alert */
	if (sscanf(line, "{\"alert\":\"subscribed\",\"run\":\"%16[0-9a-f]\",\"after\":%lu}", r, &after) != 2 ||
	    (run && strcmp(r, run)))
		return -1;
	return (long)after;
}

/*
 * A subscriber that sends nothing gets alerts from when it connected; one
 * that subscribes is told where it starts; one that resumes after seq gets
 * the kept alerts after it, then the live ones, none twice; one from
 * another run gets all that are kept; one that says something else still
 * gets the live ones.
 */
static void test_resume(void)
{
	anpr_alert_server *s;
	char err[256];
	int live, sub, back, other, noisy, early;

	CU_ASSERT_EQUAL_FATAL(anpr_alert_server_open(&s, addr, NULL, NULL, err, sizeof(err)), ANPR_OK);
	early = dial("", 0); /* before any alert */
	CU_ASSERT_FATAL(early >= 0);
	CU_ASSERT_EQUAL(subscribed(early, ""), 0);
	close(early);
	live = dial(NULL, 0);
	CU_ASSERT_FATAL(live >= 0);
	wait_subscribers(s, 1);
	for (unsigned long q = 1; q <= 3; q++)
		post(s, run_a, q);
	for (unsigned long q = 1; q <= 3; q++)
		CU_ASSERT_EQUAL(next_seq(live, run_a), q);
	/* the early one comes back: "-" (before any run) gets the run from 1 */
	early = dial("-", 0);
	CU_ASSERT_FATAL(early >= 0);
	CU_ASSERT_EQUAL(subscribed(early, run_a), 0);
	for (unsigned long q = 1; q <= 3; q++)
		CU_ASSERT_EQUAL(next_seq(early, run_a), q);
	close(early);

	sub = dial("", 0);
	CU_ASSERT_FATAL(sub >= 0);
	CU_ASSERT_EQUAL(subscribed(sub, run_a), 3);
	CU_ASSERT_TRUE(quiet(sub));

	back = dial(run_a, 1);
	CU_ASSERT_FATAL(back >= 0);
	CU_ASSERT_EQUAL(subscribed(back, run_a), 1);
	CU_ASSERT_EQUAL(next_seq(back, run_a), 2);
	CU_ASSERT_EQUAL(next_seq(back, run_a), 3);
	CU_ASSERT_TRUE(quiet(back));
	post(s, run_a, 4);
	CU_ASSERT_EQUAL(next_seq(back, run_a), 4);
	CU_ASSERT_EQUAL(next_seq(live, run_a), 4);
	CU_ASSERT_EQUAL(next_seq(sub, run_a), 4);
	CU_ASSERT_TRUE(quiet(back));

	other = dial(run_b, 9); /* before this run */
	CU_ASSERT_FATAL(other >= 0);
	CU_ASSERT_EQUAL(subscribed(other, run_a), 0);
	for (unsigned long q = 1; q <= 4; q++)
		CU_ASSERT_EQUAL(next_seq(other, run_a), q);
	CU_ASSERT_TRUE(quiet(other));

	noisy = dial(NULL, 0);
	CU_ASSERT_FATAL(noisy >= 0);
	CU_ASSERT_EQUAL(write(noisy, "hello\n", 6), 6);
	wait_subscribers(s, 5); /* live, sub, back, other, noisy */
	CU_ASSERT_TRUE(quiet(noisy));
	post(s, run_a, 5);
	CU_ASSERT_EQUAL(next_seq(noisy, run_a), 5);
	CU_ASSERT_EQUAL(next_seq(back, run_a), 5);
	close(live);
	close(sub);
	close(back);
	close(other);
	close(noisy);
	anpr_alert_server_close(s, 1000);
}

/*
 * Past ANPR_ALERT_KEEP alerts the oldest are forgotten: a subscriber that
 * resumes from before them first gets a gap line saying which it can no
 * longer have, then every kept one. Alerts raised while a subscriber is
 * reconnecting reach it once each, in order, whatever the timing.
 */
static void test_resume_gap_and_race(void)
{
	const unsigned long total = ANPR_ALERT_KEEP + 100;
	anpr_alert_server *s;
	char err[256], line[256];
	unsigned long want, bad = 0, q, seq;
	int fd, n, disorder = 0;

	CU_ASSERT_EQUAL_FATAL(anpr_alert_server_open(&s, addr, NULL, NULL, err, sizeof(err)), ANPR_OK);
	for (q = 1; q <= total; q++)
		post(s, run_a, q);
	fd = dial(run_a, 2);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(subscribed(fd, run_a), 2);
	n = get_line(fd, line, sizeof(line));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_STRING_EQUAL(line, "{\"alert\":\"gap\",\"run\":\"00000000000000aa\",\"from\":3,\"to\":100}");
	for (want = 101; want <= total && !bad; want++)
		bad += next_seq(fd, run_a) != want;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_TRUE(quiet(fd));
	close(fd);

	/* reconnect while alerts are raised: each time, every alert after the
	 * place it resumes from arrives once and in order */
	seq = total;
	for (int trial = 0; trial < 50; trial++) {
		unsigned long from = seq - (unsigned long)(trial % 5);

		fd = dial(run_a, from);
		CU_ASSERT_FATAL(fd >= 0);
		post(s, run_a, ++seq); /* before or after its request is read */
		if (subscribed(fd, run_a) != (long)from) {
			disorder++;
			close(fd);
			continue;
		}
		for (want = from + 1; want <= seq && !disorder; want++)
			disorder += next_seq(fd, run_a) != want;
		disorder += !quiet_for(fd, trial % 10 ? 5 : 200);
		close(fd);
	}
	CU_ASSERT_EQUAL(disorder, 0);
	anpr_alert_server_close(s, 1000);
}

/*
 * A subscriber that resumes from far back, or reads slowly, is fed as its
 * socket drains: it gets every kept alert (12 MB of them here), and is
 * never dropped for being slow; one that falls behind what is kept gets a
 * gap line and goes on from the oldest kept.
 */
static void test_slow_subscriber(void)
{
	static char big[10000];
	anpr_alert_server *s;
	char err[256], *line = malloc(sizeof(big) + 256), r[ANPR_ALERT_RUN];
	unsigned long seq, want = 1, bad = 0;
	int fd, n, gaps = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	memset(big, 'x', sizeof(big) - 1);
	CU_ASSERT_EQUAL_FATAL(anpr_alert_server_open(&s, addr, NULL, NULL, err, sizeof(err)), ANPR_OK);
	fd = dial("", 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(subscribed(fd, ""), 0); /* no run yet */
	/* 1,200 alerts of 10 KB before it reads a byte: far more than a socket holds */
	for (unsigned long q = 1; q <= 1200; q++) {
		int len = snprintf(line, sizeof(big) + 256, "{\"alert\":\"hotlist\",\"run\":\"%s\",\"seq\":%lu,\"x\":\"%s\"}\n",
				   run_a, q, big);

		anpr_alert_server_post(s, run_a, q, line, (size_t)len);
	}
	for (; want <= 1200; want++) {
		n = get_line(fd, line, sizeof(big) + 256);
		if (n < 0 || !anpr_alert_line_seq(line, (size_t)n, r, &seq) || seq != want) {
			bad++;
			break;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(anpr_alert_server_subscribers(s), 1);
	/* now it stops reading while 5,000 more are raised: it falls behind
	 * what is kept (16 MB: 1,600 of them), and is told so */
	for (unsigned long q = 1201; q <= 6200; q++) {
		int len = snprintf(line, sizeof(big) + 256, "{\"alert\":\"hotlist\",\"run\":\"%s\",\"seq\":%lu,\"x\":\"%s\"}\n",
				   run_a, q, big);

		anpr_alert_server_post(s, run_a, q, line, (size_t)len);
	}
	CU_ASSERT_EQUAL(anpr_alert_server_subscribers(s), 1);
	for (want = 1201; want <= 6200;) {
		n = get_line(fd, line, sizeof(big) + 256);
		if (n < 0)
			break;
		if (sscanf(line, "{\"alert\":\"gap\",\"run\":\"%16[0-9a-f]\",\"from\":%lu,\"to\":%lu}", r, &seq, &seq) == 3) {
			gaps++;
			want = seq + 1;
			continue;
		}
		if (!anpr_alert_line_seq(line, (size_t)n, r, &seq) || seq != want)
			break;
		want++;
	}
	CU_ASSERT_EQUAL(want, 6201); /* all of them, or a gap line for each it missed */
	CU_ASSERT_EQUAL(gaps, 1);
	CU_ASSERT_TRUE(quiet(fd));
	close(fd);
	free(line);
	anpr_alert_server_close(s, 1000);
}

int register_alert_suite(void)
{
	static CU_TestInfo tests[] = {
		{"alert lines: run and seq", test_line_seq},
		{"alert server: live and resuming subscribers", test_resume},
		{"alert server: a gap past what is kept; in order and once while reconnecting", test_resume_gap_and_race},
		{"alert server: slow and far-behind subscribers fed as they drain", test_slow_subscriber},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"alert", suite_init, suite_cleanup, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}
