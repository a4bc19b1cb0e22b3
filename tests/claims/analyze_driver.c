/* A stand-alone `analyze` for tests and score.py: the same code storywatchctl
 * runs. */
#include "analyze.h"

int
main(int argc, char **argv)
{
	if (argc < 2)
		return ctl_cmd_analyze(1, (char *[]){ "analyze", 0 });
	return ctl_cmd_analyze(argc - 1, argv + 1);
}
