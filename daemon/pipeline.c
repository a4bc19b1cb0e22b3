/*
 * The pipeline: the only place that knows feeds, claims and notify.  A new or
 * changed item arrives here; it is checked for relevance to each story its
 * feed feeds, its full article is fetched when the summary is short, it is
 * analysed against the story's knowledge, and a story update is written in
 * one transaction (item seen, knowledge learned, alert, one delivery per
 * webhook) before anything is sent.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "html.h"
#include "log.h"
#include "payload.h"
#include "story.h"
#include "util.h"

/* Summaries shorter than this (characters of text) send us to the article. */
#define SUMMARY_ENOUGH 1500

struct pipeline_job {
	struct daemon *d;
	char *feed_id;
	char *feed_title;
	char *item_id;
	char *hash;
	int updated;
	char *title;
	char *link;
	char *text; /* summary or content as text */
	int64_t published;
	struct http_req *req;
	struct pipeline_job *next, *prev;
};

/* One story's knowledge: baseline files, terms, and what was learned. */
static int
story_build(struct daemon *d, const struct cfg_story *cs, struct story_rt *s)
{
	char err[512];
	size_t learned = 0;

	s->id = strdup(cs->id);
	s->k = story_knowledge_build(d->lexicon, cs, d->store,
	    &s->baseline_sentences, &learned, err, sizeof(err));
	if (s->id == NULL || s->k == NULL) {
		log_err("story %s: %s", cs->id, s->k ? "out of memory" : err);
		return -1;
	}
	if (err[0] != '\0')
		log_warn("story %s: %s", cs->id, err);
	log_info("story %s: %zu baseline sentences, %zu learned items", cs->id,
	    s->baseline_sentences, learned);
	return 0;
}

static void
stories_free(struct story_rt *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		knowledge_free(v[i].k);
		free(v[i].id);
	}
	free(v);
}

/* Load the word data and build every story now. */
static int
pipeline_build(struct daemon *d)
{
	struct story_rt *v;

	d->stories_deferred = 0;
	if (d->lexicon == NULL &&
	    (d->lexicon = claims_lexicon_new(NULL)) == NULL) {
		log_err("cannot load the word data for the claims engine");
		return -1;
	}
	v = calloc(d->cfg->nstories + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	for (size_t i = 0; i < d->cfg->nstories; i++) {
		if (story_build(d, &d->cfg->stories[i], &v[i]) < 0) {
			stories_free(v, i + 1);
			return -1;
		}
	}
	stories_free(d->stories, d->nstories);
	d->stories = v;
	d->nstories = d->cfg->nstories;
	return 0;
}

int
daemon_pipeline_start(struct daemon *d)
{
	/*
	 * A --once run often has nothing to analyse (a first poll, or only
	 * 304s): the word data is loaded when the first item needs it.
	 */
	if (d->once && d->lexicon == NULL) {
		d->stories_deferred = 1;
		return 0;
	}
	return pipeline_build(d);
}

static void
job_free(struct pipeline_job *j)
{
	struct daemon *d = j->d;

	if (j->req != NULL)
		http_cancel(j->req);
	if (j->prev != NULL)
		j->prev->next = j->next;
	else if (d->jobs == j)
		d->jobs = j->next;
	if (j->next != NULL)
		j->next->prev = j->prev;
	free(j->feed_id);
	free(j->feed_title);
	free(j->item_id);
	free(j->hash);
	free(j->title);
	free(j->link);
	free(j->text);
	free(j);
}

void
daemon_pipeline_stop(struct daemon *d)
{
	/* Unfinished jobs leave their items unseen: polled again later. */
	while (d->jobs != NULL)
		job_free(d->jobs);
	d->jobs_in_flight = 0;
	stories_free(d->stories, d->nstories);
	d->stories = NULL;
	d->nstories = 0;
	claims_lexicon_free(d->lexicon);
	d->lexicon = NULL;
}

struct story_rt *
daemon_story(struct daemon *d, const char *id)
{
	for (size_t i = 0; i < d->nstories; i++)
		if (strcmp(d->stories[i].id, id) == 0)
			return &d->stories[i];
	return NULL;
}

static json_t *
corroborated_json(struct knowledge *k, const struct claims_result *r)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < r->ncorroborated; i++) {
		const struct claims_learned *l =
		    knowledge_learned_find(k, r->corroborated[i]);
		json_t *src;

		if (l == NULL)
			continue;
		src = json_array();
		for (size_t j = 0; j < l->nsources; j++)
			json_array_append_new(src, json_string(l->sources[j]));
		/* Outlets that reported it: the first, and each repeat. */
		json_array_append_new(arr,
		    json_pack("{s:s, s:I, s:o}", "text", l->text, "count",
			(json_int_t)l->nsources + 1, "sources", src));
	}
	return arr;
}

