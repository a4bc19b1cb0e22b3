/* Tests of the daemon's event loop set-up: timers count from the clock. */
#include <check.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon.h"

static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct probe {
	struct event *second, *wake;
	int fds[2];
	double added, fired;
};

static void
second_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe *p = arg;

	p->fired = mono_s();
}

static void
wake_cb(evutil_socket_t fd, short what, void *arg)
{
	char b;

	(void)!read(fd, &b, 1);
}

/*
 * A long callback (a big parse), then a 200 ms timeout set at its end (a
 * control client accepted right after it), while input keeps the loop busy
 * at once (other clients, transfers).
 */
static void
first_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe *p = arg;
	struct timeval tv = { 0, 200000 };
	struct timespec busy = { 0, 400000000 };

	nanosleep(&busy, NULL);
	p->added = mono_s();
	evtimer_add(p->second, &tv);
	/* a byte arrives: the loop's next wait returns at once */
	(void)!write(p->fds[1], "x", 1);
}

START_TEST(test_timeout_after_long_callback)
{
	struct event_base *base = daemon_loop_new();
	struct timeval now = { 0, 0 };
	struct probe p = { 0 };
	struct event *first;

	ck_assert_ptr_nonnull(base);
	first = evtimer_new(base, first_cb, &p);
	p.second = evtimer_new(base, second_cb, &p);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, p.fds), 0);
	p.wake = event_new(base, p.fds[0], EV_READ, wake_cb, &p);
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_nonnull(p.second);
	ck_assert_ptr_nonnull(p.wake);
	event_add(p.wake, NULL);
	evtimer_add(first, &now);
	ck_assert_int_eq(event_base_dispatch(base), 1);
	ck_assert(p.fired > 0);
	/* a cached "now" from before the 400 ms callback would fire it at
	 * once; a slow machine may only make it later */
	ck_assert_msg(p.fired - p.added >= 0.19,
	    "a 200 ms timeout set after a 400 ms callback fired after %.0f ms",
	    (p.fired - p.added) * 1000);
	event_free(first);
	event_free(p.second);
	event_free(p.wake);
	close(p.fds[0]);
	close(p.fds[1]);
	event_base_free(base);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("loop");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_timeout_after_long_callback);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
