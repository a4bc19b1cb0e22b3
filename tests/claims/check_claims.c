/* Unit tests of claims/: sentences, figures, coverage of paraphrases,
 * relevance, changed figures, learning and JSON. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "claims_int.h"
#include "figures.h"
#include "lexicon.h"
#include "text.h"
#include "util.h"

static struct lexicon *lx;

static void
setup(void)
{
	lx = claims_lexicon_new(NULL);
	ck_assert_ptr_nonnull(lx);
}

static void
teardown(void)
{
	claims_lexicon_free(lx);
	lx = NULL;
}

/* --- sentences --- */

struct split_case {
	const char *text;
	int nsent;
	const char *first; /* exact text of the first sentence */
};

static const struct split_case split_cases[] = {
	{ "The U.S. government said so. Officials agreed.", 2,
	    "The U.S. government said so." },
	{ "Mr. Smith met Dr. Jones on Jan. 5 in Washington. They talked.", 2,
	    "Mr. Smith met Dr. Jones on Jan. 5 in Washington." },
	{ "Shares of Acme Inc. rose 2.5 percent. The index fell.", 2,
	    "Shares of Acme Inc. rose 2.5 percent." },
	{ "The firm is Acme Inc. It makes anvils.", 2,
	    "The firm is Acme Inc." },
	{ "J. R. Hartley wrote 12,500 words. He stopped.", 2,
	    "J. R. Hartley wrote 12,500 words." },
	{ "\"We will not comment,\" she said. \"Never.\"", 2,
	    "\"We will not comment,\" she said." },
	{ "\xe2\x80\x9cIs it true?\xe2\x80\x9d she asked. Nobody answered.", 2,
	    "\xe2\x80\x9cIs it true?\xe2\x80\x9d she asked." },
	{ "He paused... and went on. Then he left.", 2,
	    "He paused... and went on." },
	{ "It ended\xe2\x80\xa6 The crowd left.", 2, "It ended\xe2\x80\xa6" },
	{ "Key points\n\xe2\x80\xa2 The fund lost money\n\xe2\x80\xa2 The "
	  "chief resigned",
	    3, "Key points" },
	{ "Headline without a stop\nBody sentence one. Body two.", 3,
	    "Headline without a stop" },
	{ "The rate was 3.75% in 2024. It rose.", 2,
	    "The rate was 3.75% in 2024." },
	{ "", 0, NULL },
	{ "   \n\n  ", 0, NULL },
};

START_TEST(test_split)
{
	const struct split_case *c = &split_cases[_i];
	struct doc d;

	doc_init(&d);
	ck_assert_int_eq(doc_parse(&d, lx, c->text, strlen(c->text)), 0);
	ck_assert_msg((int)d.nsent == c->nsent, "%s: %zu sentences, want %d",
	    c->text, d.nsent, c->nsent);
	if (c->first != NULL)
		ck_assert_msg(d.sents[0].len == strlen(c->first) &&
			memcmp(c->text + d.sents[0].off, c->first,
			    d.sents[0].len) == 0,
		    "first sentence of \"%s\" is \"%.*s\"", c->text,
		    (int)d.sents[0].len, c->text + d.sents[0].off);
	doc_free(&d);
}
END_TEST

/* --- figures --- */

struct fig_case {
	const char *text;
	enum fig_kind kind;
	double value;
	enum fig_approx approx;
	const char *head; /* folded first word of the counted noun, or NULL */
};

static const struct fig_case fig_cases[] = {
	{ "Over 60,000 people have died.", FIG_COUNT, 60000, APPROX_OVER,
	    "people" },
	{ "It holds 8,000 terabytes of data.", FIG_DATA, 8e15, APPROX_EXACT,
	    "data" },
	{ "They seized 8 petabytes of records.", FIG_DATA, 8e15, APPROX_EXACT,
	    "records" },
	{ "Nearly 70% of the staff left.", FIG_PERCENT, 70, APPROX_UNDER,
	    "staff" },
	{ "Prices rose 12 percent last year.", FIG_PERCENT, 12, APPROX_EXACT,
	    NULL },
	{ "They sold 8 million tickets.", FIG_COUNT, 8e6, APPROX_EXACT,
	    "tickets" },
	{ "A million calls an hour were logged.", FIG_COUNT, 1e6, APPROX_EXACT,
	    "calls" },
	{ "The board fired four managers.", FIG_COUNT, 4, APPROX_EXACT,
	    "managers" },
	{ "This is the third inquiry so far.", FIG_ORDINAL, 3, APPROX_EXACT,
	    "inquiry" },
	{ "Use of the tool grew 64-fold.", FIG_MULTIPLIER, 64, APPROX_EXACT,
	    NULL },
	{ "Revenue reached $77.7 billion.", FIG_MONEY, 77.7e9, APPROX_EXACT,
	    NULL },
	{ "At least 300 homes burned.", FIG_COUNT, 300, APPROX_ATLEAST,
	    "homes" },
	{ "Up to 40 trucks wait at the border.", FIG_COUNT, 40, APPROX_UPTO,
	    "trucks" },
	{ "It killed a minimum of 62,000 individuals.", FIG_COUNT, 62000,
	    APPROX_ATLEAST, "individuals" },
	{ "In excess of 5,000 pages were released.", FIG_COUNT, 5000,
	    APPROX_OVER, "pages" },
	{ "Twenty-five workers were hurt.", FIG_COUNT, 25, APPROX_EXACT,
	    "workers" },
	{ "Millions of files were copied.", FIG_VAGUE, 1e6, APPROX_EXACT,
	    "files" },
	{ "The deal was signed on August 6, 2025.", FIG_DATE, 20250806,
	    APPROX_EXACT, NULL },
	{ "The plan dates from 2021 when talks began.", FIG_DATE, 20210000,
	    APPROX_EXACT, NULL },
	{ "Help came in the weeks after 7 October 2023.", FIG_DATE, 20231007,
	    APPROX_EXACT, NULL },
	{ "The meeting began at 10:30 sharp.", FIG_TIME, 0, APPROX_EXACT,
	    NULL },
	{ "The outage lasted eight hours.", FIG_DURATION, 8, APPROX_EXACT,
	    NULL },
	{ "Nine days later the inquiry began.", FIG_ELAPSED, 9, APPROX_EXACT,
	    NULL },
};