/* The version 1 alert object (docs/webhook-payload.schema.json). */
static json_t *
alert_build(struct daemon *d, struct pipeline_job *j, struct story_rt *s,
    const struct claims_result *r, const char *alert_id, int64_t now)
{
	const struct cfg_story *cs = config_story(d->cfg, s->id);
	json_t *claims = json_array(), *changes = json_array();
	char when[32], pub[32];

	for (size_t i = 0; i < r->nclaims; i++)
		json_array_append_new(
		    claims, claims_claim_to_json(&r->claims[i], 0));
	for (size_t i = 0; i < r->nchanges; i++)
		json_array_append_new(
		    changes, claims_change_to_json(&r->changes[i]));
	return json_pack("{s:i, s:s, s:s, s:s, s:{s:s, s:s}, "
			 "s:{s:s, s:s, s:s?, s:{s:s, s:s?}}, s:o, s:o, s:o}",
	    "version", 1, "id", alert_id, "kind",
	    j->updated ? "article_updated" : "new_article", "detected_at",
	    sw_iso8601(now, when, sizeof(when)), "story", "id", s->id, "title",
	    cs != NULL ? cs->title : s->id, "article", "url",
	    j->link ? j->link : "", "title", j->title ? j->title : "",
	    "published",
	    j->published != FEED_NO_DATE
		? sw_iso8601(j->published, pub, sizeof(pub))
		: NULL,
	    "feed", "id", j->feed_id, "title", j->feed_title, "new_claims",
	    claims, "changed_figures", changes, "corroborated",
	    corroborated_json(s->k, r));
}

/* Write one learned item (new, or with a grown corroboration); 0 or -1. */
static int
learned_put(
    struct daemon *d, struct story_rt *s, const struct claims_learned *l)
{
	struct store_learned sl;
	json_t *src = json_array();
	char *sj;
	int rc;

	for (size_t k = 0; k < l->nsources; k++)
		json_array_append_new(src, json_string(l->sources[k]));
	sj = json_dumps(src, JSON_COMPACT);
	json_decref(src);
	sl = (struct store_learned){ l->id, learned_kind_name(l->kind), l->text,
		l->url, l->title, l->time, l->corroborations, sj };
	rc = store_learned_put(d->store, s->id, &sl);
	free(sj);
	return rc;
}

static int
persist_learned(struct daemon *d, struct story_rt *s, size_t before,
    const struct claims_result *r)
{
	size_t n = knowledge_learned_count(s->k);
	int rc = 0;

	/* New items, then the ones whose corroboration grew. */
	for (size_t i = before; i < n; i++)
		if (learned_put(d, s, knowledge_learned_get(s->k, i)) < 0)
			rc = -1;
	for (size_t i = 0; i < r->ncorroborated; i++) {
		const struct claims_learned *l =
		    knowledge_learned_find(s->k, r->corroborated[i]);

		if (l != NULL && learned_put(d, s, l) < 0)
			rc = -1;
	}
	return rc;
}

/* When a claim was reported: the article's date when it has a sane one. */
static int64_t
reported_at(const struct pipeline_job *j, int64_t now)
{
	if (j->published != FEED_NO_DATE && j->published > 0 &&
	    j->published <= now)
		return j->published;
	return now;
}

