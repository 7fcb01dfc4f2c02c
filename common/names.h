/* SPDX-License-Identifier: MIT */
/* What the names users give look like: instances, Placement uuids, a
 * flavor's label list. Pure. */
#ifndef VPM_NAMES_H
#define VPM_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define INSTANCE_MAX 255

/* 1 to 255 characters of [A-Za-z0-9._:-]. */
bool instance_valid(const char *s);

/* 8-4-4-4-12 lowercase hexadecimal digits: the one spelling in which
 * Placement stores consumers and providers, so the only one by which an
 * allocation made with it can be found and deleted again. */
bool uuid_valid(const char *s);

/* A flavor's hw:pmem value: labels separated by ',', blanks around them and
 * empty entries ignored, as Nova does. Appends to labels; returns the count. */
size_t labels_parse(const char *arg, struct strv *labels);

#endif
