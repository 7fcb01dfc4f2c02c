/* SPDX-License-Identifier: MIT */
#include "names.h"

#include <string.h>

bool instance_valid(const char *s)
{
	size_t len = strlen(s);

	return len >= 1 && len <= INSTANCE_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") == len;
}

bool uuid_valid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]) || !s[i])
			return false;
	}
	return true;
}

size_t labels_parse(const char *arg, struct strv *labels)
{
	_cleanup_free_ char *copy = xstrdup(arg);
	size_t before = labels->n;
	char *tok, *next;

	for (tok = copy; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		tok = strtrim(tok);
		if (*tok)
			strv_push(labels, xstrdup(tok));
	}
	return labels->n - before;
}