/* Analyses the article against every story and writes what it found. */
static void
job_finish(struct pipeline_job *j)
{
	struct daemon *d = j->d;
	const struct cfg_feed *f = config_feed(d->cfg, j->feed_id);
	int64_t now = sw_wall_s();
	int alerted = 0, failed = 0, learned_any = 0;
	char key[512];

	daemon_batch_begin(d);
	snprintf(
	    key, sizeof(key), "item %s %s %s", j->feed_id, j->item_id, j->hash);
	if (daemon_guard_enter(d, key) < 0) {
		log_info("feed %s: item %s is quarantined; skipped", j->feed_id,
		    j->item_id);
		store_item_put(d->store, j->feed_id, j->item_id, j->hash, now);
		return;
	}
	for (size_t i = 0; f != NULL && i < d->nstories; i++) {
		struct story_rt *s = &d->stories[i];
		struct claims_result *r;
		size_t before;

		if (!config_feed_has_story(f, s->id))
			continue;
		r = claims_analyze(s->k, j->title, j->text, strlen(j->text));
		if (r == NULL || !r->relevant) {
			claims_result_free(r);
			continue;
		}
		before = knowledge_learned_count(s->k);
		if (r->nclaims > 0 || r->nchanges > 0) {
			char id[NOTIFY_ID_SIZE], *payload;
			json_t *alert;
			struct store_alert a;
			char err[256];

			if (notify_alert_id_new(id, sizeof(id)) < 0) {
				failed = 1;
				claims_result_free(r);
				break;
			}
			/* Learn first: corroboration counts include this one.
			 */
			knowledge_learn(
			    s->k, r, j->link, j->title, reported_at(j, now));
			learned_any = 1;
			alert = alert_build(d, j, s, r, id, now);
			if (alert == NULL ||
			    notify_alert_check(alert, err, sizeof(err)) < 0) {
				log_err("alert for %s: malformed: %s",
				    j->link ? j->link : j->item_id,
				    alert ? err : "out of memory");
				json_decref(alert);
				claims_result_free(r);
				failed = 1;
				continue;
			}
			payload = json_dumps(alert, JSON_COMPACT);
			a = (struct store_alert){ id, s->id, now,
				j->updated ? "article_updated" : "new_article",
				j->link, j->title, j->feed_id, payload };
			if (payload == NULL ||
			    store_alert_add(d->store, &a) < 0)
				failed = 1;
			for (size_t w = 0; !failed && w < d->cfg->nwebhooks;
			     w++) {
				const struct cfg_webhook *cw =
				    &d->cfg->webhooks[w];

				if (config_webhook_has_story(cw, s->id) &&
				    store_delivery_add(
					d->store, id, cw->id, now) < 0)
					failed = 1;
			}
			if (!failed && persist_learned(d, s, before, r) < 0)
				failed = 1;
			if (!failed) {
				alerted = 1;
				d->alerts_total++;
				log_notice(
				    "alert %s: story %s: \"%s\" (%s): %zu "
				    "new claim%s, %zu changed figure%s",
				    id, s->id, j->title ? j->title : "",
				    j->feed_id, r->nclaims,
				    r->nclaims == 1 ? "" : "s", r->nchanges,
				    r->nchanges == 1 ? "" : "s");
			}
			free(payload);
			json_decref(alert);
		} else if (r->ncorroborated > 0) {
			knowledge_learn(
			    s->k, r, j->link, j->title, reported_at(j, now));
			learned_any = 1;
			if (persist_learned(d, s, before, r) < 0)
				failed = 1;
			log_info("story %s: \"%s\" (%s) repeats %zu known "
				 "claim%s",
			    s->id, j->title ? j->title : "", j->feed_id,
			    r->ncorroborated, r->ncorroborated == 1 ? "" : "s");
		} else {
			log_info("story %s: \"%s\" (%s) is about the story "
				 "but adds nothing new",
			    s->id, j->title ? j->title : "", j->feed_id);
		}
		claims_result_free(r);
	}
	daemon_guard_leave(d);
	if (!failed &&
	    store_item_put(d->store, j->feed_id, j->item_id, j->hash, now) < 0)
		failed = 1;
	/* Durable before anything is sent. */
	if (!failed && alerted && store_batch_commit(d->store) < 0)
		failed = 1;
	if (failed) {
		/*
		 * Nothing of this article is kept: it is processed again.  What
		 * was learned from it in memory goes too, or the retry would
		 * find its claims already known and the news would be lost.
		 */
		log_err("feed %s: item %s not processed; it will be retried",
		    j->feed_id, j->item_id);
		daemon_store_failed(d, j->feed_id);
		store_rollback(d->store);
		if (learned_any && daemon_pipeline_start(d) < 0)
			log_err("stories could not be reloaded from the store");
		return;
	}
	if (alerted)
		daemon_deliver_kick_all(d);
}

