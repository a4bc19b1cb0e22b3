/* storywatchctl analyze: offline analysis of article files against a story,
 * with text and JSON reports. */
#ifndef SW_CTL_ANALYZE_H
#define SW_CTL_ANALYZE_H

#include <stdio.h>

struct knowledge;

/*
 * `storywatchctl analyze [--baseline FILE...] [--json] FILE...`; argv[0] is
 * "analyze".  Returns the exit code: 0 ok, 1 failure, 2 usage.
 */
int ctl_cmd_analyze(int argc, char **argv);

/*
 * Analyse each file (first line: title; the rest: body) independently
 * against k (borrowed; a story built from config or baseline files) and
 * print one report per file to out, as text or as one JSON object per line.
 * Returns 0 when every file was analysed, 1 otherwise.
 */
int ctl_analyze_files(
    struct knowledge *k, char **files, int nfiles, int json, FILE *out);

/* Print the usage of the analyze command. */
void ctl_analyze_usage(FILE *out);

#endif
