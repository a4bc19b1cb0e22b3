/* storywatchd: options, config discovery, and the start-up order. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "sw_config.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: storywatchd [-c FILE] [--check-config] [--once] [-v] "
	    "[--log-level LEVEL]\n"
	    "\n"
	    "  -c, --config FILE     configuration file (default: "
	    "/etc/storywatch/storywatch.json,\n"
	    "                        then config/storywatch.json in the source "
	    "tree)\n"
	    "  -t, --check-config    validate the configuration, print every "
	    "error, exit\n"
	    "  -o, --once            poll every feed once, process what is "
	    "new, "
	    "exit\n"
	    "  -v, --verbose         log debug messages\n"
	    "  -l, --log-level LEVEL error, warning, notice, info or debug\n"
	    "  -V, --version         print the version and exit\n"
	    "  -h, --help            this text\n");
}

/* Prints every error as FILE:LINE:COLUMN: PATH: message. */
static void
print_errors(const struct cfg_errors *errs)
{
	char line[1024];

	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "%s\n",
		    cfg_error_format(&errs->v[i], line, sizeof(line)));
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 't' },
		{ "once", no_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cfg_errors errs = { 0 };
	struct daemon d = { .lock_fd = -1, .guard_fd = -1 };
	struct sw_config *cfg;
	const char *path = NULL;
	enum log_level level = LOGL_INFO;
	int ch, check = 0, forced = 0, once = 0, rc;

	while (
	    (ch = getopt_long(argc, argv, "c:tvl:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'o':
			once = 1;
			break;
		case 'v':
			level = LOGL_DEBUG;
			forced = 1;
			break;
		case 'l':
			if (log_level_parse(optarg, &level) < 0) {
				fprintf(stderr,
				    "storywatchd: --log-level: expected error, "
				    "warning, notice, info or debug\n");
				return 2;
			}
			forced = 1;
			break;
		case 'V':
			printf("storywatchd %s\n", SW_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "storywatchd: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return 2;
	}
	log_init(level);
	if (path == NULL && (path = config_default_path()) == NULL) {
		fprintf(stderr,
		    "storywatchd: no configuration: give -c FILE, or create "
		    "/etc/storywatch/storywatch.json\n");
		return 1;
	}
	cfg = config_load(path, &errs);
	if (cfg != NULL && daemon_config_expand_opml(cfg, &errs) < 0) {
		config_free(cfg);
		cfg = NULL;
	}
	if (check) {
		if (cfg == NULL) {
			print_errors(&errs);
			fprintf(stderr, "%s: %zu error%s\n", path, errs.n,
			    errs.n == 1 ? "" : "s");
			cfg_errors_clear(&errs);
			return 1;
		}
		printf("configuration OK: %s (%zu stories, %zu feeds, %zu "
		       "webhooks)\n",
		    cfg->path, cfg->nstories, cfg->nfeeds, cfg->nwebhooks);
		config_free(cfg);
		return 0;
	}
	if (cfg == NULL) {
		print_errors(&errs);
		log_err("cannot start: %zu error%s in %s", errs.n,
		    errs.n == 1 ? "" : "s", path);
		cfg_errors_clear(&errs);
		return 1;
	}
	if (!forced)
		log_set_level(cfg->log_level);
	d.log_level_forced = forced;
	d.once = once;
	log_info("loaded configuration %s", cfg->path);
	if (daemon_start(&d, path, cfg) < 0) {
		if (d.config_path == NULL)
			config_free(cfg);
		daemon_free(&d);
		return 1;
	}
	rc = daemon_run(&d);
	log_notice("stopped");
	daemon_free(&d);
	return rc;
}
