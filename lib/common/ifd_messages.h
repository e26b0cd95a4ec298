/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _IFD_MESSAGES_H_
#define _IFD_MESSAGES_H_

/*
 * Every message the libraries print is declared where it is printed: the
 * reporting macros (ifd_fail(), ifd_log(), IFB_LOG(), ...) and IFD_WHY()
 * for the reasons a failure message ends with record their text, with its
 * kind and source file, in the section .ifd_messages of the library.
 * devtools/gen-messages.py reads that section from the built libraries to
 * write doc/guides/messages.rst; nothing reads it at run time. Internal to
 * the build: never installed.
 *
 * A record is "<kind> US <dir>/<file> US <text>" and a NUL (US: the unit
 * separator 0x1f). <kind> is "fail:<LEVEL>" (a failure: "<text>: <ERRNO>
 * (<reason>)"), "log:<LEVEL>" (a line of its own) or "reason".
 */

#ifndef __FILE_NAME__
#define __FILE_NAME__ __FILE__
#endif

/* Record @text (a string literal) of @kind, printed by a file of @dir. */
#define IFD_NOTE(dir, kind, text) do { \
	static const char ifd_note_[] __attribute__((section(".ifd_messages"), used)) = \
		kind "\x1f" dir "/" __FILE_NAME__ "\x1f" text; \
} while (0)

/* The format of a reporting macro's variable arguments: the first one. */
#define IFD_NOTE_FMT(...) IFD_NOTE_FMT_(__VA_ARGS__, "")
#define IFD_NOTE_FMT_(fmt, ...) fmt

#endif /* _IFD_MESSAGES_H_ */
