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

/* One line from fd (without its newline) within 3 s; its length or -1. */
static int get_line(int fd, char *line, size_t cap)
{
	size_t n = 0;

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		char c;

		if (poll(&p, 1, 3000) <= 0 || read(fd, &c, 1) != 1)
			return -1;
		if (c == '\n') {
			line[n] = 0;
			return (int)n;
		}
		if (n + 1 < cap)
			line[n++] = c;
	}
}

/* Whether fd has nothing more to read within 200 ms. */
static int quiet(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	return poll(&p, 1, 200) == 0;
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
	for (int i = 0; i < 300 && anpr_alert_server_subscribers(s) < n; i++)
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

/*
 * A live subscriber gets alerts from when it connects; one that resumes
 * after seq gets the kept alerts after it, then the live ones, none twice;
 * one from another run gets all that are kept; one that says something
 * else still gets the live ones.
 */
static void test_resume(void)
{
	anpr_alert_server *s;
	char err[256], line[256];
	int live, back, other, noisy;

	CU_ASSERT_EQUAL_FATAL(anpr_alert_server_open(&s, addr, NULL, NULL, err, sizeof(err)), ANPR_OK);
	live = anpr_alert_connect(addr, NULL, 0, err, sizeof(err));
	CU_ASSERT_FATAL(live >= 0);
	wait_subscribers(s, 1);
	for (unsigned long q = 1; q <= 3; q++)
		post(s, run_a, q);
	for (unsigned long q = 1; q <= 3; q++)
		CU_ASSERT_EQUAL(next_seq(live, run_a), q);

	back = anpr_alert_connect(addr, run_a, 1, err, sizeof(err));
	CU_ASSERT_FATAL(back >= 0);
	CU_ASSERT_EQUAL(next_seq(back, run_a), 2);
	CU_ASSERT_EQUAL(next_seq(back, run_a), 3);
	CU_ASSERT_TRUE(quiet(back));
	post(s, run_a, 4);
	CU_ASSERT_EQUAL(next_seq(back, run_a), 4);
	CU_ASSERT_EQUAL(next_seq(live, run_a), 4);
	CU_ASSERT_TRUE(quiet(back));

	other = anpr_alert_connect(addr, run_b, 9, err, sizeof(err)); /* before this run */
	CU_ASSERT_FATAL(other >= 0);
	for (unsigned long q = 1; q <= 4; q++)
		CU_ASSERT_EQUAL(next_seq(other, run_a), q);
	CU_ASSERT_TRUE(quiet(other));

	noisy = anpr_alert_connect(addr, NULL, 0, err, sizeof(err));
	CU_ASSERT_FATAL(noisy >= 0);
	CU_ASSERT_EQUAL(write(noisy, "hello\n", 6), 6);
	wait_subscribers(s, 4);
	CU_ASSERT_TRUE(quiet(noisy));
	post(s, run_a, 5);
	CU_ASSERT_EQUAL(next_seq(noisy, run_a), 5);
	CU_ASSERT_EQUAL(next_seq(back, run_a), 5);
	(void)line;
	close(live);
	close(back);
	close(other);
	close(noisy);
	anpr_alert_server_close(s, 1000);
}

/*
 * Past ANPR_ALERT_KEEP alerts the oldest are forgotten: a subscriber that
 * resumes from before them first gets a gap line saying which it can no
 * longer have, then every kept one. An alert raised while a resuming
 * subscriber's request is still unread reaches it once.
 */
static void test_resume_gap_and_race(void)
{
	const unsigned long total = ANPR_ALERT_KEEP + 100;
	anpr_alert_server *s;
	char err[256], line[256];
	unsigned long want, got = 0, bad = 0, q;
	int fd, n, seen[8] = {0};

	CU_ASSERT_EQUAL_FATAL(anpr_alert_server_open(&s, addr, NULL, NULL, err, sizeof(err)), ANPR_OK);
	for (q = 1; q <= total; q++)
		post(s, run_a, q);
	fd = anpr_alert_connect(addr, run_a, 2, err, sizeof(err));
	CU_ASSERT_FATAL(fd >= 0);
	n = get_line(fd, line, sizeof(line));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_STRING_EQUAL(line, "{\"alert\":\"gap\",\"run\":\"00000000000000aa\",\"from\":3,\"to\":100}");
	for (want = 101; want <= total; want++) {
		q = next_seq(fd, run_a);
		got++;
		bad += q != want;
	}
	CU_ASSERT_EQUAL(got, ANPR_ALERT_KEEP);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_TRUE(quiet(fd));
	close(fd);

	/* the race: posting takes in the new subscriber before its request is read */
	fd = anpr_alert_connect(addr, run_a, total - 2, err, sizeof(err));
	CU_ASSERT_FATAL(fd >= 0);
	post(s, run_a, total + 1);
	for (int k = 0; k < 3; k++) {
		q = next_seq(fd, run_a);
		if (q >= total - 1 && q <= total + 1)
			seen[q - (total - 1)]++;
	}
	CU_ASSERT_EQUAL(seen[0], 1);
	CU_ASSERT_EQUAL(seen[1], 1);
	CU_ASSERT_EQUAL(seen[2], 1);
	CU_ASSERT_TRUE(quiet(fd));
	close(fd);
	anpr_alert_server_close(s, 1000);
}

int register_alert_suite(void)
{
	static CU_TestInfo tests[] = {
		{"alert lines: run and seq", test_line_seq},
		{"alert server: live and resuming subscribers", test_resume},
		{"alert server: a gap past what is kept; no alert twice", test_resume_gap_and_race},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"alert", suite_init, suite_cleanup, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}
