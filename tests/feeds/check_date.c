/* feed_date_parse on the date forms feeds actually carry. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "feed_date.h"
#include "suites.h"

struct date_case {
	const char *in;
	const char *want; /* NULL: must be refused */
};

static const struct date_case date_cases[] = {
	/* RFC 822 / 1123 */
	{ "Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 2004 19:48:21 +0000", "2004-01-01T19:48:21Z" },
	{ "Sat, 07 Sep 2002 00:00:01 GMT", "2002-09-07T00:00:01Z" },
	{ "Tue, 10 Jun 2003 09:41:01 -0700", "2003-06-10T16:41:01Z" },
	{ "Tue, 10 Jun 2003 09:41:01 +0530", "2003-06-10T04:11:01Z" },
	{ "Mon, 26 Jan 2004 17:54:50 EST", "2004-01-26T22:54:50Z" },
	{ "Mon, 26 Jul 2004 17:54:50 EDT", "2004-07-26T21:54:50Z" },
	{ "Wed, 14 Jul 2004 10:00:00 PDT", "2004-07-14T17:00:00Z" },
	{ "Wed, 14 Jan 2004 10:00:00 PST", "2004-01-14T18:00:00Z" },
	{ "Wed, 14 Jan 2004 10:00:00 CST", "2004-01-14T16:00:00Z" },
	{ "Wed, 14 Jan 2004 10:00:00 MDT", "2004-01-14T16:00:00Z" },
	{ "Wed, 14 Jan 2004 10:00:00 UT", "2004-01-14T10:00:00Z" },
	{ "Wed, 14 Jan 2004 10:00:00 Z", "2004-01-14T10:00:00Z" },
	{ "Wed, 14 Jan 2004 10:00:00 A", "2004-01-14T11:00:00Z" },
	{ "Wed, 14 Jan 2004 10:00:00 N", "2004-01-14T09:00:00Z" },
	{ "Wed, 14 Jan 2004 10:00:00", "2004-01-14T10:00:00Z" },
	{ "Wed, 14 Jan 2004 10:00 GMT", "2004-01-14T10:00:00Z" },
	{ "14 Jan 2004 10:00:00 GMT", "2004-01-14T10:00:00Z" },
	{ "Wed, 14 Jan 04 10:00:00 GMT", "2004-01-14T10:00:00Z" },
	{ "Wed, 14 Jan 99 10:00:00 GMT", "1999-01-14T10:00:00Z" },
	{ "Wed, 4 Feb 2004 10:00:00 GMT", "2004-02-04T10:00:00Z" },
	{ "Wednesday, 14-Jan-04 10:00:00 GMT", "2004-01-14T10:00:00Z" },
	{ "Wed 14 January 2004 10:00:00 GMT", "2004-01-14T10:00:00Z" },
	{ "Thu, 01 Jan 2004 19:48:21 +0000 (GMT)", "2004-01-01T19:48:21Z" },
	{ "Thu, 01 Jan 2004 19:48:21.123 GMT", "2004-01-01T19:48:21Z" },
	{ "Sun, 12 Sept 2004 10:00:00 GMT", "2004-09-12T10:00:00Z" },
	{ "Mon, 4 Jun 2007 5:56:18 PM EST", "2007-06-04T22:56:18Z" },
	{ "Fri, 29 Feb 2008 12:00:00 GMT+0200", "2008-02-29T10:00:00Z" },
	{ "Sun, 16 Dec 2012 1:2:3 +0000", "2012-12-16T01:02:03Z" },
	{ "Tue, 01 Jun 2004 15:29:00 GMT-5", "2004-06-01T20:29:00Z" },
	{ "Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53Z" },
	{ "Mon, 13 Sep 2004 11:11:11 +0200 CEST", "2004-09-13T09:11:11Z" },
	/* asctime, Unix date(1) */
	{ "Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06Z" },
	{ "Sun Jan 4 16:29:06 PST 2004", "2004-01-05T00:29:06Z" },
	/* ISO 8601 / RFC 3339 / W3CDTF */
	{ "2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z" },
	{ "2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z" },
	{ "2003-12-31T10:14:55+01:00", "2003-12-31T09:14:55Z" },
	{ "2003-12-31T10:14:55.123456Z", "2003-12-31T10:14:55Z" },
	{ "2003-12-31T10:14Z", "2003-12-31T10:14:00Z" },
	{ "2003-12-31T10:14:55", "2003-12-31T10:14:55Z" },
	{ "2003-12-31", "2003-12-31T00:00:00Z" },
	{ "2003-12", "2003-12-01T00:00:00Z" },
	{ "2003", "2003-01-01T00:00:00Z" },
	{ "20031231T101455Z", "2003-12-31T10:14:55Z" },
	{ "20031231", "2003-12-31T00:00:00Z" },
	{ "2004-07-08 23:56:58.0", "2004-07-08T23:56:58Z" },
	{ "2004-07-08 23:56:58 -0400", "2004-07-09T03:56:58Z" },
	{ "2004-07-08 23:56:58 EST", "2004-07-09T04:56:58Z" },
	{ "2004-07-08T23:56:58+0100", "2004-07-08T22:56:58Z" },
	{ "2004-07-08T23:56:58+01", "2004-07-08T22:56:58Z" },
	{ "2004/07/08 23:56", "2004-07-08T23:56:00Z" },
	{ "  2004-07-08T23:56:58Z\n", "2004-07-08T23:56:58Z" },
	{ "2004-02-29T24:00:00Z", "2004-03-01T00:00:00Z" },
	/* sloppy and localized */
	{ "January 5, 2004", "2004-01-05T00:00:00Z" },
	{ "January 2005", "2005-01-01T00:00:00Z" },
	{ "5 January 2004 10:00", "2004-01-05T10:00:00Z" },
	{ "March 3rd, 2010 at 10:00", "2010-03-03T10:00:00Z" },
	{ "25/12/2009", "2009-12-25T00:00:00Z" },
	{ "Mo, 05 Okt 2009 10:00:00 +0200", "2009-10-05T08:00:00Z" },
	{ "Di, 12 März 2013 10:00:00 GMT", "2013-03-12T10:00:00Z" },
	{ "mar., 12 févr. 2013 10:00:00 +0100", "2013-02-12T09:00:00Z" },
	{ "12 de diciembre de 2013 10:00", "2013-12-12T10:00:00Z" },
	{ "1999-12-31T23:59:60Z", "1999-12-31T23:59:59Z" },
	/* refused */
	{ "", NULL },
	{ "garbage", NULL },
	{ "not a date at all, 12", NULL },
	{ "2003-13-01", NULL },
	{ "2003-02-30", NULL },
	{ "2003-12-31T25:00:00Z", NULL },
	{ "Thu, 32 Jan 2004 19:48:21 GMT", NULL },
	{ "0001-01-01T00:00:00Z", NULL },
	{ "9999-12-31T23:59:59Z", NULL },
	{ "05/06/2004", NULL }, /* day and month ambiguous */
	{ "2003-12-31T10:14:55+99:00", NULL },
	{ "Thu, 01 Jan 2004 19:48:21 +0000 trailing junk 12 34", NULL },
	{ "\xff\xfe\x01 2004", NULL },
};