static const char *const nofig_cases[] = {
	"Unit 8200 is a signals unit.",
	"The report ran in +972 Magazine on Friday.",
	"Teams and Microsoft 365 went down.",
	"It is one of the largest firms.",
};

START_TEST(test_figures)
{
	const struct fig_case *c = &fig_cases[_i];
	struct figure *figs = NULL;
	size_t n = 0, cap = 0, i;
	struct doc d;
	int found = 0;

	doc_init(&d);
	ck_assert_int_eq(doc_parse(&d, lx, c->text, strlen(c->text)), 0);
	ck_assert_int_ge(
	    figures_extract(&d, lx, 0, (uint32_t)d.ntok, &figs, &n, &cap), 1);
	for (i = 0; i < n; i++) {
		if (figs[i].kind != c->kind)
			continue;
		found = 1;
		if (c->kind != FIG_TIME)
			ck_assert_msg(figs[i].value == c->value,
			    "%s: value %g, want %g", c->text, figs[i].value,
			    c->value);
		ck_assert_msg(figs[i].approx == c->approx, "%s: approx %s",
		    c->text, fig_approx_name(figs[i].approx));
		if (c->head != NULL) {
			ck_assert_msg(
			    figs[i].nhead > 0, "%s: no subject", c->text);
			ck_assert_str_eq(
			    lexicon_word_text(lx, figs[i].head[0]), c->head);
		}
	}
	ck_assert_msg(
	    found, "%s: no %s figure", c->text, fig_kind_name(c->kind));
	free(figs);
	doc_free(&d);
}
END_TEST

START_TEST(test_not_figures)
{
	const char *text = nofig_cases[_i];
	struct figure *figs = NULL;
	size_t n = 0, cap = 0, i;
	struct doc d;

	doc_init(&d);
	ck_assert_int_eq(doc_parse(&d, lx, text, strlen(text)), 0);
	figures_extract(&d, lx, 0, (uint32_t)d.ntok, &figs, &n, &cap);
	for (i = 0; i < n; i++)
		ck_assert_msg(figs[i].kind == FIG_DATE, "%s: figure of kind %s",
		    text, fig_kind_name(figs[i].kind));
	free(figs);
	doc_free(&d);
}
END_TEST

struct same_case {
	const char *a, *b;
	int same;
};

static const struct same_case same_cases[] = {
	{ "over 60,000 people", "about 60,500 people", 1 },
	{ "over 60,000 people", "more than 67,000 people", 0 },
	{ "over 60,000 people", "at least 63,000 people", 0 },
	{ "over 60,000 people", "some 61,000 people", 1 },
	{ "about 8,000 terabytes", "8,000 terabytes", 1 },
	{ "nearly 70% of staff", "70% of staff", 1 },
	{ "8,000 terabytes of data", "8 petabytes of data", 1 },
	{ "11,500 terabytes of data", "8,000 terabytes of data", 0 },
	{ "the second inquiry", "the third inquiry", 0 },
};

static int
first_figure(const char *text, struct figure *out)
{
	struct figure *figs = NULL;
	size_t n = 0, cap = 0;
	struct doc d;
	int rc = -1;

	doc_init(&d);
	if (doc_parse(&d, lx, text, strlen(text)) == 0 &&
	    figures_extract(&d, lx, 0, (uint32_t)d.ntok, &figs, &n, &cap) > 0) {
		*out = figs[0];
		rc = 0;
	}
	free(figs);
	doc_free(&d);
	return rc;
}

START_TEST(test_same_value)
{
	const struct same_case *c = &same_cases[_i];
	struct figure a, b;

	ck_assert_int_eq(first_figure(c->a, &a), 0);
	ck_assert_int_eq(first_figure(c->b, &b), 0);
	ck_assert_msg(
	    figures_same_value(&a, &b) == c->same, "%s / %s", c->a, c->b);
}
END_TEST

