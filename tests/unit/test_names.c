/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "names.h"
#include "tap.h"

static void test_names_and_labels(void)
{
	struct strv l = { 0 };
	char big[300];

	ok(instance_valid("4b7c1e4e-2f0a-4f7e-9a55-1d2b3c4d5e6f"), "a UUID is a valid instance");
	ok(instance_valid("web-01.example:prod_2"), "a libvirt domain name is valid");
	ok(uuid_valid("4b7c1e4e-2f0a-4f7e-9a55-1d2b3c4d5e6f"), "a lowercase dashed UUID");
	ok(!uuid_valid("4B7C1E4E-2F0A-4F7E-9A55-1D2B3C4D5E6F"), "capitals are not Placement's form");
	ok(!uuid_valid("4b7c1e4e2f0a4f7e9a551d2b3c4d5e6f"), "nor 32 digits without dashes");
	ok(!uuid_valid("4b7c1e4e-2f0a-4f7e-9a55-1d2b3c4d5e6"), "nor 35 characters");
	ok(!instance_valid(""), "empty is not");
	ok(!instance_valid("a b"), "blanks are not");
	ok(!instance_valid("../etc"), "slashes are not");
	memset(big, 'a', 255);
	big[255] = '\0';
	ok(instance_valid(big), "255 characters are valid");
	big[255] = 'a';
	big[256] = '\0';
	ok(!instance_valid(big), "256 are not");

	is_u64(labels_parse(" 6GB , LARGE,,6GB ", &l), 3, "blanks and empty entries ignored");
	is_str(l.v[0], "6GB", "first label");
	is_str(l.v[2], "6GB", "repeated labels kept");
	strv_clear(&l);
	is_u64(labels_parse(" , ", &l), 0, "nothing but separators gives no labels");
	strv_clear(&l);
}

int main(void)
{
	test_names_and_labels();
	return tap_done();
}
