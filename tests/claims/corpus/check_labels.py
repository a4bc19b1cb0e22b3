#!/usr/bin/env python3
"""Check the claims corpus in this folder: its articles, labels.json and
sentences.json.

Usage: check_labels.py [--seeds DIR] [--self-test]

Every label substring is normalised the way ../../../../shared/eval/score.py
normalises text (curly quotes and dashes folded, whitespace collapsed, lower
case) and must lie inside exactly ONE sentence-like span of its article (title
line and body, split at line breaks and at . ! ? before a space and a
non-lower-case character, except after a few abbreviations).  score.py credits
a label only when it is a substring of one sentence the analyser prints, so a
label that straddles two sentences or matches several can never be scored as
meant.  Two labels of one article may not fall in the same span either: a
sentence is new or restated, not both.

It also checks the header of each article, the kinds (a restatement has no
novel labels, a distractor no labels at all), that each changed figure's
baseline text occurs in a seed and its new text in the article, and the shape
of sentences.json (each "restates" copied from a seed, each figure inside its
sentence).

Exit status 0 when all is well, 1 when any check fails.  --self-test runs the
checks on a small broken corpus and fails unless they catch every fault.
"""
import json
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SEEDS = os.path.join(HERE, "..", "..", "..", "config", "stories",
                             "microsoft-azure-unit8200")

QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
          "\u2013": "-", "\u2014": "-", "\u00a0": " "}

# A full stop after these does not end a sentence (in our checker; the
# analyser may split there, so labels also must not contain them).
ABBREV = {"mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "aug",
          "sept", "sep", "oct", "nov", "dec", "u.s", "corp", "inc", "ltd",
          "co", "no", "wash", "calif", "a.m", "p.m", "vs"}

KINDS = {"followup", "restatement", "distractor"}
FIG_KINDS = {"count", "percent", "money", "ordinal", "multiplier", "data",
             "duration", "vague", "date", "time"}
APPROX = {"exact", "over", "under", "about", "atleast", "upto"}


def norm(s):
    for a, b in QUOTES.items():
        s = s.replace(a, b)
    return re.sub(r"\s+", " ", s).strip().lower()


BOUNDARY = re.compile(r"([.!?])([\"')\]]*)\s+(?=[^a-z\s])")


def split_spans(text):
    """Sentence-like spans: lines, cut at sentence ends inside a line."""
    spans = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in BOUNDARY.finditer(line):
            if m.group(1) == ".":
                word = re.search(r"([A-Za-z.]+)$", line[start:m.start()])
                if word and word.group(1).lower().strip(".") in ABBREV:
                    continue
            spans.append(line[start:m.end(2)])
            start = m.end()
        spans.append(line[start:])
    return [norm(s) for s in spans if s.strip()]


def read_article(path):
    raw = open(path, encoding="utf-8").read()
    head, sep, body = raw.partition("\n\n")
    fields = {}
    for line in head.splitlines():
        k, _, v = line.partition(":")
        fields[k] = v.strip()
    return raw, fields, sep, body


class Report:
    def __init__(self):
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")


def load_seeds(seeds_dir, rep):
    texts = []
    if not os.path.isdir(seeds_dir):
        rep.err("seeds", f"no seed folder {seeds_dir}")
        return ""
    for f in sorted(os.listdir(seeds_dir)):
        if f.endswith(".txt"):
            texts.append(open(os.path.join(seeds_dir, f), encoding="utf-8").read())
    if not texts:
        rep.err("seeds", f"no seed articles in {seeds_dir}")
    return "\n".join(texts)


def check_label_text(rep, where, s, spans, used, role):
    """s must be a specific substring of exactly one span, not shared."""
    if not isinstance(s, str) or not s.strip():
        rep.err(where, f"{role} label is not a non-empty string: {s!r}")
        return
    n = norm(s)
    # Furniture is often a short whole line ("6 min read"); claims are not.
    if role != "furniture" and len(n.split()) < 4:
        rep.err(where, f"{role} label too short to identify a sentence: {s!r}")
    for a in ABBREV:
        if re.search(r"(^|[^a-z])" + re.escape(a) + r"\. ", n):
            rep.err(where, f"{role} label spans the abbreviation '{a}.': {s!r}")
    hits = [i for i, sp in enumerate(spans) if n in sp]
    if not hits:
        rep.err(where, f"{role} label not inside any one sentence: {s!r}")
        return
    if len(hits) > 1:
        rep.err(where, f"{role} label matches {len(hits)} sentences: {s!r}")
        return
    i = hits[0]
    if i in used:
        rep.err(where, f"{role} label {s!r} shares its sentence with "
                       f"{used[i][0]} label {used[i][1]!r}")
    else:
        used[i] = (role, s)