/* --- a story of our own: none of this comes from the evaluation set --- */

static const char story_a[] =
    "Acme Robotics opened an inquiry into claims that Ruritania's border "
    "agency used its Zephyr cloud to store drone footage of migrants.\n"
    "The inquiry will be run by the law firm Halvorsen & Pike, the company "
    "said on Tuesday.\n"
    "According to leaked documents, the agency kept more than 1,200 hours "
    "of footage on Zephyr servers in 2023.\n"
    "Acme said that using Zephyr for mass surveillance of civilians would "
    "violate its terms of service.\n"
    "It is the second inquiry Acme has commissioned into the agency's use "
    "of its technology.\n"
    "Employees had protested against the contract with the border agency "
    "for months.\n";

static const char story_b[] =
    "Acme Robotics will review how the Ruritanian border agency used "
    "Zephyr, after reports that drone footage of migrants was stored on "
    "the platform.\n"
    "Halvorsen & Pike, a law firm, will lead the review.\n"
    "The agency denied that it had stored surveillance footage with Acme.\n";

static struct knowledge *
story_new(void)
{
	struct knowledge *k = knowledge_new(lx, "acme-zephyr", NULL);

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(
	    knowledge_add_baseline(k, story_a, strlen(story_a), "a"), 0);
	ck_assert_int_eq(
	    knowledge_add_baseline(k, story_b, strlen(story_b), "b"), 0);
	return k;
}

struct novelty_case {
	const char *sentence;
	int is_new; /* 1: a new claim; 0: a restatement */
};

/*
 * Restatements in other words, and follow-ups.  Each is analysed inside
 * the same on-topic frame so relevance holds.
 */
static const struct novelty_case novelty_cases[] = {
	{ "Acme hired outside lawyers at Halvorsen & Pike to examine the "
	  "claims about the border agency.",
	    0 },
	{ "The Ruritanian agency stored drone footage of migrants on Acme's "
	  "Zephyr platform, according to leaked documents.",
	    0 },
	{ "Acme says mass surveillance of civilians on Zephyr breaches its "
	  "terms of service.",
	    0 },
	{ "Staff had protested for months against the border agency "
	  "contract.",
	    0 },
	{ "The Ruritanian Border Agency (RBA) kept drone footage of migrants "
	  "on Zephyr, leaked documents show.",
	    0 },
	/* a new actor alone is half a unit: still a restatement */
	{ "Campaigners said the Ruritanian border agency stored drone footage "
	  "of migrants on Zephyr.",
	    0 },
	/* a new actor doing something new */
	{ "Civil liberties groups urged Acme on Thursday to release every "
	  "contract it signed with the border agency.",
	    1 },
	{ "Acme chief executive Mara Quist resigned on Monday.", 1 },
	{ "Police arrested 14 protesters outside Acme's headquarters in "
	  "Valdoria.",
	    1 },
	{ "The agency moved the footage to servers run by Borealis Networks "
	  "in Freedonia.",
	    1 },
	{ "The agency employs 400 analysts to watch the footage.", 1 },
	/* a known statement denied, with a date: a new state of things */
	{ "Employees have not protested against the contract with the border "
	  "agency since 9 March.",
	    1 },
	/* short, but it counts something */
	{ "The sit-in lasted about 40 minutes.", 1 },
	{ "The next protest is planned for 9 May in Valdoria.", 1 },
};

static const char frame[] =
    "Acme Robotics and the Ruritanian border agency: drone footage of "
    "migrants on Zephyr.\n";

START_TEST(test_novelty)
{
	const struct novelty_case *c = &novelty_cases[_i];
	struct knowledge *k = story_new();
	struct claims_result *r;
	char body[1024];
	size_t i;
	int found = 0;

	snprintf(body, sizeof(body), "%s%s\n", frame, c->sentence);
	r = claims_analyze(
	    k, "Acme Zephyr border agency footage", body, strlen(body));
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->relevant, "not relevant: %s", c->sentence);
	for (i = 0; i < r->nclaims; i++)
		if (strcmp(r->claims[i].text, c->sentence) == 0) {
			found = 1;
			ck_assert(r->claims[i].novelty > 0.0);
			ck_assert(r->claims[i].novelty <= 1.0);
		}
	ck_assert_msg(found == c->is_new, "%s: %s", c->sentence,
	    found ? "flagged new" : "not flagged");
	claims_result_free(r);
	knowledge_free(k);
}
END_TEST

/*
 * Analyse one sentence after a lead line (so that the article is about the
 * story) against a story of its own baseline text; the result is relevant.
 * Frees the knowledge; the caller frees the result.
 */
