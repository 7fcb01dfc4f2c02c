/* SPDX-License-Identifier: MIT */
/* The pointers of dl_xml.h and dl_ndctl.h, and their loading. */
#define VPM_DL_DEFINING
#include <dlfcn.h>
#include <stddef.h>

#include "dl_ndctl.h"
#include "dl_xml.h"
#include "dynlib.h"
#include "log.h"

#define VPM_DL_DEFINE(f) __typeof__(&(f)) vpm_dl_##f;
VPM_XML_SYMBOLS(VPM_DL_DEFINE)
VPM_NDCTL_SYMBOLS(VPM_DL_DEFINE)
VPM_DAXCTL_SYMBOLS(VPM_DL_DEFINE)

struct dl_symbol {
	const char *name;
	void **slot;
};

/* dlsym(3) returns an object pointer for a function; POSIX guarantees the
 * representations agree, and storing through a void ** is how it says to do
 * the conversion. */
#define VPM_DL_ENTRY(f) { #f, (void **)&vpm_dl_##f },

static const struct dl_symbol xml_symbols[] = { VPM_XML_SYMBOLS(VPM_DL_ENTRY) };
static const struct dl_symbol ndctl_symbols[] = { VPM_NDCTL_SYMBOLS(VPM_DL_ENTRY) };
static const struct dl_symbol daxctl_symbols[] = { VPM_DAXCTL_SYMBOLS(VPM_DL_ENTRY) };

/* Open the library by its soname, the way the dynamic linker would have
 * found it at start-up, and resolve every symbol; all or nothing. The
 * library stays loaded for the rest of the process. */
static int load(const char *soname, const struct dl_symbol *syms, size_t n)
{
	void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!handle) {
		log_error("cannot load %s: %s", soname, dlerror());
		return -1;
	}
	for (i = 0; i < n; i++) {
		void *p;

		dlerror();
		p = dlsym(handle, syms[i].name);
		if (!p) {
			log_error("cannot load %s: it has no %s", soname, syms[i].name);
			for (size_t j = 0; j < i; j++)
				*syms[j].slot = NULL;
			dlclose(handle);
			return -1;
		}
		*syms[i].slot = p;
	}
	return 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The library the headers describe: libxml2 2.14 changed its soname. */
#if LIBXML_VERSION >= 21400
#define LIBXML2_SONAME "libxml2.so.16"
#else
#define LIBXML2_SONAME "libxml2.so.2"
#endif

int dl_load_xml(void)
{
	static int loaded;

	if (!loaded)
		loaded = load(LIBXML2_SONAME, xml_symbols, COUNT(xml_symbols)) < 0 ? -1 : 1;
	return loaded > 0 ? 0 : -1;
}

int dl_load_ndctl(void)
{
	static int loaded;

	if (!loaded) {
		loaded = -1;
		if (load("libdaxctl.so.1", daxctl_symbols, COUNT(daxctl_symbols)) == 0 &&
		    load("libndctl.so.6", ndctl_symbols, COUNT(ndctl_symbols)) == 0)
			loaded = 1;
	}
	return loaded > 0 ? 0 : -1;
}
