/* libFuzzer target: config files through config_load (the input is the file,
 * held in a memfd so no disk is touched). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "fuzz_util.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cfg_fd = -1;
static char cfg_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(LOGL_ERR);
	if ((cfg_fd = memfd_create("storywatch-fuzz.json", 0)) < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(cfg_path, sizeof(cfg_path), "/proc/self/fd/%d", cfg_fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errors errs = { 0 };
	struct sw_config *cfg;
	char line[1024];

	if (ftruncate(cfg_fd, 0) < 0 ||
	    (size > 0 && pwrite(cfg_fd, data, size, 0) != (ssize_t)size))
		abort();
	cfg = config_load(cfg_path, &errs);
	/* Either a config and no error, or no config and every error. */
	FUZZ_CHECK((cfg != NULL) == (errs.n == 0), "config %p with %zu errors",
	    (void *)cfg, errs.n);
	for (size_t i = 0; i < errs.n; i++) {
		FUZZ_CHECK(errs.v[i].message != NULL && errs.v[i].path != NULL,
		    "error %zu incomplete", i);
		cfg_error_format(&errs.v[i], line, sizeof(line));
		FUZZ_CHECK(strlen(line) < sizeof(line), "format overran");
	}
	config_free(cfg);
	cfg_errors_clear(&errs);
	return 0;
}