static struct claims_result *
analyze_in_story(const char *story, const char *lead, const char *title,
    const char *sentence)
{
	struct knowledge *k = knowledge_new(lx, "mini", NULL);
	struct claims_result *r;
	char body[1024];

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(
	    knowledge_add_baseline(k, story, strlen(story), "a"), 0);
	snprintf(body, sizeof(body), "%s\n%s\n", lead, sentence);
	r = claims_analyze(k, title, body, strlen(body));
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->relevant, "not relevant: %s", sentence);
	knowledge_free(k);
	return r;
}

/*
 * Names and dates that only look new: an acronym of a known name, a legal
 * form after it, a dateline, a date given with its year.
 */
static const char names_story[] =
    "The Ruritanian Border Agency stored drone footage of migrants on "
    "Acme's Zephyr cloud, the Daily Ledger reported on 6 August.\n"
    "Its Squadron 414 has flown the drones.\n"
    "Acme Robotics said on Friday that it had hired the law firm Halvorsen "
    "& Pike to review the contract.\n";

struct names_case {
	const char *sentence;
	int is_new;
	const char *not_why; /* must not be given as a reason, or NULL */
};

static const struct names_case names_cases[] = {
	{ "The RBA stored drone footage of migrants on Zephyr, the Daily "
	  "Ledger reported.",
	    0, NULL },
	{ "The RBA kept 4,000 hours of drone footage on Zephyr.", 1, "RBA" },
	{ "Acme Robotics Inc. said it had hired the law firm Halvorsen & Pike "
	  "LLP to review the contract.",
	    0, NULL },
	{ "Acme Robotics Inc. said Halvorsen & Pike LLP found 4,000 hours of "
	  "footage.",
	    1, "entity" },
	{ "VALDORIA: The Ruritanian Border Agency kept 4,000 hours of drone "
	  "footage on Zephyr.",
	    1, "VALDORIA" },
	{ "On 6 August 2025, the Daily Ledger reported that the agency kept "
	  "4,000 hours of footage.",
	    1, "date" },
	{ "The Valdoria-based Ruritanian Border Agency kept 4,000 hours of "
	  "drone footage.",
	    1, "Valdoria" },
	{ "The agency kept 4,000 hours of footage, the Daily Ledger reported "
	  "today.",
	    1, "day" },
	{ "The agency's 414 drone squadron kept 4,000 hours of footage.", 1,
	    "414" },
	/* a name the story never had is news */
	{ "The Ruritanian Border Agency moved the footage to Borealis "
	  "Networks.",
	    1, NULL },
};

START_TEST(test_names)
{
	const struct names_case *c = &names_cases[_i];
	struct claims_result *r;
	size_t i;
	int found = 0;

	r = analyze_in_story(names_story,
	    "Acme Robotics, Zephyr and the Ruritanian Border Agency.",
	    "Zephyr drone footage", c->sentence);
	for (i = 0; i < r->nclaims; i++) {
		if (strcmp(r->claims[i].text, c->sentence) != 0)
			continue;
		found = 1;
		ck_assert_msg(c->not_why == NULL ||
			strstr(r->claims[i].why, c->not_why) == NULL,
		    "%s: new because %s", c->sentence, r->claims[i].why);
	}
	ck_assert_msg(found == c->is_new, "%s: %s", c->sentence,
	    found ? "flagged new" : "not flagged");
	claims_result_free(r);
}
END_TEST

struct relevance_case {
	const char *title, *body;
	int relevant;
};

static const struct relevance_case relevance_cases[] = {
	{ "Acme Robotics profit rises",
	    "Acme Robotics reported a 12% rise in quarterly profit on strong "
	    "demand for Zephyr.\nThe company raised its forecast and its "
	    "shares climbed 5 percent in New York.\n",
	    0 },
	{ "Acme Robotics opens a factory",
	    "Acme Robotics opened a factory in Valdoria that will build drone "
	    "parts for farmers.\nThe plant will employ 300 people from next "
	    "spring, the company said.\n",
	    0 },
	{ "Storms close Ruritania's northern border",
	    "Heavy snow closed the northern border of Ruritania on Sunday.\n"
	    "Migrants waited in camps as the border agency suspended crossings "
	    "for two days.\n",
	    0 },
	{ "Acme ends border agency's access to Zephyr",
	    "Acme Robotics cut off the Ruritanian border agency's access to "
	    "Zephyr after the inquiry found that drone footage of migrants was "
	    "stored on its servers.\nHalvorsen & Pike said the agency broke "
	    "the terms of service.\n",
	    1 },
};

START_TEST(test_relevance)
{
	const struct relevance_case *c = &relevance_cases[_i];
	struct knowledge *k = story_new();
	struct claims_result *r;

	r = claims_analyze(k, c->title, c->body, strlen(c->body));
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->relevant == c->relevant, "%s: relevance %.2f",
	    c->title, r->relevance);
	if (!r->relevant)
		ck_assert(r->nclaims == 0 && r->nchanges == 0);
	claims_result_free(r);
	knowledge_free(k);
}
END_TEST

/* A configured term of several words is marked by its rare words, not by
 * an everyday one that other names share. */
