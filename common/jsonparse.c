/* SPDX-License-Identifier: MIT */
#include "jsonparse.h"

#include <pthread.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;      /* of data */
	size_t mapped;          /* the whole mapping, header included */
	bool populated;         /* its pages brought in when it was mapped */
	max_align_t data[];
};

#define CHUNK_MIN (1u << 20)

/* Under AddressSanitizer every node is an allocation of its own (see
 * arena_alloc). */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_CHECKED 1 /* gcc */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_CHECKED 1 /* clang */
#endif
#endif

/* A parsed document takes about seven times its text in cJSON nodes and
 * strings; map that much at once, populated, so that its pages arrive in
 * one call instead of a fault each. */
#define NODES_PER_TEXT_BYTE 7

/* The largest chunk of the last document freed on this thread, kept for the
 * next: its pages are already there (the state parsed, then printed anew). */
static _Thread_local struct arena_chunk *spare;

#define HUGE_PAGE (2u << 20)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* A document's arena in transparent huge pages, where the kernel has them:
 * a parsed host of 4,096 namespaces takes 6 MiB, and bringing that in as
 * 4 KiB pages (each allocated, cleared, charged and mapped, then unmapped at
 * exit) costs about as much as parsing it. *len is rounded up to whole huge
 * pages; the mapping is aligned to one, and populated. Falls back to small
 * pages wherever huge ones are refused. */
static void *map_huge(size_t *len)
{
	size_t want = (*len + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	char *raw = mmap(NULL, want + HUGE_PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *m, *end;

	if (raw == MAP_FAILED)
		return MAP_FAILED;
	m = (char *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	end = m + want;
	if (m > raw)
		munmap(raw, (size_t)(m - raw));
	if (raw + want + HUGE_PAGE > end)
		munmap(end, (size_t)(raw + want + HUGE_PAGE - end));
	(void)madvise(m, want, MADV_HUGEPAGE);
	if (madvise(m, want, MADV_POPULATE_WRITE) < 0) {
		/* an older kernel: touch a byte a page instead */
		for (size_t off = 0; off < want; off += 4096)
			m[off] = 0;
	}
	*len = want;
	return m;
}

static void add_chunk(struct json_doc *doc, size_t want, bool populate)
{
	struct arena_chunk *c;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *m;

#ifdef ARENA_CHECKED
	(void)populate;
	(void)page;
	(void)m;
	(void)doc;
	(void)want;
	return;
#endif
	want = (want + sizeof(*c) + page - 1) / page * page;
	if (spare && spare->mapped >= want) {
		c = spare;
		spare = NULL;
		c->used = 0;
		c->next = doc->chunks;
		doc->chunks = c;
		return;
	}
	m = populate && want >= HUGE_PAGE ? map_huge(&want)
	  : mmap(NULL, want, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0), -1, 0);
	if (m == MAP_FAILED) {
		fputs("vpmemctl: out of memory\n", stderr);
		exit(1);
	}
	c = m;
	c->populated = populate;
	c->mapped = want;
	c->size = want - sizeof(*c);
	c->used = 0;
	c->next = doc->chunks;
	doc->chunks = c;
}

/* cJSON's hooks are global and take no context. They are installed once;
 * inside json_doc_parse() the thread's arena takes the allocations, anywhere
 * else malloc and free do. */
static _Thread_local struct json_doc *filling;

static void *arena_alloc(size_t n)
{
	struct arena_chunk *c;

	if (!filling)
		return malloc(n);
#ifdef ARENA_CHECKED
	/* Under AddressSanitizer every node is an allocation of its own, so
	 * that it sees their bounds; freed with the document all the same. */
	c = xmalloc(sizeof(*c) + n);
	c->mapped = 0;
	c->size = c->used = n;
	c->next = filling->chunks;
	filling->chunks = c;
	return c->data;
#endif
	c = filling->chunks;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->size - c->used < n) {
		size_t want = c ? c->mapped * 2 : CHUNK_MIN;

		add_chunk(filling, want > n ? want : n, false);
		c = filling->chunks;
	}
	c->used += n;
	return (char *)c->data + c->used - n;
}

static void arena_free(void *p)
{
	if (!filling)
		free(p);
	/* else: released with the whole arena */
}

static void install_hooks(void)
{
	cJSON_Hooks hooks = { .malloc_fn = arena_alloc, .free_fn = arena_free };

	cJSON_InitHooks(&hooks);
}

static void json_doc_begin(struct json_doc *doc)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, install_hooks);
	*doc = (struct json_doc){ 0 };
	filling = doc;
}

static void json_doc_end(void)
{
	filling = NULL;
}

void json_doc_parse_sized(struct json_doc *doc, const char *text, size_t len, size_t like)
{
	const char *end = NULL;

	json_doc_begin(doc);
	/* populated at once: a chunk that is kept for the next document (see
	 * json_doc_free) is then faulted in only once */
	if (like * NODES_PER_TEXT_BYTE > CHUNK_MIN / 4)
		add_chunk(doc, like * NODES_PER_TEXT_BYTE, true);
	doc->root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	json_doc_end();
	doc->error_at = end;
	if (!doc->root)
		return;
	/* what cJSON takes for whitespace, up to the end, as when it is told
	 * the text must end there */
	while (end < text + len && (unsigned char)*end <= 32)
		end++;
	if (end < text + len) {
		doc->root = NULL; /* its nodes go with the arena */
		doc->error_at = end;
	}
}

void json_doc_parse_prefix(struct json_doc *doc, const char *text, size_t len, size_t like,
			   const char **end)
{
	json_doc_begin(doc);
	if (like * NODES_PER_TEXT_BYTE > CHUNK_MIN / 4)
		add_chunk(doc, like * NODES_PER_TEXT_BYTE, true);
	*end = NULL;
	doc->root = cJSON_ParseWithLengthOpts(text, len, end, 0);
	json_doc_end();
	doc->error_at = *end;
}

void json_doc_parse(struct json_doc *doc, const char *text)
{
	size_t len = strlen(text);

	json_doc_begin(doc);
	if (len * NODES_PER_TEXT_BYTE > CHUNK_MIN)
		add_chunk(doc, len * NODES_PER_TEXT_BYTE, true);
	doc->root = cJSON_ParseWithOpts(text, &doc->error_at, 1);
	json_doc_end();
}

void json_fields(const cJSON *obj, const char *const *keys, const cJSON **out, size_t n)
{
	const cJSON *m;
	size_t left = n;

	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	for (m = obj ? obj->child : NULL; m && left; m = m->next) {
		const char *name = m->string;

		if (!name)
			continue;
		/* the first byte rules out most keys without a call */
		for (size_t i = 0; i < n; i++) {
			if (!out[i] && keys[i][0] == name[0] && strcmp(keys[i], name) == 0) {
				out[i] = m;
				left--;
				break;
			}
		}
	}
}

void json_thread_done(void)
{
	if (spare)
		munmap(spare, spare->mapped);
	spare = NULL;
}

void json_doc_free(struct json_doc *doc)
{
	while (doc->chunks) {
		struct arena_chunk *c = doc->chunks;

		doc->chunks = c->next;
		if (!c->mapped) { /* a checked allocation (see arena_alloc) */
			free(c);
			continue;
		}
		/* only a populated chunk is worth keeping: the next document
		 * would otherwise fault its pages in one by one all the same */
		if (c->populated && (!spare || c->mapped > spare->mapped)) {
			struct arena_chunk *old = spare;

			spare = c;
			c = old;
		}
		if (c)
			munmap(c, c->mapped);
	}
	doc->root = NULL;
}
