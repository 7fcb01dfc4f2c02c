/* SPDX-License-Identifier: MIT */
/* verify --repair: quarantined namespaces zeroed again, through release's
 * machinery (zero.h) and under its lock discipline. */
#ifndef VPM_REPAIR_H
#define VPM_REPAIR_H

#include "context.h"

/* Zero every quarantined namespace that may be (not re-created since, no
 * known bad blocks, a device to zero it through, nothing holding it), and
 * drop the entries of namespaces gone from host and configuration. A scrub
 * of 1 GiB or more runs without the state lock; the state is then read
 * anew and an entry leaves the quarantine only if it is still the one that
 * was zeroed (same name and uuid) and nothing holds the device. The state
 * is committed once, and only then is each namespace audited with the
 * outcome the committed state holds. repaired and dropped receive the
 * names taken out of quarantine. Returns EXIT_OK (also when a namespace
 * stays quarantined, logged), or EXIT_FAIL when the state could not be
 * read again or written (nothing repaired, lists emptied). */
int repair_quarantined(struct vpm_ctx *ctx, struct strv *repaired, struct strv *dropped);

#endif
