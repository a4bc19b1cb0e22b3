/* Feed dates: a strict ISO 8601 path, then a token scanner for the rest. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed_date.h"

#define MIN_YEAR 1900
#define MAX_YEAR 2199

struct dparts {
	int year, month, day, hour, min, sec;
	int have_year, have_month, have_day, have_time, have_zone;
	int offset; /* seconds east of UTC */
};

int64_t
feed_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil */
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

char *
feed_date_format(int64_t t, char *buf, size_t len)
{
	int64_t days = t / 86400, secs = t % 86400;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* Howard Hinnant's civil_from_days */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	y += m <= 2;
	snprintf(buf, len, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m,
	    d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	return buf;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int
finish(struct dparts *d, int64_t *out)
{
	if (!d->have_year || d->year < MIN_YEAR || d->year > MAX_YEAR)
		return -1;
	if (!d->have_month)
		d->month = 1;
	if (!d->have_day)
		d->day = 1;
	if (d->month < 1 || d->month > 12 || d->day < 1 ||
	    d->day > days_in_month(d->year, d->month))
		return -1;
	if (d->hour < 0 || d->hour > 24 || d->min < 0 || d->min > 59 ||
	    d->sec < 0 || d->sec > 60 || (d->hour == 24 && (d->min || d->sec)))
		return -1;
	if (d->sec == 60)
		d->sec = 59; /* leap second: keep it within the minute */
	if (d->offset < -18 * 3600 || d->offset > 18 * 3600)
		return -1;
	*out = feed_days_from_civil(
		   d->year, (unsigned)d->month, (unsigned)d->day) *
		86400 +
	    d->hour * 3600 + d->min * 60 + d->sec - d->offset;
	return 0;
}

static int
digits(const char *s, int n, int *v)
{
	int r = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		r = r * 10 + (s[i] - '0');
	}
	*v = r;
	return 0;
}

struct zone {
	const char *name;
	int hours;
};

/* feedparser's table: US zones, UT/GMT/Z, and military letters. */
static const struct zone zones[] = { { "ut", 0 }, { "utc", 0 }, { "gmt", 0 },
	{ "z", 0 }, { "adt", -3 }, { "ast", -4 }, { "at", -4 }, { "edt", -4 },
	{ "est", -5 }, { "et", -5 }, { "cdt", -5 }, { "cst", -6 }, { "ct", -6 },
	{ "mdt", -6 }, { "mst", -7 }, { "mt", -7 }, { "pdt", -7 },
	{ "pst", -8 }, { "pt", -8 }, { "akst", -9 }, { "akdt", -8 },
	{ "hst", -10 }, { "bst", 1 }, { "cet", 1 }, { "cest", 2 }, { "met", 1 },
	{ "mest", 2 }, { "eet", 2 }, { "eest", 3 }, { "wet", 0 }, { "west", 1 },
	{ "msk", 3 }, { "jst", 9 }, { "kst", 9 }, { "hkt", 8 }, { "sgt", 8 },
	{ "aest", 10 }, { "aedt", 11 }, { "nzst", 12 }, { "nzdt", 13 } };

static int
zone_lookup(const char *w, int *secs)
{
	size_t n = strlen(w);

	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (w[0] == zones[i].name[0] && strcmp(w, zones[i].name) == 0) {
			*secs = zones[i].hours * 3600;
			return 0;
		}
	if (n == 1 && w[0] >= 'a' && w[0] <= 'y' && w[0] != 'j') {
		int c = w[0];
		int h = c <= 'i' ? -(c - 'a' + 1)
		    : c <= 'm'	 ? -(c - 'a')
				 : c - 'n' + 1;
		*secs = h * 3600;
		return 0;
	}
	return -1;
}

/* Month names and abbreviations: English, German, French, Spanish, Italian,
 * Dutch. */
struct month {
	const char *name;
	int month;
};

static const struct month months[] = { { "jan", 1 }, { "january", 1 },
	{ "feb", 2 }, { "february", 2 }, { "mar", 3 }, { "march", 3 },
	{ "apr", 4 }, { "april", 4 }, { "may", 5 }, { "jun", 6 }, { "june", 6 },
	{ "jul", 7 }, { "july", 7 }, { "aug", 8 }, { "august", 8 },
	{ "sep", 9 }, { "sept", 9 }, { "september", 9 }, { "oct", 10 },
	{ "october", 10 }, { "nov", 11 }, { "november", 11 }, { "dec", 12 },
	{ "december", 12 },
	/* de */
	{ "januar", 1 }, { "jänner", 1 }, { "februar", 2 }, { "märz", 3 },
	{ "mär", 3 }, { "mrz", 3 }, { "mai", 5 }, { "juni", 6 }, { "juli", 7 },
	{ "okt", 10 }, { "oktober", 10 }, { "dez", 12 }, { "dezember", 12 },
	/* fr */
	{ "janvier", 1 }, { "janv", 1 }, { "février", 2 }, { "fevrier", 2 },
	{ "févr", 2 }, { "mars", 3 }, { "avril", 4 }, { "avr", 4 },
	{ "juin", 6 }, { "juillet", 7 }, { "juil", 7 }, { "août", 8 },
	{ "aout", 8 }, { "septembre", 9 }, { "octobre", 10 },
	{ "novembre", 11 }, { "décembre", 12 }, { "decembre", 12 },
	{ "déc", 12 },
	/* es */
	{ "enero", 1 }, { "ene", 1 }, { "febrero", 2 }, { "marzo", 3 },
	{ "abril", 4 }, { "abr", 4 }, { "mayo", 5 }, { "junio", 6 },
	{ "julio", 7 }, { "agosto", 8 }, { "ago", 8 }, { "septiembre", 9 },
	{ "setiembre", 9 }, { "octubre", 10 }, { "noviembre", 11 },
	{ "diciembre", 12 }, { "dic", 12 },
	/* it */
	{ "gennaio", 1 }, { "gen", 1 }, { "febbraio", 2 }, { "aprile", 4 },
	{ "maggio", 5 }, { "mag", 5 }, { "giugno", 6 }, { "giu", 6 },
	{ "luglio", 7 }, { "lug", 7 }, { "settembre", 9 }, { "set", 9 },
	{ "ottobre", 10 }, { "ott", 10 }, { "dicembre", 12 },
	/* nl */
	{ "januari", 1 }, { "februari", 2 }, { "maart", 3 }, { "mei", 5 },
	{ "augustus", 8 }, { "okt", 10 } };

static int
month_lookup(const char *w)
{
	for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++)
		if (w[0] == months[i].name[0] && strcmp(w, months[i].name) == 0)
			return months[i].month;
	return 0;
}

