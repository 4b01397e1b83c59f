/*
 * hotlive.c - live hotlists: whole sets swapped in while lookups go on
 * (anpr/hotlist.h).
 *
 * The set in force is a pointer under a mutex with a count of its users.
 * acquire and release hold the mutex for a few instructions; a reload
 * builds the new set without it, swaps the pointer under it, then waits
 * (on a condition variable, releasing the mutex) until the old set has no
 * users before freeing it. So a lookup sees either the old set or the new
 * one, whole, and never waits for a load.
 */
#define _GNU_SOURCE /* syscall */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <time.h>

#include "anpr/anpr.h"
#include "anpr/hotlist.h"

struct file_sig {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int exists;
};

struct anpr_hotlive {
	pthread_mutex_t mu;
	pthread_cond_t drained;
	anpr_hotset *cur, *old;           /* in force; being retired by a reload */
	unsigned long users, old_users;  /* of each */
	unsigned long generation;
	pthread_mutex_t reload_mu; /* one reload at a time */
	struct anpr_hot_source src[ANPR_HOT_MAX_LISTS];
	char *paths[ANPR_HOT_MAX_LISTS];
	int n;
	struct anpr_hot_opts opts;
	char *lookalike;
	/* the watcher */
	pthread_t thread;
	int watching, stop, interval_ms, sighup;
	struct file_sig loaded[ANPR_HOT_MAX_LISTS];
};

static void sig_of(const char *path, struct file_sig *f)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	if (stat(path, &st))
		return;
	f->exists = 1;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
}

