/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * VFIO cdev discovery (rte_iommufd_device_find_cdev()) on a fake sysfs
 * tree built from the input in a private directory: the PCI device may be
 * missing, bound to no driver, to vfio-pci or to another driver, and its
 * vfio-dev directory may be missing or hold any names. The answer is
 * checked against a model of the documented errors, and a name is only
 * returned when it is a vfioN entry of that directory that fits.
 * Input: flags (1 byte), name buffer size (1 byte), driver name, up to
 * three entry names (each up to a 0 byte), then the address to look up.
 */

#include <errno.h>
#include <ftw.h>
#include <regex.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "rte_iommufd.h"

#define TREE_DEV "0000:00:02.0"

static char root[64];
static regex_t re;

static void
quiet(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

static void
cleanup(void)
{
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	rmdir(root);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rte_iommufd_log_set_handler(quiet, NULL);
	snprintf(root, sizeof(root), "%s/fuzz-sysfs.XXXXXX",
		 getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 32 ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(root) != NULL);
	atexit(cleanup);
	CHECK(regcomp(&re, "^(([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-9a-fA-F])$",
		      REG_EXTENDED) == 0);
	return 0;
}

/* A name of at most 20 safe characters from the input (up to a 0 byte). */
static void
take_name(struct fuzz_input *in, char *name)
{
	size_t n = 0;
	uint8_t c;

	while ((c = fuzz_u8(in)) != 0 && n < 20) {
		c = (uint8_t)"abcdefghijklmnopqrstuvwxyz0123456789-_."[c % 39];
		name[n++] = (char)c;
	}
	name[n] = '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || n == 0)
		strcpy(name, "x");
}

static unsigned int
hex(const char *s, regmatch_t m)
{
	unsigned int v = 0;
	regoff_t i;

	for (i = m.rm_so; i < m.rm_eo; i++)
		v = v * 16 + (unsigned int)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
	return v;
}

/* "[DDDD:]BB:DD.F" to "DDDD:BB:DD.F"; false if malformed or out of range. */
static bool
normalise(const char *s, char *out)
{
	regmatch_t m[6];
	unsigned int dev, fn;

	if (regexec(&re, s, 6, m, 0) != 0)
		return false;
	dev = hex(s, m[4]);
	fn = hex(s, m[5]);
	if (dev > 0x1f || fn > 7)
		return false;
	snprintf(out, 16, "%04x:%02x:%02x.%x", m[2].rm_so >= 0 ? hex(s, m[2]) : 0,
		 hex(s, m[3]), dev, fn);
	return true;
}

static bool
is_vfio_name(const char *s)
{
	return strncmp(s, "vfio", 4) == 0 && s[4] >= '0' && s[4] <= '9';
}

/* mkdir root/@dir/@name (@name may be ""). */
static void
mk(const char *dir, const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s%s%s", root, dir, name[0] ? "/" : "", name);
	mkdir(p, 0755);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t flags = fuzz_u8(&in);
	size_t len = fuzz_u8(&in) % 16, i, nents = flags >> 5 & 3;
	char drv[24], ent[3][24], p[256], t[256], *bdf, name[16], norm[16];
	bool dev_exists = flags & 1, has_vdir = flags & 2, fits = false, too_long = false;
	int drv_kind = (flags >> 2) & 3;	/* 0 none, 1 vfio-pci, 2 and 3 the name read */
	unsigned int matching = 0;
	int ret, expect;

	take_name(&in, drv);
	for (i = 0; i < nents; i++)
		take_name(&in, ent[i]);
	bdf = fuzz_string(&in);
	if (flags & 0x80) {
		free(bdf);
		bdf = strdup(flags & 0x10 ? "00:02.0" : TREE_DEV);
		CHECK(bdf != NULL);
	}

	/* The tree. */
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	mk("bus", "");
	mk("bus/pci", "");
	mk("bus/pci/devices", "");
	mk("bus/pci/drivers", "");
	if (drv_kind != 0) {
		mk("bus/pci/drivers", drv_kind == 1 ? "vfio-pci" : drv);
		if (drv_kind >= 2 && strcmp(drv, "vfio-pci") == 0)
			drv_kind = 1;
	}
	if (dev_exists) {
		mk("bus/pci/devices", TREE_DEV);
		if (drv_kind != 0) {
			snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/driver", root, TREE_DEV);
			snprintf(t, sizeof(t), "../drivers/%s", drv_kind == 1 ? "vfio-pci" : drv);
			CHECK(symlink(t, p) == 0);
		}
		if (has_vdir) {
			mk("bus/pci/devices/" TREE_DEV, "vfio-dev");
			for (i = 0; i < nents; i++) {
				snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/vfio-dev/%s", root,
					 TREE_DEV, ent[i]);
				if (mkdir(p, 0755) != 0)
					continue;	/* a duplicate name */
				if (is_vfio_name(ent[i])) {
					matching++;
					if (strlen(ent[i]) < len)
						fits = true;
					else
						too_long = true;
				}
			}
		}
	}

	/* The model. */
	if (len == 0 || !normalise(bdf, norm))
		expect = -EINVAL;
	else if (!dev_exists || strcmp(norm, TREE_DEV) != 0)
		expect = -ENODEV;
	else if (!has_vdir)
		expect = drv_kind == 1 ? -ENOTSUP : -ENXIO;
	else if (matching == 0)
		expect = -ENOTSUP;
	else
		expect = 1;	/* a fitting vfioN name, or -ENAMETOOLONG */

	memset(name, 0x5a, sizeof(name));
	ret = rte_iommufd_device_find_cdev(bdf, root, name, len);
	if (expect != 1) {
		CHECK(ret == expect);
	} else if (ret == 0) {
		CHECK(fits && is_vfio_name(name) && strlen(name) < len);
		snprintf(p, sizeof(p), "%s/bus/pci/devices/%s/vfio-dev/%s", root, TREE_DEV, name);
		CHECK(access(p, F_OK) == 0);
	} else {
		/* The first vfioN entry read did not fit. */
		CHECK(ret == -ENAMETOOLONG && too_long);
	}
	free(bdf);
	return 0;
}