/* [+-]HH[:]MM or [+-]HH at s; returns bytes used, 0 when not an offset. */
static size_t
parse_offset(const char *s, int *secs)
{
	int sign, h, m = 0;
	size_t i = 1;

	if (s[0] != '+' && s[0] != '-')
		return 0;
	sign = s[0] == '-' ? -1 : 1;
	if (digits(s + 1, 2, &h) < 0) {
		/* "GMT-5" */
		if (digits(s + 1, 1, &h) < 0 || s[2] == ':')
			return 0;
		*secs = sign * h * 3600;
		return 2;
	}
	i = 3;
	if (s[i] == ':')
		i++;
	if (digits(s + i, 2, &m) == 0)
		i += 2;
	else if (s[i - 1] == ':')
		return 0;
	if (isdigit((unsigned char)s[i]))
		return 0;
	if (h > 18 || m > 59)
		return 0;
	*secs = sign * (h * 3600 + m * 60);
	return i;
}

/* HH[:MM[:SS[.frac]]] or compact HHMMSS; returns bytes used or 0. */
static size_t
parse_time(const char *s, struct dparts *d, int compact)
{
	size_t i = 0;

	if (digits(s, 2, &d->hour) < 0)
		return 0;
	i = 2;
	if (compact) {
		if (digits(s + i, 2, &d->min) == 0) {
			i += 2;
			if (digits(s + i, 2, &d->sec) == 0)
				i += 2;
		}
	} else if (s[i] == ':' && digits(s + i + 1, 2, &d->min) == 0) {
		i += 3;
		if (s[i] == ':' && digits(s + i + 1, 2, &d->sec) == 0)
			i += 3;
	}
	if (s[i] == '.' || s[i] == ',') {
		size_t j = i + 1;
		while (isdigit((unsigned char)s[j]))
			j++;
		if (j > i + 1)
			i = j;
	}
	d->have_time = 1;
	return i;
}

/* 1-2 digit parts as sloppy feeds write them: "5:56:18", "1:2:3". */
static size_t
num12(const char *s, int *v)
{
	if (!isdigit((unsigned char)s[0]))
		return 0;
	if (isdigit((unsigned char)s[1])) {
		if (isdigit((unsigned char)s[2]))
			return 0;
		*v = (s[0] - '0') * 10 + (s[1] - '0');
		return 2;
	}
	*v = s[0] - '0';
	return 1;
}

