/* storywatchctl parse: parse one saved feed file offline and print it. */
#ifndef SW_CTL_PARSE_H
#define SW_CTL_PARSE_H

/*
 * storywatchctl parse [--base-url URL] [--content-type TYPE] [--json] FILE
 * argv[0] is the command name.  Prints a readable report (or, with --json,
 * feed_doc_to_json's object) on stdout.  Returns the exit code: 0 parsed
 * (possibly bozo), 1 unreadable file or no feed (empty, not a feed,
 * refused), 2 usage.
 */
int ctl_cmd_parse(int argc, char **argv);

#endif
