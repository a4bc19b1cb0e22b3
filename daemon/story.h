/* A story's knowledge built from its config: baseline, terms, learned items. */
#ifndef SW_STORY_H
#define SW_STORY_H

#include <stddef.h>

#include "claims.h"
#include "config.h"
#include "store.h"

/*
 * Build the knowledge of story cs on lexicon lx: its baseline files (plain
 * text, or HTML whose main text is extracted), its terms and thresholds, and
 * the items learned earlier from st (NULL: none).  Shared by storywatchd and
 * `storywatchctl analyze`.  Returns the knowledge (caller frees), or NULL
 * with err set; on success err holds a warning or is "".
 */
struct knowledge *story_knowledge_build(struct lexicon *lx,
    const struct cfg_story *cs, struct store *st, size_t *baseline_sentences,
    size_t *learned, char *err, size_t errlen);

/*
 * Add one baseline file to k; 0, or -1 with err set (unreadable, too large,
 * no text).
 */
int story_add_baseline_file(
    struct knowledge *k, const char *path, char *err, size_t errlen);

#endif