static size_t
parse_time_loose(const char *s, struct dparts *d)
{
	size_t i, k;

	if ((i = num12(s, &d->hour)) == 0 || s[i] != ':')
		return 0;
	if ((k = num12(s + i + 1, &d->min)) == 0)
		return 0;
	i += 1 + k;
	if (s[i] == ':' && (k = num12(s + i + 1, &d->sec)) > 0)
		i += 1 + k;
	if (s[i] == '.' || s[i] == ',') {
		size_t j = i + 1;
		while (isdigit((unsigned char)s[j]))
			j++;
		if (j > i + 1)
			i = j;
	}
	d->have_time = 1;
	return i;
}

static int
parse_zone_word(const char *s, size_t *used, int *secs)
{
	char w[8];
	size_t n = 0;

	while (isalpha((unsigned char)s[n]) && n + 1 < sizeof(w)) {
		w[n] = (char)tolower((unsigned char)s[n]);
		n++;
	}
	w[n] = '\0';
	if (n == 0 || isalpha((unsigned char)s[n]))
		return -1;
	if (zone_lookup(w, secs) < 0)
		return -1;
	*used = n;
	return 0;
}

/* ISO 8601 / RFC 3339 / W3CDTF, including partial and compact forms. */
static int
parse_iso(const char *s, int64_t *out)
{
	struct dparts d = { 0 };
	size_t i = 0;
	int compact = 0;

	if (digits(s, 4, &d.year) < 0)
		return -1;
	d.have_year = 1;
	i = 4;
	if (s[i] == '-' || s[i] == '/') {
		char sep = s[i];
		if (digits(s + i + 1, 2, &d.month) < 0) {
			if (digits(s + i + 1, 1, &d.month) < 0 ||
			    isdigit((unsigned char)s[i + 2]))
				return -1;
			i += 2;
		} else {
			i += 3;
		}
		d.have_month = 1;
		if (s[i] == sep) {
			if (digits(s + i + 1, 2, &d.day) == 0)
				i += 3;
			else if (digits(s + i + 1, 1, &d.day) == 0 &&
			    !isdigit((unsigned char)s[i + 2]))
				i += 2;
			else
				return -1;
			d.have_day = 1;
		}
	} else if (digits(s + i, 4, &d.month) == 0) {
		/* YYYYMMDD */
		digits(s + i, 2, &d.month);
		digits(s + i + 2, 2, &d.day);
		d.have_month = d.have_day = 1;
		i += 4;
		compact = 1;
	} else if (isdigit((unsigned char)s[i])) {
		return -1;
	}
	if (d.have_day && (s[i] == 'T' || s[i] == 't' || s[i] == ' ') &&
	    isdigit((unsigned char)s[i + 1])) {
		size_t k = parse_time(s + i + 1, &d, compact);
		if (k == 0)
			return -1;
		i += 1 + k;
	}
	while (s[i] == ' ')
		i++;
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
		d.have_zone = 1;
	} else if (s[i] == '+' || s[i] == '-') {
		size_t k = parse_offset(s + i, &d.offset);
		if (k == 0)
			return -1;
		i += k;
		d.have_zone = 1;
	} else if (isalpha((unsigned char)s[i])) {
		size_t k;
		if (parse_zone_word(s + i, &k, &d.offset) < 0)
			return -1;
		i += k;
	}
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
		i++;
	if (s[i] != '\0')
		return -1;
	return finish(&d, out);
}