START_TEST(test_date_table)
{
	const struct date_case *c = &date_cases[_i];
	int64_t t = 0;
	char buf[32];
	int rc = feed_date_parse(c->in, &t);

	if (c->want == NULL) {
		ck_assert_msg(rc == -1, "\"%s\" should be refused, got %s",
		    c->in, feed_date_format(t, buf, sizeof(buf)));
	} else {
		ck_assert_msg(rc == 0, "\"%s\" not parsed", c->in);
		ck_assert_str_eq(
		    feed_date_format(t, buf, sizeof(buf)), c->want);
	}
}
END_TEST

START_TEST(test_date_null_and_long)
{
	int64_t t;
	char big[4096];

	ck_assert_int_eq(feed_date_parse(NULL, &t), -1);
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(feed_date_parse(big, &t), -1);
}
END_TEST

START_TEST(test_date_format_roundtrip)
{
	char buf[32];
	int64_t t;

	ck_assert_str_eq(
	    feed_date_format(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
	ck_assert_str_eq(
	    feed_date_format(-1, buf, sizeof(buf)), "1969-12-31T23:59:59Z");
	ck_assert_int_eq(feed_date_parse("2100-02-28T12:34:56Z", &t), 0);
	ck_assert_str_eq(
	    feed_date_format(t, buf, sizeof(buf)), "2100-02-28T12:34:56Z");
}
END_TEST

Suite *
date_suite(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_date_table, 0,
	    (int)(sizeof(date_cases) / sizeof(date_cases[0])));
	tcase_add_test(tc, test_date_null_and_long);
	tcase_add_test(tc, test_date_format_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}
