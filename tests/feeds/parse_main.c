/* Test driver: storywatchctl's parse command (ctl/parse.c) as a program of its
 * own. */
#include "parse.h"

int
main(int argc, char **argv)
{
	return ctl_cmd_parse(argc, argv);
}