/* RFC 822/1123/850, asctime, "January 5, 2004", localized months, ... */
static int
parse_loose(const char *s, int64_t *out)
{
	struct dparts d = { 0 };
	int pm = -1, month_weak = 0, first_word = 1;
	size_t i = 0;

	while (s[i] != '\0') {
		unsigned char c = (unsigned char)s[i];

		if (c == '(') {
			/* RFC 822 comment, e.g. "+0000 (GMT)" */
			while (s[i] != '\0' && s[i] != ')')
				i++;
			if (s[i] == ')')
				i++;
			continue;
		}
		if ((c == '+' || c == '-') && d.have_time && !d.have_zone &&
		    isdigit((unsigned char)s[i + 1])) {
			size_t k = parse_offset(s + i, &d.offset);
			if (k == 0)
				return -1;
			d.have_zone = 1;
			i += k;
			continue;
		}
		if (isdigit(c)) {
			size_t j = i;
			int v = 0, nd = 0;
			while (isdigit((unsigned char)s[j]) && nd < 9) {
				v = v * 10 + (s[j] - '0');
				j++;
				nd++;
			}
			if (isdigit((unsigned char)s[j]))
				return -1;
			if (s[j] == ':' && nd <= 2 && !d.have_time) {
				size_t k = parse_time_loose(s + i, &d);
				if (k == 0)
					return -1;
				i += k;
				continue;
			}
			if (s[j] == '/' && !d.have_day && !d.have_month) {
				/* numeric date: Y/M/D, or D/M/Y and M/D/Y when
				 * unambiguous */
				int a = v, b, y;
				const char *q = s + j + 1;
				char *end;
				b = (int)strtol(q, &end, 10);
				if (end == q || *end != '/')
					return -1;
				q = end + 1;
				y = (int)strtol(q, &end, 10);
				if (end == q)
					return -1;
				j = (size_t)(end - s);
				if (nd == 4) {
					d.year = a;
					d.month = b;
					d.day = y;
				} else if (a > 12 && b <= 12) {
					d.day = a;
					d.month = b;
					d.year = y;
				} else if (b > 12 && a <= 12) {
					d.month = a;
					d.day = b;
					d.year = y;
				} else {
					return -1;
				}
				if (d.year < 100)
					d.year += d.year < 50 ? 2000 : 1900;
				d.have_year = d.have_month = d.have_day = 1;
				i = j;
				continue;
			}
			if (nd >= 3 || (d.have_day && !d.have_year)) {
				d.year = v;
				if (nd <= 2)
					d.year += v < 50 ? 2000 : 1900;
				else if (nd == 3)
					d.year += 1900;
				if (d.have_year)
					return -1;
				d.have_year = 1;
			} else if (!d.have_day) {
				d.day = v;
				d.have_day = 1;
			} else {
				return -1;
			}
			i = j;
			first_word = 0;
			/* ordinal suffixes: 1st, 2nd, 3rd, 4th */
			if (isalpha((unsigned char)s[i]) &&
			    isalpha((unsigned char)s[i + 1]) &&
			    !isalpha((unsigned char)s[i + 2]) &&
			    (strncasecmp(s + i, "st", 2) == 0 ||
				strncasecmp(s + i, "nd", 2) == 0 ||
				strncasecmp(s + i, "rd", 2) == 0 ||
				strncasecmp(s + i, "th", 2) == 0))
				i += 2;
			continue;
		}
		if (isalpha(c) || c >= 0x80) {
			char w[24];
			size_t n = 0;
			while ((isalpha((unsigned char)s[i]) ||
			    (unsigned char)s[i] >= 0x80)) {
				if (n + 1 < sizeof(w)) {
					char ch = s[i];
					w[n++] = (char)((ch >= 'A' && ch <= 'Z')
						? ch + 32
						: ch);
				}
				i++;
			}
			w[n] = '\0';
			if (s[i] == '.')
				i++; /* "Sept." "janv." */
			int m = month_lookup(w), z;
			/*
			 * A leading "mar.," may be a weekday (mardi, martes):
			 * a later month name then wins over it.
			 */
			if (m != 0 && (!d.have_month || month_weak)) {
				d.month = m;
				d.have_month = 1;
				month_weak = first_word &&
				    (s[i] == ',' || s[i - 1] == '.');
			} else if (strcmp(w, "am") == 0 ||
			    strcmp(w, "pm") == 0) {
				pm = w[0] == 'p';
			} else if (d.have_time && !d.have_zone &&
			    zone_lookup(w, &z) == 0) {
				d.offset = z;
				d.have_zone = 1;
				if (s[i] == '+' || s[i] == '-') {
					/* "GMT+0200" */
					int extra;
					size_t k = parse_offset(s + i, &extra);
					if (k > 0) {
						d.offset = extra;
						i += k;
					}
				}
			} else if (n == 1 && !d.have_time) {
				return -1; /* stray letter before any time */
			}
			/* weekday names and filler words are ignored */
			first_word = 0;
			continue;
		}
		i++;
	}
	/* "January 2005": the first of the month, as W3CDTF partials */
	if (!d.have_month || !d.have_year)
		return -1;
	if (!d.have_day)
		d.day = 1;
	if (pm >= 0) {
		if (d.hour < 1 || d.hour > 12)
			return -1;
		if (pm && d.hour < 12)
			d.hour += 12;
		else if (!pm && d.hour == 12)
			d.hour = 0;
	}
	return finish(&d, out);
}

int
feed_date_parse(const char *s, int64_t *out)
{
	char tmp[128];
	size_t n;

	if (s == NULL)
		return -1;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n + 1);
	while (n > 0 &&
	    (tmp[n - 1] == ' ' || tmp[n - 1] == '\t' || tmp[n - 1] == '\n' ||
		tmp[n - 1] == '\r'))
		tmp[--n] = '\0';
	if (n >= 4 && isdigit((unsigned char)tmp[0]) &&
	    isdigit((unsigned char)tmp[1]) && isdigit((unsigned char)tmp[2]) &&
	    isdigit((unsigned char)tmp[3]) && parse_iso(tmp, out) == 0)
		return 0;
	return parse_loose(tmp, out);
}
