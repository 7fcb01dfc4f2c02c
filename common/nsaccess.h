/* SPDX-License-Identifier: MIT */
/* May this namespace be touched now, and by whom? One answer per case, each
 * with one message and one exit status, asked by every program: release and
 * its --keep, claim and its --replace, verify --repair, the hook, adopt and
 * inventory. */
#ifndef VPM_NSACCESS_H
#define VPM_NSACCESS_H

#include "pool.h"
#include "state.h"

enum ns_access {
	ACCESS_FREE,            /* nobody's claim: may be handed out */
	ACCESS_OWN,             /* the asker's claim, whole */
	ACCESS_CLAIMED,         /* another instance's claim */
	ACCESS_RELEASING,       /* its claim is being released by a live process */
	ACCESS_INTERRUPTED,     /* its claim's release stopped midway: partly zeroed */
	ACCESS_QUARANTINED,     /* its scrub failed */
	ACCESS_RECREATED,       /* destroyed and re-created since its claim */
	ACCESS_UNUSABLE,        /* the host cannot give it (missing, two of that name...) */
	ACCESS_PROCESS,         /* a process holds it open or mapped */
	ACCESS_DOMAIN,          /* a libvirt domain other than the asker's uses it */
	ACCESS_TWO_DOMAINS,     /* two domains use it: whose it is is not known */
};

/* Whether c is being released: ACCESS_RELEASING (by a live process),
 * ACCESS_INTERRUPTED (its process stopped midway), else ACCESS_OWN. */
enum ns_access claim_access(const struct claim *c);

/* What the state and the host say of p for the asker, an instance or a
 * domain (name, and uuid or NULL): the checks that need no scan of /proc or
 * of libvirt's domains. */
enum ns_access ns_access(const struct pool_ns *p, const char *name, const char *uuid);

/* The contract's exit status of an answer: EXIT_OK (free, own), EXIT_FAIL
 * (the host cannot give it), EXIT_BUSY (a process or a domain uses it),
 * else EXIT_CONFLICT. */
int access_exit(enum ns_access a);

/* Why p may not be touched, with what to do: "namespace ns1 at AT
 * (DEVPATH) is ..." (at: the path it was reached by, NULL for its own).
 * holder says how a process holds it ("open by pid 12 (qemu)") or names the
 * domains, for ACCESS_PROCESS, ACCESS_DOMAIN and ACCESS_TWO_DOMAINS; for
 * ACCESS_FREE it may name the domain that would adopt it.
 * malloc'd. */
char *access_why(enum ns_access a, const struct pool_ns *p, const char *at, const char *holder);

/* Log why c may not be touched and return its exit status (EXIT_CONFLICT)
 * when it is being released or was; EXIT_OK when not. */
int claim_refuse_marked(const struct claim *c);

#endif
