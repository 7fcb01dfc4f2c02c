/* SPDX-License-Identifier: MIT */
#include "nsaccess.h"

#include "context.h"
#include "inuse.h"
#include "log.h"

enum ns_access claim_access(const struct claim *c)
{
	if (!c->releasing_pid)
		return ACCESS_OWN;
	return process_running(c->releasing_pid, c->releasing_start) ? ACCESS_RELEASING
								     : ACCESS_INTERRUPTED;
}

enum ns_access ns_access(const struct pool_ns *p, const char *name, const char *uuid)
{
	enum ns_access a;

	if (!p->host)
		return ACCESS_UNUSABLE;
	if (p->state == NS_QUARANTINED)
		return ACCESS_QUARANTINED;
	if (!p->claim)
		return ACCESS_FREE;
	if (!instance_is_domain(p->claim->instance, name, uuid))
		return ACCESS_CLAIMED;
	if ((a = claim_access(p->claim)) != ACCESS_OWN)
		return a;
	return p->recreated ? ACCESS_RECREATED : ACCESS_OWN;
}

int access_exit(enum ns_access a)
{
	switch (a) {
	case ACCESS_FREE:
	case ACCESS_OWN:
		return EXIT_OK;
	case ACCESS_UNUSABLE:
		return EXIT_FAIL;
	case ACCESS_PROCESS:
	case ACCESS_DOMAIN:
	case ACCESS_TWO_DOMAINS:
		return EXIT_BUSY;
	default:
		return EXIT_CONFLICT;
	}
}

/* Why claim c may not be touched (ACCESS_RELEASING, ACCESS_INTERRUPTED). */
static char *claim_access_why(enum ns_access a, const struct claim *c)
{
	if (a == ACCESS_RELEASING)
		return xasprintf("instance %s is being released (pid %d); wait for it to finish",
				 c->instance, c->releasing_pid);
	return xasprintf("instance %s was being released%s when its process (pid %d) stopped: "
			 "its namespaces may be partly zeroed; finish it with: vpmemctl release "
			 "%s --keep (zeroes them and keeps the claim) or vpmemctl release %s (frees "
			 "them)", c->instance, c->n_replacing ? " (replaced)" : "",
			 c->releasing_pid, c->instance, c->instance);
}

/* The uuid p's claim recorded for it. */
static const char *claimed_uuid(const struct pool_ns *p)
{
	for (size_t i = 0; p->claim && i < p->claim->n_ns; i++)
		if (streq(p->claim->ns[i].name, p->name))
			return p->claim->ns[i].uuid;
	return "?";
}

char *access_why(enum ns_access a, const struct pool_ns *p, const char *at, const char *holder)
{
	_cleanup_free_ char *dev = NULL, *claim_why = NULL;
	const char *devpath = p->devpath ? p->devpath : "(no device)";

	dev = !at || !p->devpath || streq(at, p->devpath) ? xstrdup(at ? at : devpath)
							   : xasprintf("%s (%s)", at, devpath);
	switch (a) {
	case ACCESS_FREE:
		if (holder)
			return xasprintf("namespace %s at %s is claimed by no instance; record the "
					 "domain's claim (vpmemctl adopt %s --domain FILE) or remove "
					 "the device", p->name, dev, holder);
		return xasprintf("namespace %s at %s is claimed by no instance; record the claim of "
				 "the guest that uses it (vpmemctl adopt) or remove the device",
				 p->name, dev);
	case ACCESS_OWN:
		return xasprintf("namespace %s at %s is the asker's own", p->name, dev);
	case ACCESS_CLAIMED:
		return xasprintf("namespace %s at %s is claimed by instance %s; two guests would "
				 "share one namespace: give each its own (vpmemctl claim, vpmemctl "
				 "render-xml --domain)", p->name, dev, p->instance);
	case ACCESS_RELEASING:
	case ACCESS_INTERRUPTED:
		claim_why = claim_access_why(a, p->claim);
		return xasprintf("namespace %s at %s: %s", p->name, dev, claim_why);
	case ACCESS_QUARANTINED:
		return xasprintf("namespace %s at %s is quarantined (a scrub failed); fix the cause "
				 "and run vpmemctl verify --repair", p->name, dev);
	case ACCESS_RECREATED:
		return xasprintf("namespace %s at %s was destroyed and re-created (uuid %s, claimed "
				 "as %s): the guest's data is gone; release the claim (vpmemctl "
				 "release %s --force) and claim again", p->name, dev,
				 p->host && p->host->uuid ? p->host->uuid : "?", claimed_uuid(p),
				 p->instance);
	case ACCESS_UNUSABLE:
		return xasprintf("namespace %s at %s cannot be used on this host (%s; vpmemctl "
				 "verify says more)", p->name, dev, p->problem ? p->problem : "unusable");
	case ACCESS_PROCESS:
		return xasprintf("namespace %s at %s is %s; stop what uses it", p->name, dev, holder);
	case ACCESS_DOMAIN:
		return xasprintf("namespace %s at %s is used by domain %s", p->name, dev, holder);
	case ACCESS_TWO_DOMAINS:
		return xasprintf("namespace %s at %s is used by domains %s: whose it is is not known; "
				 "remove it from all of them but one", p->name, dev, holder);
	}
	return xstrdup("?");
}

int claim_refuse_marked(const struct claim *c)
{
	enum ns_access a = claim_access(c);
	_cleanup_free_ char *why = NULL;

	if (a == ACCESS_OWN)
		return EXIT_OK;
	why = claim_access_why(a, c);
	log_error("%s", why);
	return access_exit(a);
}