static int same_sig(const struct file_sig *a, const struct file_sig *b)
{
	return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void note(const anpr_hotlive *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(const anpr_hotlive *l, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!l->opts.report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->opts.report(l->opts.ctx, msg);
}

int anpr_hotlive_open(anpr_hotlive **out, const struct anpr_hot_source *src, int n, const struct anpr_hot_opts *o,
		      struct anpr_hot_stats *st)
{
	anpr_hotlive *l;
	int rc;

	*out = NULL;
	if (n < 0 || n > ANPR_HOT_MAX_LISTS)
		return ANPR_ERR_ARG;
	l = calloc(1, sizeof(*l));
	if (!l)
		return ANPR_ERR_NOMEM;
	pthread_mutex_init(&l->mu, NULL);
	pthread_mutex_init(&l->reload_mu, NULL);
	pthread_cond_init(&l->drained, NULL);
	l->opts = *o;
	l->n = n;
	if (o->lookalike && !(l->lookalike = strdup(o->lookalike))) {
		anpr_hotlive_close(l);
		return ANPR_ERR_NOMEM;
	}
	l->opts.lookalike = l->lookalike;
	for (int i = 0; i < n; i++) {
		l->src[i] = src[i];
		l->paths[i] = strdup(src[i].path);
		if (!l->paths[i]) {
			anpr_hotlive_close(l);
			return ANPR_ERR_NOMEM;
		}
		l->src[i].path = l->paths[i];
		sig_of(l->paths[i], &l->loaded[i]);
	}
	rc = anpr_hotset_load(l->src, n, &l->opts, &l->cur, st);
	if (rc) {
		anpr_hotlive_close(l);
		return rc;
	}
	l->generation = 1;
	*out = l;
	return ANPR_OK;
}

const anpr_hotset *anpr_hotlive_acquire(anpr_hotlive *l)
{
	const anpr_hotset *s;

	pthread_mutex_lock(&l->mu);
	s = l->cur;
	l->users++;
	pthread_mutex_unlock(&l->mu);
	return s;
}

void anpr_hotlive_release(anpr_hotlive *l, const anpr_hotset *s)
{
	pthread_mutex_lock(&l->mu);
	if (s == l->cur)
		l->users--;
	else if (!--l->old_users)
		pthread_cond_broadcast(&l->drained);
	pthread_mutex_unlock(&l->mu);
}

/* A load on a thread of its own in the idle scheduling class (the
 * threads it starts inherit it): it takes no lock a reader takes, so
 * however long it waits for the CPU, no reader waits for it. */
struct load_job {
	const anpr_hotlive *l;
	struct anpr_hot_opts o;
	anpr_hotset *s;
	struct anpr_hot_stats *st;
	int rc;
};

static void *load_main(void *arg)
{
	struct load_job *j = arg;

	anpr_hotlive_background();
	j->rc = anpr_hotset_load(j->l->src, j->l->n, &j->o, &j->s, j->st);
	return NULL;
}

int anpr_hotlive_reload(anpr_hotlive *l, struct anpr_hot_stats *st)
{
	struct anpr_hot_stats local;
	struct file_sig sig[ANPR_HOT_MAX_LISTS];
	anpr_hotset *s, *old;
	int rc;

	pthread_mutex_lock(&l->reload_mu);
	for (int i = 0; i < l->n; i++)
		sig_of(l->paths[i], &sig[i]);
	{
		/* a reload shares the machine with the readers: by default it
		 * leaves them a core (one thread on two cores, two on more) */
		struct load_job j = {l, l->opts, NULL, st ? st : &local, 0};
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		pthread_t th;

		if (j.o.threads <= 0)
			j.o.threads = cpus > 2 ? 2 : 1;
		if (!pthread_create(&th, NULL, load_main, &j))
			pthread_join(th, NULL);
		else /* no thread to spare: load here */
			j.rc = anpr_hotset_load(l->src, l->n, &j.o, &j.s, j.st);
		rc = j.rc;
		s = j.s;
	}
	if (rc) {
		pthread_mutex_unlock(&l->reload_mu);
		return rc;
	}
	memcpy(l->loaded, sig, sizeof(sig[0]) * (size_t)l->n);
	pthread_mutex_lock(&l->mu);
	old = l->old = l->cur;
	l->old_users = l->users;
	l->cur = s;
	l->users = 0;
	l->generation++;
	/* users since the swap hold the new set; wait out those of the old */
	while (l->old_users)
		pthread_cond_wait(&l->drained, &l->mu);
	l->old = NULL;
	pthread_mutex_unlock(&l->mu);
	anpr_hotset_free(old);
	pthread_mutex_unlock(&l->reload_mu);
	return ANPR_OK;
}

unsigned long anpr_hotlive_generation(anpr_hotlive *l)
{
	unsigned long g;

	pthread_mutex_lock(&l->mu);
	g = l->generation;
	pthread_mutex_unlock(&l->mu);
	return g;
}

static void reload_and_report(anpr_hotlive *l, const char *why)
{
	struct anpr_hot_stats st;
	int rc = anpr_hotlive_reload(l, &st);

	if (rc)
		note(l, "hotlist reload (%s) failed: the lists in force are unchanged", why);
	else
		note(l, "hotlists reloaded (%s): %ld entries in %d list(s), %ld bad row(s), %ld duplicate(s), "
			"%ld expired, %.0f ms",
		     why, st.entries, st.nlists, st.bad, st.duplicates, st.expired, st.load_ms);
}

static void *watch_main(void *arg)
{
	anpr_hotlive *l = arg;
	struct file_sig seen[ANPR_HOT_MAX_LISTS];
	int pending = 0;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	memcpy(seen, l->loaded, sizeof(seen));
	for (;;) {
		int step = l->interval_ms > 0 ? l->interval_ms : 200, got = 0;
		struct timespec ts = {step / 1000, (long)(step % 1000) * 1000000L};
		int changed = 0, stable = 1;

		if (l->sighup) {
			got = sigtimedwait(&set, NULL, &ts) == SIGHUP;
		} else {
			nanosleep(&ts, NULL);
		}
		pthread_mutex_lock(&l->mu);
		if (l->stop) {
			pthread_mutex_unlock(&l->mu);
			return NULL;
		}
		pthread_mutex_unlock(&l->mu);
		if (got) {
			reload_and_report(l, "SIGHUP");
			memcpy(seen, l->loaded, sizeof(seen));
			pending = 0;
			continue;
		}
		if (l->interval_ms <= 0)
			continue;
		/* a change is loaded once it has held still for one poll */
		for (int i = 0; i < l->n; i++) {
			struct file_sig now;

			sig_of(l->paths[i], &now);
			changed |= !same_sig(&now, &l->loaded[i]);
			stable &= same_sig(&now, &seen[i]);
			seen[i] = now;
		}
		if (changed && stable && pending) {
			reload_and_report(l, "a list file changed");
			memcpy(seen, l->loaded, sizeof(seen));
			pending = 0;
		} else {
			pending = changed;
		}
	}
}

void anpr_hotlive_background(void)
{
	/* Linux: SCHED_IDLE runs the thread only on time no other thread
	 * wants (it is preempted at once when one does), so a reload never
	 * holds up reading; it still makes progress on a saturated machine,
	 * slowly. Where that is refused, the lowest nice value (a thread's
	 * own on Linux: setpriority on its id). */
#ifdef SCHED_IDLE
	struct sched_param none = {0};

	if (!pthread_setschedparam(pthread_self(), SCHED_IDLE, &none))
		return;
#endif
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
}

int anpr_hotlive_block_sighup(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	return pthread_sigmask(SIG_BLOCK, &set, NULL) ? ANPR_ERR_ARG : ANPR_OK;
}

int anpr_hotlive_watch(anpr_hotlive *l, int interval_ms, int sighup)
{
	if (l->watching)
		return ANPR_ERR_ARG;
	l->interval_ms = interval_ms;
	l->sighup = sighup;
	if (pthread_create(&l->thread, NULL, watch_main, l))
		return ANPR_ERR_NOMEM;
	l->watching = 1;
	return ANPR_OK;
}

void anpr_hotlive_close(anpr_hotlive *l)
{
	if (!l)
		return;
	if (l->watching) {
		pthread_mutex_lock(&l->mu);
		l->stop = 1;
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thread, NULL);
	}
	anpr_hotset_free(l->cur);
	for (int i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->lookalike);
	pthread_mutex_destroy(&l->mu);
	pthread_mutex_destroy(&l->reload_mu);
	pthread_cond_destroy(&l->drained);
	free(l);
}
