/* storywatchctl internals shared by its command files. */
#ifndef SW_CTL_H
#define SW_CTL_H

#include <jansson.h>

/* Exit codes: the contract of storywatchctl. */
#define CTL_EXIT_OK 0
#define CTL_EXIT_FAILED 1
#define CTL_EXIT_USAGE 2
#define CTL_EXIT_UNREACHABLE 3

#endif