START_TEST(test_terms)
{
	struct knowledge *k = story_new();
	struct claims_result *r;
	static const char un[] = "The United Nations said drone footage of "
				 "migrants showed crossings "
				 "at the border agency's posts.\n";
	static const char unit[] = "Unit 7100, a drone squadron, filmed "
				   "migrants for the border agency, "
				   "according to footage seen by reporters.\n";

	ck_assert_int_eq(knowledge_add_term(k, "Unit 7100"), 0);
	r = claims_analyze(k, "Drone footage of migrants", un, strlen(un));
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(!r->relevant,
	    "the United Nations made it relevant (%.2f)", r->relevance);
	claims_result_free(r);
	r = claims_analyze(k, "Drone footage of migrants", unit, strlen(unit));
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->relevant, "Unit 7100 did not (%.2f)", r->relevance);
	claims_result_free(r);
	knowledge_free(k);
}
END_TEST

START_TEST(test_changed_figure)
{
	struct knowledge *k = story_new();
	struct claims_result *r;
	static const char body[] =
	    "Acme Robotics said the inquiry into the Ruritanian border "
	    "agency's use of Zephyr found that it kept nearly 3,000 hours of "
	    "footage on its servers.\n"
	    "Acme said a third inquiry, into all of its contracts with "
	    "the agency, would follow.\n"
	    "The agency employs 400 analysts to watch drone footage of "
	    "migrants.\n";
	size_t i;
	int hours = 0, inquiry = 0;

	r = claims_analyze(
	    k, "Inquiry finds more footage on Zephyr", body, strlen(body));
	ck_assert_ptr_nonnull(r);
	ck_assert(r->relevant);
	for (i = 0; i < r->nchanges; i++) {
		const struct claims_change *c = &r->changes[i];
		ck_assert_ptr_nonnull(c->old.sentence);
		ck_assert_ptr_nonnull(c->new.sentence);
		if (c->old.value == 1200 && c->new.value == 3000)
			hours = 1;
		if (c->old.value == 2 && c->new.value == 3)
			inquiry = 1;
		/* the analysts were never counted: not a change */
		ck_assert(c->new.value != 400);
	}
	ck_assert_msg(hours, "1,200 -> 3,000 hours not found");
	ck_assert_msg(inquiry, "second -> third inquiry not found");
	claims_result_free(r);
	knowledge_free(k);
}
END_TEST

/*
 * A count of people as outlets word it: the same noun or another word for
 * people, the toll named before the figure, killed or died for the seed's
 * verb.  Each line is analysed alone against a story that says "over 3,000
 * migrants have died".
 */
static const char toll_story[] =
    "Acme Robotics sold Zephyr drones to the Ruritanian border agency to "
    "watch migrants.\n"
    "Since March 2024, over 3,000 migrants have died crossing the border, "
    "according to the Ruritanian Red Cross, with the true toll likely "
    "higher.\n";

struct toll_case {
	const char *sentence;
	double changed_to; /* the new value reported, or 0 for no change */
};

static const struct toll_case toll_cases[] = {
	{ "More than 3,600 migrants have died crossing the border since "
	  "March 2024, the Red Cross said.",
	    3600 },
	{ "At least 3,400 people have died on the crossing, according to the "
	  "Red Cross.",
	    3400 },
	{ "The border crossing has killed a minimum of 3,300 individuals "
	  "since March 2024, the Red Cross says.",
	    3300 },
	{ "The death toll on the border has passed 3,500, according to the "
	  "Red Cross.",
	    3500 },
	/* the same toll said again, more or less exactly */
	{ "Over 3,000 migrants have died crossing the border, the Red Cross "
	  "said.",
	    0 },
	{ "Some 3,050 migrants have died crossing the border, the Red Cross "
	  "said.",
	    0 },
	/* other counts in the same words */
	{ "The border agency employs 4,000 guards to watch the crossing.", 0 },
	{ "About 2 million people live near the border, the Red Cross said.",
	    0 },
};

START_TEST(test_toll_phrasings)
{
	const struct toll_case *c = &toll_cases[_i];
	struct claims_result *r;
	size_t i;
	int found = 0;

	r = analyze_in_story(toll_story,
	    "Acme Robotics Zephyr drones watch migrants for the Ruritanian "
	    "border agency.",
	    "Zephyr drones at the border", c->sentence);
	for (i = 0; i < r->nchanges; i++) {
		ck_assert_msg(c->changed_to != 0, "%s: changed %g -> %g",
		    c->sentence, r->changes[i].old.value,
		    r->changes[i].new.value);
		ck_assert(r->changes[i].old.value == 3000);
		found |= r->changes[i].new.value == c->changed_to;
	}
	ck_assert_msg(c->changed_to == 0 || found, "%s: no change to %g",
	    c->sentence, c->changed_to);
	claims_result_free(r);
}
END_TEST

/* A learned figure is the story's current value: the next change starts from
 * it. */
