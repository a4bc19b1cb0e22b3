/* notify/'s public interface: payloads, Standard Webhooks signing, retries. */
#ifndef SW_NOTIFY_H
#define SW_NOTIFY_H

#include "payload.h"
#include "retry.h"
#include "sign.h"

#endif