static void
article_done_cb(struct http_req *req, struct http_result *res, void *arg)
{
	struct pipeline_job *j = arg;
	struct daemon *d = j->d;

	j->req = NULL;
	d->jobs_in_flight--;
	if (res->kind == HTTP_R_OK) {
		struct article *a = article_extract(
		    res->body, res->body_len, res->content_type);

		if (a != NULL && a->text != NULL &&
		    strlen(a->text) > strlen(j->text)) {
			free(j->text);
			j->text = a->text;
			a->text = NULL;
			if (j->title == NULL && a->title != NULL) {
				j->title = a->title;
				a->title = NULL;
			}
		}
		article_free(a);
	} else {
		log_info("feed %s: article %s: %s; analysing the summary",
		    j->feed_id, j->link, res->error ? res->error : "failed");
	}
	job_finish(j);
	job_free(j);
	daemon_once_check(d);
}

void
daemon_pipeline_item(struct daemon *d, struct feed_watch *w,
    const struct feed_entry *e, int updated, const char *hash)
{
	const struct cfg_feed *f = config_feed(d->cfg, feed_watch_id(w));
	struct pipeline_job *j;
	const char *html;
	int relevant = 0, fetch = 0, short_summary;

	if (f == NULL)
		return;
	if (d->stories_deferred && pipeline_build(d) < 0) {
		/* The item stays unseen: it is analysed by a later run. */
		log_err("feed %s: item %s not analysed: the stories could not "
			"be built",
		    f->id, e->id);
		return;
	}
	/* Polled again while its article is being fetched: already handled. */
	for (j = d->jobs; j != NULL; j = j->next)
		if (strcmp(j->feed_id, f->id) == 0 &&
		    strcmp(j->item_id, e->id) == 0)
			return;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return;
	j->d = d;
	j->feed_id = strdup(f->id);
	j->feed_title = sw_strdup0(f->title);
	j->item_id = strdup(e->id);
	j->hash = strdup(hash);
	j->updated = updated;
	j->title = sw_strdup0(e->title);
	j->link = sw_strdup0(e->link);
	j->published = e->published;
	html = e->content != NULL ? e->content : e->summary;
	j->text = html != NULL ? html_to_text(html, strlen(html)) : strdup("");
	if (j->text == NULL)
		j->text = strdup("");
	if (j->feed_id == NULL || j->item_id == NULL || j->hash == NULL ||
	    j->text == NULL) {
		job_free(j);
		return;
	}
	if ((j->next = d->jobs) != NULL)
		d->jobs->prev = j;
	d->jobs = j;
	/*
	 * Relevance on title and summary decides whether the article matters.
	 * A short summary says little: when it names any of a story's terms,
	 * the full article is fetched and decides instead.
	 */
	short_summary = strlen(j->text) < SUMMARY_ENOUGH;
	for (size_t i = 0; i < d->nstories; i++) {
		struct story_rt *s = &d->stories[i];
		const struct cfg_story *cs = config_story(d->cfg, s->id);
		struct claims_result *r;
		int fetchable = cs != NULL && cs->fetch_articles &&
		    j->link != NULL && short_summary;

		if (!config_feed_has_story(f, s->id))
			continue;
		r = claims_analyze(s->k, j->title, j->text, strlen(j->text));
		if (r != NULL &&
		    (r->relevant ||
			(fetchable && r->matched_terms != NULL &&
			    r->matched_terms[0] != '\0'))) {
			relevant = 1;
			if (fetchable)
				fetch = 1;
		}
		claims_result_free(r);
	}
	if (!relevant) {
		log_debug("feed %s: \"%s\" is not about any story", j->feed_id,
		    j->title ? j->title : "");
		daemon_batch_begin(d);
		store_item_put(
		    d->store, j->feed_id, j->item_id, j->hash, sw_wall_s());
		job_free(j);
		return;
	}
	if (fetch) {
		struct http_request_opts o = { 0 };

		o.url = j->link;
		o.follow_redirects = 1;
		o.untrusted = 1; /* the link comes from the feed */
		o.max_body = (size_t)d->cfg->fetch.max_article_body;
		j->req = http_request(d->http, &o, article_done_cb, j);
		if (j->req != NULL) {
			d->jobs_in_flight++;
			return;
		}
	}
	job_finish(j);
	job_free(j);
}

json_t *
daemon_pipeline_stories_json(struct daemon *d)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < d->nstories; i++)
		json_array_append_new(arr,
		    json_pack("{s:s, s:I, s:I, s:I}", "id", d->stories[i].id,
			"baseline_sentences",
			(json_int_t)d->stories[i].baseline_sentences, "learned",
			(json_int_t)knowledge_learned_count(d->stories[i].k),
			"sentences",
			(json_int_t)knowledge_sentence_count(d->stories[i].k)));
	return arr;
}
