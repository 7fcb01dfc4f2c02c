/* SPDX-License-Identifier: MIT */
/* libndctl and libdaxctl for the code that uses them, loaded by
 * dl_load_ndctl() (see dynlib.h and dl_xml.h: the same scheme). The
 * libraries' iteration macros (ndctl_bus_foreach and the like) expand to the
 * get_first/get_next functions listed here, so they work unchanged. */
#ifndef VPM_DL_NDCTL_H
#define VPM_DL_NDCTL_H

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>

#include "dynlib.h"

#define VPM_NDCTL_SYMBOLS(X) \
	X(ndctl_btt_get_size) X(ndctl_btt_get_uuid) X(ndctl_bus_get_first) \
	X(ndctl_bus_get_next) X(ndctl_dax_get_align) X(ndctl_dax_get_daxctl_region) \
	X(ndctl_dax_get_size) X(ndctl_dax_get_uuid) X(ndctl_namespace_get_alt_name) \
	X(ndctl_namespace_get_btt) X(ndctl_namespace_get_dax) \
	X(ndctl_namespace_get_devname) X(ndctl_namespace_get_first) \
	X(ndctl_namespace_get_mode) X(ndctl_namespace_get_next) \
	X(ndctl_namespace_get_numa_node) X(ndctl_namespace_get_pfn) \
	X(ndctl_namespace_get_size) X(ndctl_namespace_get_uuid) \
	X(ndctl_namespace_is_active) X(ndctl_new) X(ndctl_pfn_get_align) \
	X(ndctl_pfn_get_size) X(ndctl_pfn_get_uuid) X(ndctl_region_get_first) \
	X(ndctl_region_get_next) X(ndctl_set_log_fn) X(ndctl_unref)

#define VPM_DAXCTL_SYMBOLS(X) \
	X(daxctl_dev_get_devname) X(daxctl_dev_get_first) X(daxctl_dev_is_enabled) \
	X(daxctl_region_get_align)

VPM_NDCTL_SYMBOLS(VPM_DL_DECLARE)
VPM_DAXCTL_SYMBOLS(VPM_DL_DECLARE)

#ifndef VPM_DL_DEFINING
#define ndctl_btt_get_size vpm_dl_ndctl_btt_get_size
#define ndctl_btt_get_uuid vpm_dl_ndctl_btt_get_uuid
#define ndctl_bus_get_first vpm_dl_ndctl_bus_get_first
#define ndctl_bus_get_next vpm_dl_ndctl_bus_get_next
#define ndctl_dax_get_align vpm_dl_ndctl_dax_get_align
#define ndctl_dax_get_daxctl_region vpm_dl_ndctl_dax_get_daxctl_region
#define ndctl_dax_get_size vpm_dl_ndctl_dax_get_size
#define ndctl_dax_get_uuid vpm_dl_ndctl_dax_get_uuid
#define ndctl_namespace_get_alt_name vpm_dl_ndctl_namespace_get_alt_name
#define ndctl_namespace_get_btt vpm_dl_ndctl_namespace_get_btt
#define ndctl_namespace_get_dax vpm_dl_ndctl_namespace_get_dax
#define ndctl_namespace_get_devname vpm_dl_ndctl_namespace_get_devname
#define ndctl_namespace_get_first vpm_dl_ndctl_namespace_get_first
#define ndctl_namespace_get_mode vpm_dl_ndctl_namespace_get_mode
#define ndctl_namespace_get_next vpm_dl_ndctl_namespace_get_next
#define ndctl_namespace_get_numa_node vpm_dl_ndctl_namespace_get_numa_node
#define ndctl_namespace_get_pfn vpm_dl_ndctl_namespace_get_pfn
#define ndctl_namespace_get_size vpm_dl_ndctl_namespace_get_size
#define ndctl_namespace_get_uuid vpm_dl_ndctl_namespace_get_uuid
#define ndctl_namespace_is_active vpm_dl_ndctl_namespace_is_active
#define ndctl_new vpm_dl_ndctl_new
#define ndctl_pfn_get_align vpm_dl_ndctl_pfn_get_align
#define ndctl_pfn_get_size vpm_dl_ndctl_pfn_get_size
#define ndctl_pfn_get_uuid vpm_dl_ndctl_pfn_get_uuid
#define ndctl_region_get_first vpm_dl_ndctl_region_get_first
#define ndctl_region_get_next vpm_dl_ndctl_region_get_next
#define ndctl_set_log_fn vpm_dl_ndctl_set_log_fn
#define ndctl_unref vpm_dl_ndctl_unref
#define daxctl_dev_get_devname vpm_dl_daxctl_dev_get_devname
#define daxctl_dev_get_first vpm_dl_daxctl_dev_get_first
#define daxctl_dev_is_enabled vpm_dl_daxctl_dev_is_enabled
#define daxctl_region_get_align vpm_dl_daxctl_region_get_align
#endif

#endif
