/* JSON form of analysis results, shared by storywatchctl analyze, the webhook
 * payload and the timeline. */
#include "claims.h"

json_t *
claims_claim_to_json(const struct claims_claim *c, int flags)
{
	json_t *o;

	o = json_pack("{s:s, s:f, s:o}", "text", c->text, "novelty", c->novelty,
	    "nearest", c->nearest ? json_string(c->nearest) : json_null());
	if (o == NULL)
		return NULL;
	if ((flags & CLAIMS_JSON_EXPLAIN) && c->why != NULL) {
		if (json_object_set_new(o, "why", json_string(c->why)) == -1)
			goto fail;
		if (c->nearest_id &&
		    json_object_set_new(o, "nearest_id",
			json_integer((json_int_t)c->nearest_id)) == -1)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *
figref_to_json(const struct claims_figref *f)
{
	return json_pack("{s:s, s:f, s:s}", "text", f->text, "value", f->value,
	    "sentence", f->sentence);
}

json_t *
claims_change_to_json(const struct claims_change *c)
{
	return json_pack("{s:s, s:o, s:o}", "subject", c->subject, "old",
	    figref_to_json(&c->old), "new", figref_to_json(&c->new));
}

json_t *
claims_result_to_json(const struct claims_result *r, int flags)
{
	json_t *o, *claims, *changes, *x;
	size_t i;

	o = json_object();
	claims = json_array();
	changes = json_array();
	if (o == NULL || claims == NULL || changes == NULL)
		goto fail;
	for (i = 0; r->relevant && i < r->nclaims; i++) {
		x = claims_claim_to_json(&r->claims[i], flags);
		if (x == NULL || json_array_append_new(claims, x) == -1)
			goto fail;
	}
	for (i = 0; r->relevant && i < r->nchanges; i++) {
		x = claims_change_to_json(&r->changes[i]);
		if (x == NULL || json_array_append_new(changes, x) == -1)
			goto fail;
	}
	if (json_object_set_new(o, "relevant", json_boolean(r->relevant)) ==
		-1 ||
	    json_object_set_new(o, "relevance", json_real(r->relevance)) ==
		-1 ||
	    json_object_set_new(o, "new_claims", claims) == -1 ||
	    json_object_set_new(o, "changed_figures", changes) == -1) {
		claims = changes = NULL;
		goto fail;
	}
	if (flags & CLAIMS_JSON_EXPLAIN) {
		json_t *ids = json_array();
		if (ids == NULL)
			goto fail_o;
		for (i = 0; i < r->ncorroborated; i++)
			json_array_append_new(
			    ids, json_integer((json_int_t)r->corroborated[i]));
		json_object_set_new(o, "corroborates", ids);
		json_object_set_new(o, "terms",
		    json_string(r->matched_terms ? r->matched_terms : ""));
	}
	return o;
fail:
	json_decref(claims);
	json_decref(changes);
fail_o:
	json_decref(o);
	return NULL;
}
