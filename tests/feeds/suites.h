/* The Check suites of tests/feeds, run together by check_feeds.c. */
#ifndef SW_TESTS_FEEDS_SUITES_H
#define SW_TESTS_FEEDS_SUITES_H

#include <check.h>

Suite *date_suite(void);
Suite *hostile_suite(void);
Suite *stream_suite(void);
Suite *text_suite(void);

#endif