START_TEST(test_figure_history)
{
	struct knowledge *k = story_new();
	struct claims_result *r;
	static const char first[] =
	    "Acme Robotics said the inquiry into the Ruritanian border "
	    "agency's use of Zephyr found that it kept nearly 3,000 hours of "
	    "drone footage of migrants on its servers.\n";
	static const char second[] =
	    "Acme Robotics said the Ruritanian border agency kept more than "
	    "4,500 hours of drone footage of migrants on Zephyr servers.\n";
	static const char again[] =
	    "The Ruritanian border agency kept nearly 3,000 hours of drone "
	    "footage of migrants on Acme's Zephyr servers, Acme Robotics "
	    "said.\n";

	r = claims_analyze(k, "Zephyr footage", first, strlen(first));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nchanges, 1);
	ck_assert(r->changes[0].old.value == 1200);
	ck_assert_int_ge(
	    knowledge_learn(k, r, "https://a.example/f", NULL, 1), 1);
	claims_result_free(r);

	r = claims_analyze(k, "Zephyr footage", again, strlen(again));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nchanges, 0);
	claims_result_free(r);

	r = claims_analyze(k, "Zephyr footage", second, strlen(second));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nchanges, 1);
	ck_assert_msg(r->changes[0].old.value == 3000, "old value %g",
	    r->changes[0].old.value);
	ck_assert(r->changes[0].new.value == 4500);
	claims_result_free(r);
	knowledge_free(k);
}
END_TEST

START_TEST(test_learning)
{
	struct knowledge *k = story_new(), *k2;
	struct claims_result *r, *r2;
	const struct claims_learned *l;
	static const char body[] =
	    "Acme Robotics and the Ruritanian border agency: drone footage "
	    "of migrants on Zephyr.\n"
	    "Acme chief executive Mara Quist resigned on Monday over the "
	    "Zephyr contract.\n";
	static const char later[] =
	    "Acme Robotics and the Ruritanian border agency: drone footage "
	    "of migrants on Zephyr.\n"
	    "Mara Quist, Acme's chief executive, quit on Monday over the "
	    "Zephyr contract.\n";
	size_t i, n;

	r = claims_analyze(k, "Acme chief quits", body, strlen(body));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_ge(r->nclaims, 1);
	ck_assert_int_ge(knowledge_learn(k, r, "https://a.example/1",
			     "Acme chief quits", 1700000000),
	    1);
	claims_result_free(r);
	n = knowledge_learned_count(k);
	ck_assert_uint_ge(n, 1);
	l = knowledge_learned_get(k, 0);
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(learned_kind_name(l->kind), "claim");
	ck_assert_str_eq(l->url, "https://a.example/1");
	ck_assert_int_eq(l->corroborations, 0);

	/* another outlet repeats it: known now, and it corroborates */
	r = claims_analyze(
	    k, "Acme chief executive quits", later, strlen(later));
	ck_assert_ptr_nonnull(r);
	for (i = 0; i < r->nclaims; i++)
		ck_assert_msg(strstr(r->claims[i].text, "Quist") == NULL,
		    "repeated claim flagged again: %s", r->claims[i].text);
	ck_assert_uint_ge(r->ncorroborated, 1);
	ck_assert_int_eq(
	    knowledge_learn(k, r, "https://b.example/2", NULL, 1700000100),
	    (int)r->nclaims + (int)r->nchanges);
	ck_assert_ptr_nonnull(knowledge_learned_find(k, r->corroborated[0]));
	ck_assert_int_eq(
	    knowledge_learned_find(k, r->corroborated[0])->corroborations, 1);
	claims_result_free(r);

	/* export and reload into a fresh story: same knowledge */
	k2 = story_new();
	for (i = 0; i < knowledge_learned_count(k); i++)
		ck_assert_int_eq(
		    knowledge_add_learned(k2, knowledge_learned_get(k, i)), 0);
	ck_assert_int_eq(
	    knowledge_add_learned(k2, knowledge_learned_get(k, 0)), -1);
	r2 = claims_analyze(
	    k2, "Acme chief executive quits", later, strlen(later));
	ck_assert_ptr_nonnull(r2);
	for (i = 0; i < r2->nclaims; i++)
		ck_assert(strstr(r2->claims[i].text, "Quist") == NULL);
	claims_result_free(r2);
	knowledge_free(k2);
	knowledge_free(k);
}
END_TEST