def check_labels(corpus, seeds_text, rep):
    path = os.path.join(corpus, "labels.json")
    try:
        labels = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        rep.err("labels.json", f"cannot load: {e}")
        return []
    if not isinstance(labels, list):
        rep.err("labels.json", "top level is not a list")
        return []
    seeds_norm = norm(seeds_text)
    seen = set()
    for lab in labels:
        lid = lab.get("id", "?")
        where = f"{lid}"
        if lid in seen:
            rep.err(where, "duplicate id")
        seen.add(lid)
        for key in ("kind", "relevant", "novel", "known", "changed_figures"):
            if key not in lab:
                rep.err(where, f"missing field {key}")
        kind = lab.get("kind")
        if kind not in KINDS:
            rep.err(where, f"kind {kind!r} not one of {sorted(KINDS)}")
        novel = lab.get("novel", [])
        known = lab.get("known", [])
        figs = lab.get("changed_figures", [])
        furn = lab.get("furniture", [])
        if kind == "distractor":
            if lab.get("relevant") is not False:
                rep.err(where, "a distractor must have relevant: false")
            if novel or known or figs:
                rep.err(where, "a distractor may carry no novel, known or changed labels")
        else:
            if lab.get("relevant") is not True:
                rep.err(where, f"a {kind} must have relevant: true")
            if not known:
                rep.err(where, f"a {kind} should label some restated facts")
        if kind == "restatement" and (novel or figs):
            rep.err(where, "a restatement may carry no novel or changed labels")
        if kind == "followup" and not (novel or figs):
            rep.err(where, "a followup needs novel labels or changed figures")
        apath = os.path.join(corpus, f"{lid}.txt")
        if not os.path.isfile(apath):
            rep.err(where, f"no article {apath}")
            continue
        raw, fields, sep, body = read_article(apath)
        for h in ("URL", "DATE", "TITLE"):
            if not fields.get(h):
                rep.err(where, f"header {h}: missing or empty")
        if not sep:
            rep.err(where, "no blank line between header and body")
        if fields.get("DATE") and not re.match(r"\d{4}-\d\d-\d\d$", fields["DATE"]):
            rep.err(where, f"DATE not YYYY-MM-DD: {fields['DATE']}")
        words = len(body.split())
        if not 120 <= words <= 650:
            rep.err(where, f"body has {words} words, outside 120-650")
        # score.py hands the analyser "TITLE\n\nBODY"; check the same text.
        spans = split_spans(fields.get("TITLE", "") + "\n\n" + body)
        used = {}
        for s in novel:
            check_label_text(rep, where, s, spans, used, "novel")
        for s in known:
            check_label_text(rep, where, s, spans, used, "known")
        for s in furn:
            check_label_text(rep, where, s, spans, used, "furniture")
        for s in lab.get("tolerate", []):
            if norm(s) not in norm(body) and norm(s) not in norm(fields.get("TITLE", "")):
                rep.err(where, f"tolerate text not in article: {s!r}")
        for c in figs:
            for key in ("baseline", "new", "subject"):
                if not c.get(key):
                    rep.err(where, f"changed figure lacks {key}: {c}")
            if c.get("baseline") and norm(c["baseline"]) not in seeds_norm:
                rep.err(where, f"changed figure baseline not in the seeds: {c['baseline']!r}")
            if c.get("new") and not any(norm(c["new"]) in sp for sp in spans):
                rep.err(where, f"changed figure new text not in one sentence: {c['new']!r}")
    files = {f[:-4] for f in os.listdir(corpus) if re.match(r"\d{3}\.txt$", f)}
    for f in sorted(files - seen):
        rep.err(f, "article has no entry in labels.json")
    return labels


def check_sentences(corpus, seeds_text, rep):
    path = os.path.join(corpus, "sentences.json")
    if not os.path.exists(path):
        return None
    try:
        tab = json.load(open(path, encoding="utf-8"))
    except ValueError as e:
        rep.err("sentences.json", f"does not parse: {e}")
        return None
    seeds_norm = norm(seeds_text)
    need = {"known": ("sentence", "restates"), "novel": ("sentence", "why"),
            "hard_known": ("sentence", "restates", "why"),
            "hard_novel": ("sentence", "why"),
            "figures": ("sentence", "figure", "value", "kind", "approx", "counts")}
    for table, keys in need.items():
        rows = tab.get(table)
        if not isinstance(rows, list) or not rows:
            rep.err("sentences.json", f"table {table} missing or empty")
            continue
        sents = set()
        for i, row in enumerate(rows):
            where = f"sentences.json {table}[{i}]"
            for k in keys:
                if k not in row:
                    rep.err(where, f"missing {k}")
            s = row.get("sentence", "")
            if table != "figures":
                if norm(s) in sents:
                    rep.err(where, f"duplicate sentence {s!r}")
                sents.add(norm(s))
                if len(split_spans(s)) != 1:
                    rep.err(where, f"not a single sentence: {s!r}")
            if "restates" in keys and row.get("restates") is not None:
                if norm(row["restates"]) not in seeds_norm:
                    rep.err(where, f"restates text not copied from a seed: {row['restates'][:60]!r}")
                elif norm(s) in seeds_norm:
                    rep.err(where, "the sentence is the seed's own wording, not a restatement")
            if table == "figures":
                if row.get("figure") and row["figure"] not in s:
                    rep.err(where, f"figure {row['figure']!r} not in its sentence")
                if not isinstance(row.get("value"), (int, float)):
                    rep.err(where, f"value not a number: {row.get('value')!r}")
                if row.get("kind") not in FIG_KINDS:
                    rep.err(where, f"kind {row.get('kind')!r} not in {sorted(FIG_KINDS)}")
                if row.get("approx") not in APPROX:
                    rep.err(where, f"approx {row.get('approx')!r} not in {sorted(APPROX)}")
                c = row.get("counts", "")
                if row.get("kind") in ("date", "time"):
                    if c is not None:
                        rep.err(where, "a date or time counts nothing (counts: null)")
                elif not isinstance(c, str) or not 1 <= len(c.split()) <= 3:
                    rep.err(where, f"counts must be a 1-3 word noun: {c!r}")
    return tab


