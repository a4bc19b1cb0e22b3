/* Claims benchmark: articles per second and peak RSS against the default story,
 * with the baseline alone and with 100,000 learned claims. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "claims.h"
#include "sw_config.h"
#include "util.h"

#define STORY_DIR SW_SOURCE_ROOT "/config/stories/microsoft-azure-unit8200"

/* Articles are analysed in turn from a pool (memory stays the engine's). */
#define POOL 1000

static const char *const baseline_files[] = { "000_0d46abae8691fe75.txt",
	"003_89a4de04343dac4c.txt" };

struct vocab {
	char **w;
	size_t n, cap;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Zipf-like pick: low indexes (common words) far more often. */
static size_t
pick(size_t n)
{
	double u = (double)(rng() % 1000000) / 1000000.0;

	return (size_t)((double)n * u * u * u) % n;
}

static int
vocab_add(struct vocab *v, const char *s, size_t n)
{
	char **nw;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		nw = realloc(v->w, v->cap * sizeof(*nw));
		if (nw == NULL)
			return -1;
		v->w = nw;
	}
	v->w[v->n] = strndup(s, n);
	if (v->w[v->n] == NULL)
		return -1;
	v->n++;
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (p != NULL && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	if (p != NULL)
		p[n] = '\0';
	*len = (size_t)n;
	fclose(f);
	return p;
}

/* English words from WordNet's noun and verb indexes. */
static int
vocab_load_wordnet(struct vocab *v, size_t max)
{
	const char *files[] = { "/usr/share/wordnet/index.noun",
		"/usr/share/wordnet/index.verb" };
	char line[512];
	size_t i, l;
	FILE *f;

	for (i = 0; i < 2; i++) {
		f = fopen(files[i], "r");
		if (f == NULL)
			continue;
		while (v->n < max && fgets(line, sizeof(line), f) != NULL) {
			if (line[0] == ' ')
				continue;
			l = strcspn(line, " _-.'0123456789");
			if (l < 3 || line[l] != ' ')
				continue;
			if (rng() % 3 != 0)
				continue;
			if (vocab_add(v, line, l) == -1) {
				fclose(f);
				return -1;
			}
		}
		fclose(f);
	}
	return 0;
}

static void
vocab_from_text(struct vocab *v, const char *t)
{
	const char *p = t, *s;

	while (*p) {
		while (*p &&
		    !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			p++;
		s = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			p++;
		if (p - s >= 3)
			vocab_add(v, s, (size_t)(p - s));
	}
}

/*
 * One sentence: story words, English words, a name or a figure now and
 * then (one figure in about 40 words, a name in 23: a dense news page).
 */
static void
gen_sentence(struct buf *b, const struct vocab *story, const struct vocab *eng,
    int story_pct)
{
	int nw = 12 + (int)(rng() % 14), i;
	char tmp[64];
	const char *w;

	for (i = 0; i < nw; i++) {
		if ((int)(rng() % 100) < story_pct)
			w = story->w[rng() % story->n];
		else
			w = eng->w[pick(eng->n)];
		if (i == 0) {
			snprintf(tmp, sizeof(tmp), "%c%s",
			    (w[0] >= 'a' && w[0] <= 'z') ? w[0] - 32 : w[0],
			    w + 1);
			buf_append_str(b, tmp);
		} else {
			buf_append_str(b, " ");
			buf_append_str(b, w);
		}
		if (rng() % 40 == 0) {
			snprintf(tmp, sizeof(tmp), " %u,%03u people",
			    (unsigned)(rng() % 90 + 1),
			    (unsigned)(rng() % 1000));
			buf_append_str(b, tmp);
		}
		if (rng() % 23 == 0) {
			/* names recur: a pool of 2,000 */
			unsigned nm = (unsigned)(rng() % 2000);
			snprintf(tmp, sizeof(tmp), " %c%c%c%c Corp",
			    'A' + (int)(nm % 26), 'a' + (int)(nm / 26 % 26),
			    'a' + (int)(nm / 676 % 26), 'a' + (int)(nm % 7));
			buf_append_str(b, tmp);
		}
	}
	buf_append_str(b, rng() % 9 == 0 ? "\n" : ". ");
}

/* CPU time of this process: the figure that holds on a busy machine. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* FNV-1a over every result: an optimisation must leave it unchanged. */
static uint64_t digest = 14695981039346656037ull;

static void
digest_add(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		digest ^= b[i];
		digest *= 1099511628211ull;
	}
}

static void
digest_result(const struct claims_result *r)
{
	size_t i;

	digest_add(&r->relevant, sizeof(r->relevant));
	for (i = 0; i < r->nclaims; i++) {
		digest_add(r->claims[i].text, strlen(r->claims[i].text));
		digest_add(&r->claims[i].novelty, sizeof(double));
		if (r->claims[i].nearest != NULL)
			digest_add(
			    r->claims[i].nearest, strlen(r->claims[i].nearest));
	}
	for (i = 0; i < r->nchanges; i++) {
		digest_add(
		    r->changes[i].subject, strlen(r->changes[i].subject));
		digest_add(
		    r->changes[i].new.text, strlen(r->changes[i].new.text));
		digest_add(
		    r->changes[i].old.text, strlen(r->changes[i].old.text));
	}
	digest_add(r->corroborated, r->ncorroborated * sizeof(uint64_t));
}

static int
run_title(struct knowledge *k, char **arts, size_t *lens, int n,
    const char *what, const char *title)
{
	struct claims_result *r;
	double t0, dt;
	size_t claims = 0, rel = 0;
	int i;

	t0 = now_s();
	for (i = 0; i < n; i++) {
		r = claims_analyze(k, title, arts[i % POOL], lens[i % POOL]);
		if (r == NULL)
			return -1;
		rel += (size_t)r->relevant;
		claims += r->nclaims;
		digest_result(r);
		claims_result_free(r);
	}
	dt = now_s() - t0;
	printf("%-28s %6d articles in %.3f s of CPU: %8.0f articles/s, %.1f us "
	       "each (%zu relevant, %zu claims)\n",
	    what, n, dt, (double)n / dt, dt * 1e6 / n, rel, claims);
	return 0;
}

static int
run(struct knowledge *k, char **arts, size_t *lens, int n, const char *what)
{
	return run_title(k, arts, lens, n, what,
	    "Microsoft Azure and Unit 8200 surveillance review");
}

int
main(int argc, char **argv)
{
	struct vocab story = { 0 }, eng = { 0 };
	struct lexicon *lx;
	struct knowledge *k;
	struct claims_learned item;
	struct rusage ru;
	struct buf b;
	char path[1024], **arts, *text;
	size_t *lens, len, i, total = 0;
	int n = argc > 1 ? atoi(argv[1]) : 5000;
	int nlearned = argc > 2 ? atoi(argv[2]) : 100000;
	double t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (n <= 0)
		n = 5000;
	t0 = now_s();
	lx = claims_lexicon_new(NULL);
	k = lx ? knowledge_new(lx, "microsoft-azure-unit8200", NULL) : NULL;
	if (k == NULL)
		return 1;
	for (i = 0; i < SW_ARRAY_SIZE(baseline_files); i++) {
		snprintf(
		    path, sizeof(path), "%s/%s", STORY_DIR, baseline_files[i]);
		text = slurp(path, &len);
		if (text == NULL) {
			fprintf(stderr, "bench: %s: cannot read\n", path);
			return 1;
		}
		knowledge_add_baseline(k, text, len, path);
		vocab_from_text(&story, text);
		free(text);
	}
	printf("lexicon and baseline loaded in %.3f s\n", now_s() - t0);
	if (vocab_load_wordnet(&eng, 40000) == -1 || eng.n == 0)
		return 1;

	arts = calloc(POOL, sizeof(*arts));
	lens = calloc(POOL, sizeof(*lens));
	for (i = 0; i < POOL; i++) {
		buf_init(&b, 1 << 20);
		while (b.len < 5000)
			gen_sentence(&b, &story, &eng, 35);
		arts[i] = buf_steal(&b, &lens[i]);
		total += lens[i];
	}
	printf("generated %d distinct articles, %.0f bytes on average\n", POOL,
	    (double)total / POOL);
	/* warm the word cache as a running daemon would be */
	run(k, arts, lens, POOL, "warm-up");
	run(k, arts, lens, n, "baseline only");
	/* the common case in a feed: articles about something else */
	for (i = 0; i < POOL; i++) {
		free(arts[i]);
		buf_init(&b, 1 << 20);
		while (b.len < 5000)
			gen_sentence(&b, &story, &eng, 0);
		arts[i] = buf_steal(&b, &lens[i]);
	}
	run_title(k, arts, lens, n, "off-topic, baseline only",
	    "Quarterly results beat forecasts");
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS so far %.1f MB\n", (double)ru.ru_maxrss / 1024.0);

	t0 = now_s();
	memset(&item, 0, sizeof(item));
	item.kind = LEARNED_CLAIM;
	item.url = "https://example.org/generated";
	for (i = 0; i < (size_t)nlearned; i++) {
		buf_init(&b, 4096);
		gen_sentence(&b, &story, &eng, 20);
		/* a learned claim is one sentence, as knowledge_learn stores it
		 */
		while (b.len > 0 &&
		    (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\n'))
			b.data[--b.len] = '\0';
		item.text = b.data;
		item.id = i + 1;
		item.time = 1700000000 + (int64_t)i;
		if (knowledge_add_learned(k, &item) == -1) {
			fprintf(stderr, "bench: learning failed\n");
			return 1;
		}
		buf_free(&b);
	}
	printf("learned %d claims in %.3f s (%zu sentences known)\n", nlearned,
	    now_s() - t0, knowledge_sentence_count(k));
	run_title(k, arts, lens, n, "off-topic, with learned",
	    "Quarterly results beat forecasts");
	for (i = 0; i < POOL; i++) {
		free(arts[i]);
		buf_init(&b, 1 << 20);
		while (b.len < 5000)
			gen_sentence(&b, &story, &eng, 35);
		arts[i] = buf_steal(&b, &lens[i]);
	}
	run(k, arts, lens, n, "with learned claims");
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
	printf("results digest %016llx\n", (unsigned long long)digest);

	for (i = 0; i < POOL; i++)
		free(arts[i]);
	free(arts);
	free(lens);
	for (i = 0; i < story.n; i++)
		free(story.w[i]);
	free(story.w);
	for (i = 0; i < eng.n; i++)
		free(eng.w[i]);
	free(eng.w);
	knowledge_free(k);
	claims_lexicon_free(lx);
	return 0;
}