START_TEST(test_json)
{
	struct knowledge *k = story_new();
	struct claims_result *r;
	static const char body[] =
	    "Acme Robotics and the Ruritanian border agency: drone footage "
	    "of migrants on Zephyr.\n"
	    "Acme chief executive Mara Quist resigned on Monday.\n"
	    "The agency kept nearly 3,000 hours of footage on Zephyr.\n";
	json_t *o, *c;
	const char *key;
	json_t *v;
	int nkeys = 0;

	r = claims_analyze(k, "Acme chief quits", body, strlen(body));
	ck_assert_ptr_nonnull(r);
	o = claims_result_to_json(r, 0);
	ck_assert_ptr_nonnull(o);
	json_object_foreach(o, key, v)
	{
		nkeys++;
		ck_assert(strcmp(key, "relevant") == 0 ||
		    strcmp(key, "relevance") == 0 ||
		    strcmp(key, "new_claims") == 0 ||
		    strcmp(key, "changed_figures") == 0);
	}
	ck_assert_int_eq(nkeys, 4);
	ck_assert(json_is_true(json_object_get(o, "relevant")));
	c = json_array_get(json_object_get(o, "new_claims"), 0);
	ck_assert_ptr_nonnull(c);
	ck_assert(json_is_string(json_object_get(c, "text")));
	ck_assert(json_is_number(json_object_get(c, "novelty")));
	ck_assert(json_is_string(json_object_get(c, "nearest")) ||
	    json_is_null(json_object_get(c, "nearest")));
	c = json_array_get(json_object_get(o, "changed_figures"), 0);
	ck_assert_ptr_nonnull(c);
	ck_assert(json_is_string(json_object_get(c, "subject")));
	ck_assert(json_is_number(
	    json_object_get(json_object_get(c, "old"), "value")));
	ck_assert(json_is_string(
	    json_object_get(json_object_get(c, "new"), "sentence")));
	json_decref(o);
	claims_result_free(r);
	knowledge_free(k);
}
END_TEST

/* Hostile text: never crash, never emit invalid UTF-8. */
START_TEST(test_hostile)
{
	struct knowledge *k = story_new();
	struct claims_result *r;
	static const char bad[] =
	    "Acme \xff\xfe Zephyr \xc3 border agency footage.\n"
	    "Acme chief Mara \xffQuist\x00 resigned on Monday at \xc3\x28 "
	    "Valdoria.\n";
	char *big;
	size_t n = 1u << 20, i;
	json_t *o;

	r = claims_analyze(
	    k, "Acme Zephyr border agency drone footage", bad, sizeof(bad) - 1);
	ck_assert_ptr_nonnull(r);
	for (i = 0; i < r->nclaims; i++)
		ck_assert(sw_utf8_valid(
		    r->claims[i].text, strlen(r->claims[i].text)));
	o = claims_result_to_json(r, CLAIMS_JSON_EXPLAIN);
	ck_assert_ptr_nonnull(o);
	json_decref(o);
	claims_result_free(r);
	r = claims_analyze(k, "", "", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert(!r->relevant);
	claims_result_free(r);
	/* digits of other scripts (Arabic-Indic) once stalled the tokeniser */
	r = claims_analyze(k, "Acme",
	    "Acme said \xd9\xa3\xd9\xa4\xd9\xa5 drones and \xef\xbc\x91 "
	    "Zephyr border agency footage.\n",
	    strlen("Acme said \xd9\xa3\xd9\xa4\xd9\xa5 drones and "
		   "\xef\xbc\x91 Zephyr border agency footage.\n"));
	ck_assert_ptr_nonnull(r);
	claims_result_free(r);
	/* random bytes and random story words with punctuation */
	{
		static const char *const bits[] = { "Acme", "Zephyr", "border",
			"agency", "footage", "1,200", "3.5", "U.S.", "Inc.",
			".", ",", "\"", "\xe2\x80\x9c", "\xe2\x80\xa6", "\n",
			"\xe2\x80\xa2", "%", "-fold", "May", "2021", "\xff",
			"\xc3", "\xd9\xa3", "'s", "(", ")" };
		char buf[4096];
		uint32_t seed = 12345;
		int it;

		for (it = 0; it < 200; it++) {
			size_t len = 0;
			while (len + 16 < sizeof(buf)) {
				seed = seed * 1103515245u + 12345u;
				if ((seed >> 16) % 3 == 0) {
					buf[len++] = (char)(seed >> 8);
					continue;
				}
				const char *b =
				    bits[(seed >> 16) % SW_ARRAY_SIZE(bits)];
				memcpy(buf + len, b, strlen(b));
				len += strlen(b);
				buf[len++] = ' ';
			}
			r = claims_analyze(k, "Acme Zephyr", buf, len);
			ck_assert_ptr_nonnull(r);
			o = claims_result_to_json(r, CLAIMS_JSON_EXPLAIN);
			ck_assert_ptr_nonnull(o);
			json_decref(o);
			claims_result_free(r);
		}
	}
	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	for (i = 0; i < n; i++)
		big[i] = "Zephyr 1,2 acme. x"[i % 18];
	big[n] = '\0';
	r = claims_analyze(k, "Acme", big, n);
	ck_assert_ptr_nonnull(r);
	claims_result_free(r);
	free(big);
	knowledge_free(k);
}
END_TEST

/* --- the bundled default story, with restatements and follow-ups written for
 * this test --- */

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1)) != NULL) {
		if (fread(p, 1, (size_t)n, f) != (size_t)n) {
			free(p);
			p = NULL;
		} else
			p[n] = '\0';
	}
	fclose(f);
	return p;
}

