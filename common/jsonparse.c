/* SPDX-License-Identifier: MIT */
#include "jsonparse.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define CHUNK_BYTES (1u << 20)

/* cJSON's hooks are global and take no context. They are installed once;
 * inside json_doc_parse() the thread's arena takes the allocations, anywhere
 * else (documents built for output) malloc and free do. */
static _Thread_local struct json_doc *filling;

static void *arena_alloc(size_t n)
{
	struct arena_chunk *c;

	if (!filling)
		return malloc(n);
	c = filling->chunks;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_BYTES ? n : CHUNK_BYTES;

		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = filling->chunks;
		filling->chunks = c;
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

void json_doc_begin(struct json_doc *doc)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, install_hooks);
	*doc = (struct json_doc){ 0 };
	filling = doc;
}

void json_doc_end(void)
{
	filling = NULL;
}

void json_doc_parse(struct json_doc *doc, const char *text)
{
	json_doc_begin(doc);
	doc->root = cJSON_ParseWithOpts(text, &doc->error_at, 1);
	json_doc_end();
}

void json_doc_free(struct json_doc *doc)
{
	while (doc->chunks) {
		struct arena_chunk *next = doc->chunks->next;

		free(doc->chunks);
		doc->chunks = next;
	}
	doc->root = NULL;
}
