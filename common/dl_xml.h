/* SPDX-License-Identifier: MIT */
/* libxml2 for the code that uses it, loaded by dl_load_xml() (see dynlib.h).
 * Include this instead of libxml's own headers: after it, every libxml2
 * function named in VPM_XML_SYMBOLS is a call through a pointer of the same
 * type, so the compiler still checks every call. A libxml2 function used
 * without being listed here fails to link, which is the reminder to add it. */
#ifndef VPM_DL_XML_H
#define VPM_DL_XML_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include "dynlib.h"

#define VPM_XML_SYMBOLS(X) \
	X(xmlAddChild) X(xmlAddNextSibling) X(xmlAddPrevSibling) \
	X(xmlBufferContent) X(xmlBufferCreate) X(xmlBufferEmpty) X(xmlBufferFree) \
	X(xmlBufferLength) X(xmlCtxtGetLastError) X(xmlCtxtReadMemory) \
	X(xmlDocDumpMemory) X(xmlDocGetRootElement) X(xmlFree) X(xmlFreeDoc) X(xmlFreeNode) \
	X(xmlFreeParserCtxt) X(xmlGetProp) X(xmlNewChild) X(xmlNewDoc) \
	X(xmlNewDocNode) X(xmlNewParserCtxt) X(xmlNewProp) X(xmlNewTextChild) \
	X(xmlNodeDump) X(xmlNodeGetContent) X(xmlNodeSetContent) X(xmlSaveClose) \
	X(xmlSaveDoc) X(xmlSaveToBuffer) X(xmlSetExternalEntityLoader) \
	X(xmlSetGenericErrorFunc) X(xmlSetProp) X(xmlStrEqual) X(xmlStrndup) \
	X(xmlUnlinkNode)

VPM_XML_SYMBOLS(VPM_DL_DECLARE)

#ifndef VPM_DL_DEFINING
#define xmlAddChild vpm_dl_xmlAddChild
#define xmlAddNextSibling vpm_dl_xmlAddNextSibling
#define xmlAddPrevSibling vpm_dl_xmlAddPrevSibling
#define xmlBufferContent vpm_dl_xmlBufferContent
#define xmlBufferCreate vpm_dl_xmlBufferCreate
#define xmlBufferEmpty vpm_dl_xmlBufferEmpty
#define xmlBufferFree vpm_dl_xmlBufferFree
#define xmlBufferLength vpm_dl_xmlBufferLength
#define xmlCtxtGetLastError vpm_dl_xmlCtxtGetLastError
#define xmlCtxtReadMemory vpm_dl_xmlCtxtReadMemory
#define xmlDocDumpMemory vpm_dl_xmlDocDumpMemory
#define xmlDocGetRootElement vpm_dl_xmlDocGetRootElement
/* A variable in libxml2 (the free function it allocates with), not a
 * function: its address is what the pointer holds. */
#define xmlFree (*vpm_dl_xmlFree)
#define xmlFreeDoc vpm_dl_xmlFreeDoc
#define xmlFreeNode vpm_dl_xmlFreeNode
#define xmlFreeParserCtxt vpm_dl_xmlFreeParserCtxt
#define xmlGetProp vpm_dl_xmlGetProp
#define xmlNewChild vpm_dl_xmlNewChild
#define xmlNewDoc vpm_dl_xmlNewDoc
#define xmlNewDocNode vpm_dl_xmlNewDocNode
#define xmlNewParserCtxt vpm_dl_xmlNewParserCtxt
#define xmlNewProp vpm_dl_xmlNewProp
#define xmlNewTextChild vpm_dl_xmlNewTextChild
#define xmlNodeDump vpm_dl_xmlNodeDump
#define xmlNodeGetContent vpm_dl_xmlNodeGetContent
#define xmlNodeSetContent vpm_dl_xmlNodeSetContent
#define xmlSaveClose vpm_dl_xmlSaveClose
#define xmlSaveDoc vpm_dl_xmlSaveDoc
#define xmlSaveToBuffer vpm_dl_xmlSaveToBuffer
#define xmlSetExternalEntityLoader vpm_dl_xmlSetExternalEntityLoader
#define xmlSetGenericErrorFunc vpm_dl_xmlSetGenericErrorFunc
#define xmlSetProp vpm_dl_xmlSetProp
#define xmlStrEqual vpm_dl_xmlStrEqual
#define xmlStrndup vpm_dl_xmlStrndup
#define xmlUnlinkNode vpm_dl_xmlUnlinkNode
#endif

#endif
