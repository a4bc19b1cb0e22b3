/* notify/'s public interface: payload formats, Standard Webhooks signing, retry
 * policy. */
#ifndef SW_NOTIFY_H
#define SW_NOTIFY_H

#include "notify_payload.h"
#include "notify_retry.h"
#include "notify_sign.h"

#endif