def run(corpus, seeds_dir, quiet=False):
    rep = Report()
    seeds_text = load_seeds(seeds_dir, rep)
    labels = check_labels(corpus, seeds_text, rep)
    tab = check_sentences(corpus, seeds_text, rep)
    if not quiet:
        for e in rep.errors:
            print("FAIL", e)
        kinds = {}
        for lab in labels:
            kinds[lab.get("kind")] = kinds.get(lab.get("kind"), 0) + 1
        n = lambda k: sum(len(lab.get(k, [])) for lab in labels)
        print(f"articles: {len(labels)} {kinds}")
        print(f"labels: novel {n('novel')}, known {n('known')}, "
              f"changed {n('changed_figures')}, furniture {n('furniture')}")
        if tab:
            print("sentences.json: " + ", ".join(
                f"{k} {len(v)}" for k, v in tab.items() if isinstance(v, list)))
        print("ok" if not rep.errors else f"{len(rep.errors)} problem(s)")
    return rep.errors


def self_test(seeds_dir):
    """Each fault below must be reported; fail if any slips through."""
    tmp = tempfile.mkdtemp(prefix="check-labels-")
    try:
        body = ("Microsoft said it would review the claims. Covington & Burling "
                "will run it.\nRelated: Five shows to stream this weekend\n")
        body += "Filler words for the length check. " * 30
        for i in ("001", "002"):
            with open(os.path.join(tmp, i + ".txt"), "w", encoding="utf-8") as f:
                f.write(f"URL: https://example.org/{i}\nDATE: 2025-08-16\n"
                        f"TITLE: Test {i}\n\n{body}")
        with open(os.path.join(tmp, "003.txt"), "w", encoding="utf-8") as f:
            f.write("URL: x\nTITLE: no date\n\nshort body\n")
        labels = [
            {"id": "001", "kind": "restatement", "relevant": True,
             "novel": ["Covington & Burling will run it"],          # novel in a restatement
             "known": ["said it would review the claims. Covington",  # straddles two sentences
                       "Filler words for the length check",          # matches many sentences
                       "a sentence that is not there at all"],       # absent
             "changed_figures": []},
            {"id": "002", "kind": "distractor", "relevant": False,
             "novel": [], "known": ["Microsoft said it would review"],  # label in a distractor
             "changed_figures": [{"baseline": "over 99,999", "new": "100,000",
                                  "subject": "nothing"}]},           # not in seeds/article
            {"id": "003", "kind": "followup", "relevant": True,
             "novel": ["too short"], "known": [], "changed_figures": []},
        ]
        json.dump(labels, open(os.path.join(tmp, "labels.json"), "w"))
        json.dump({"known": [{"sentence": "Made up.", "restates": "Not a seed sentence at all."}]},
                  open(os.path.join(tmp, "sentences.json"), "w"))
        errs = run(tmp, seeds_dir, quiet=True)
        expect = ["restatement may carry no novel", "not inside any one sentence",
                  "matches", "a distractor may carry", "baseline not in the seeds",
                  "new text not in one sentence", "too short", "header DATE",
                  "outside 120-650", "restates text not copied", "table novel missing",
                  "should label some restated"]
        missed = [e for e in expect if not any(e in x for x in errs)]
        for m in missed:
            print(f"self-test: the checker did not report '{m}'")
        print("self-test: " + ("ok" if not missed else "FAILED") +
              f" ({len(errs)} faults reported)")
        return not missed
    finally:
        shutil.rmtree(tmp)


def main():
    args = sys.argv[1:]
    seeds = DEFAULT_SEEDS
    if "--seeds" in args:
        seeds = args[args.index("--seeds") + 1]
    if "--self-test" in args:
        sys.exit(0 if self_test(seeds) else 1)
    sys.exit(1 if run(HERE, seeds) else 0)


if __name__ == "__main__":
    main()