static struct knowledge *
default_story_new(void)
{
	static const char *const files[] = { "000_0d46abae8691fe75.txt",
		"003_89a4de04343dac4c.txt" };
	const char *root = getenv("SW_SOURCE_ROOT");
	struct knowledge *k;
	char path[1024], *text;
	size_t i;

	k = knowledge_new(lx, "microsoft-azure-unit8200", NULL);
	ck_assert_ptr_nonnull(k);
	for (i = 0; i < SW_ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path),
		    "%s/config/stories/microsoft-azure-unit8200/%s",
		    root ? root : ".", files[i]);
		text = read_all(path);
		ck_assert_msg(text != NULL, "%s: cannot read", path);
		ck_assert_int_eq(
		    knowledge_add_baseline(k, text, strlen(text), path), 0);
		free(text);
	}
	return k;
}

/* Restatements in other words: none may be a new claim. */
static const char restated[] =
    "Microsoft has brought in an outside law firm to look into reports that "
    "an Israeli military intelligence unit relied on its cloud platform to "
    "keep recordings of phone calls made by Palestinians.\n"
    "The company said the inquiry would be handled by lawyers at Covington "
    "& Burling, helped by an independent technical consultancy.\n"
    "The move came after a joint investigation by The Guardian, +972 "
    "Magazine and the Hebrew-language site Local Call reported that Unit "
    "8200 had kept huge volumes of intercepted calls on a walled-off part of "
    "Azure.\n"
    "Microsoft said that storing recordings gathered through the mass "
    "surveillance of civilians in Gaza and the occupied West Bank would "
    "breach its terms of service.\n"
    "The tech giant had carried out an earlier review, announced in May, "
    "which it said found no evidence that its tools had been used to harm "
    "people in Gaza.\n"
    "According to documents seen by the Guardian, Microsoft chief executive "
    "Satya Nadella met the unit's commander in 2021, when plans to move as "
    "much as 70% of the unit's data to the cloud were discussed.\n"
    "Microsoft has said it was not aware the data included intercepted "
    "calls.\n"
    "Israel's military has said its work with technology companies is "
    "carried out under regulated and legally supervised agreements.\n"
    "Read more: Microsoft's cloud business in numbers\n";

/* A follow-up: these sentences carry new names, figures or actors. */
static const char followup[] =
    "Microsoft has said using its cloud for the mass surveillance of "
    "civilians breaks its terms of service, and Covington & Burling is "
    "reviewing how Unit 8200 used Azure.\n"
    "Maria Keller, who joined the board in 2019, said in a letter that the "
    "review had taken too long.\n"
    "Investors holding about 2 percent of Microsoft's shares have asked for "
    "a vote on human rights risks.\n"
    "Engineers in the company's Dublin office signed a petition calling for "
    "all contracts with the Israeli military to be ended.\n"
    "The petition gathered 1,500 signatures in a week, organisers said.\n";

START_TEST(test_default_story)
{
	struct knowledge *k = default_story_new();
	struct claims_result *r;
	size_t i;

	r = claims_analyze(k, "Microsoft orders outside review of cloud use",
	    restated, strlen(restated));
	ck_assert_ptr_nonnull(r);
	ck_assert(r->relevant);
	for (i = 0; i < r->nclaims; i++)
		ck_abort_msg("restatement flagged: %s", r->claims[i].text);
	ck_assert_uint_eq(r->nchanges, 0);
	claims_result_free(r);

	r = claims_analyze(k, "Board member quits over cloud contracts",
	    followup, strlen(followup));
	ck_assert_ptr_nonnull(r);
	ck_assert(r->relevant);
	ck_assert_msg(r->nclaims == 4, "%zu new claims", r->nclaims);
	for (i = 0; i < r->nclaims; i++) {
		ck_assert(
		    strstr(r->claims[i].text, "terms of service") == NULL);
		ck_assert_ptr_nonnull(r->claims[i].nearest);
	}
	claims_result_free(r);
	knowledge_free(k);
}
END_TEST

static Suite *
claims_suite(void)
{
	Suite *s = suite_create("claims");
	TCase *tc;

	tc = tcase_create("text");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_split, 0, (int)SW_ARRAY_SIZE(split_cases));
	tcase_add_loop_test(tc, test_figures, 0, (int)SW_ARRAY_SIZE(fig_cases));
	tcase_add_loop_test(
	    tc, test_not_figures, 0, (int)SW_ARRAY_SIZE(nofig_cases));
	tcase_add_loop_test(
	    tc, test_same_value, 0, (int)SW_ARRAY_SIZE(same_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("story");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(
	    tc, test_novelty, 0, (int)SW_ARRAY_SIZE(novelty_cases));
	tcase_add_loop_test(
	    tc, test_relevance, 0, (int)SW_ARRAY_SIZE(relevance_cases));
	tcase_add_test(tc, test_terms);
	tcase_add_test(tc, test_changed_figure);
	tcase_add_test(tc, test_figure_history);
	tcase_add_loop_test(tc, test_names, 0, (int)SW_ARRAY_SIZE(names_cases));
	tcase_add_loop_test(
	    tc, test_toll_phrasings, 0, (int)SW_ARRAY_SIZE(toll_cases));
	tcase_add_test(tc, test_default_story);
	tcase_add_test(tc, test_learning);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(claims_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
