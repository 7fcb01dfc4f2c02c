/* SPDX-License-Identifier: MIT */
/* Libraries that only some commands need, loaded when first needed.
 *
 * Linking libxml2 and libndctl into the program costs every command about
 * 4 ms before main() on this class of machine: they bring in ICU, libstdc++,
 * libkmod, libudev and libcrypto, and the dynamic loader relocates all of
 * them. A claim against a host snapshot needs none of them, and a claim
 * against the kernel needs only libndctl, which is then loaded by the thread
 * that reads the host, alongside the lock and the state. So the program is
 * linked against neither: dl_xml.h and dl_ndctl.h turn each function the code
 * calls into a pointer of the very same type, filled from dlopen(3) by
 * dl_load_xml() and dl_load_ndctl(), which a command calls before its first
 * use. The code calls the libraries as it would otherwise; only the loading
 * differs. */
#ifndef VPM_DYNLIB_H
#define VPM_DYNLIB_H

/* A pointer with the type of the library's own symbol f. */
#define VPM_DL_DECLARE(f) extern __typeof__(&(f)) vpm_dl_##f;

/* Load libxml2 (libxml2.so.2; .16 from libxml2 2.14 on) and fill every pointer of dl_xml.h: 0, or -1
 * with the reason logged. Loads once; to be called from one thread. */
int dl_load_xml(void);

/* Load libndctl (libndctl.so.6) and libdaxctl (libdaxctl.so.1) and fill every
 * pointer of dl_ndctl.h: 0, or -1 with the reason logged. Loads once; to be
 * called from one thread. */
int dl_load_ndctl(void);

#endif
