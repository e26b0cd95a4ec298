/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The human output: a title and "key value" lines per level of depth. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "info.h"

static bool colour;

void
human_set_colour(bool on)
{
	colour = on;
}

static void
h_title(int depth, const char *title)
{
	printf("%*s%s%s%s\n", depth * 2, "", colour ? "\033[1m" : "", title,
	       colour ? "\033[0m" : "");
}

static void __attribute__((format(printf, 3, 4)))
h_kv(int depth, const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%*s%-22s ", depth * 2, "", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *
yes_no(bool b)
{
	return b ? "yes" : "no";
}

struct h_caps {
	bool summary;
	int depth;
};

static int
h_cap_field(const struct rte_iommufd_cap_field *f, void *arg)
{
	const struct h_caps *hc = arg;
	unsigned long long v = f->value;

	if (!cap_field_in(f, hc->summary))
		return 0;
	if (getenv("IOMMUFD_INFO_DESCRIBE") != NULL)
		printf("%*s# %s\n", hc->depth * 2, "", f->desc);
	switch (f->kind) {
	case RTE_IOMMUFD_CAP_BOOL: h_kv(hc->depth, f->name, "%s", yes_no(v != 0)); break;
	case RTE_IOMMUFD_CAP_HEX: h_kv(hc->depth, f->name, "0x%llx", v); break;
	default: h_kv(hc->depth, f->name, "%llu", v); break;
	}
	return 0;
}

void
h_features(uint64_t f, bool pasid_probed)
{
	size_t k, shown = 0;
	int i;

	h_title(0, "iommufd features of the running kernel");
	for (i = 0; i < RTE_IOMMUFD_FEAT_COUNT; i++)
		h_kv(1, rte_iommufd_feature_name(1ull << i), "%s", yes_no((f >> i) & 1));
	printf("what the running kernel lacks:\n");
	for (k = 0; k < kernel_lack_count(); k++) {
		const char *s = kernel_lack(k, f, pasid_probed);

		if (s != NULL) {
			printf("  %s\n", s);
			shown++;
		}
	}
	if (shown == 0)
		printf("  nothing the library uses\n");
	putchar('\n');
}

void
h_device(const struct dev_report *rep)
{
	const struct pci_dev *pd = rep->pd;
	const struct rte_iommufd_pasid_caps *pc = &rep->pc;
	const struct rte_iommufd_hw_info *info = &rep->info;
	struct h_caps hc;
	char title[96];
	uint32_t i;

	snprintf(title, sizeof(title), "%s  %04x:%04x", pd->bdf, pd->vendor, pd->device);
	h_title(1, title);
	h_kv(2, "pci_address", "%s", pd->bdf);
	h_kv(2, "id", "%04x:%04x", pd->vendor, pd->device);
	h_kv(2, "driver", "%s", pd->driver);
	h_kv(2, "cdev", "%s", pd->cdev[0] ? pd->cdev : "-");
	h_kv(2, "iommu_group", "%s", pd->group[0] ? pd->group : "-");
	h_kv(2, "numa_node", "%d", pd->numa_node);
	h_kv(2, "status", "%s", rep->status);
	if (rep->message[0] != '\0')
		h_kv(2, "message", "%s", rep->message);
	if (rep->has_info) {
		h_title(2, "iommu");
		h_kv(3, "type", "%s", hw_type_name(info->type));
		h_kv(3, "type_id", "%u", info->type);
		hc = (struct h_caps){ .summary = true, .depth = 3 };
		rte_iommufd_hw_caps_foreach(info->type, info->data, rep->info_len, h_cap_field, &hc);
		if (registers_note(rep) != NULL)
			h_kv(3, "registers_note", "%s", registers_note(rep));
		h_title(3, "vendor registers, decoded");
		hc = (struct h_caps){ .summary = false, .depth = 4 };
		rte_iommufd_hw_caps_foreach(info->type, info->data, rep->info_len, h_cap_field, &hc);
		h_title(2, "pasid");
		h_kv(3, "width", "%u", (unsigned int)pc->width);
		h_kv(3, "max_pasid", "%llu", (unsigned long long)pc->max_pasid);
		h_kv(3, "exec", "%s", yes_no(pc->exec));
		h_kv(3, "priv", "%s", yes_no(pc->priv));
		h_kv(3, "reason", "%s", rte_iommufd_pasid_reason_str(pc->reason));
		h_kv(2, "ats", "%s", yes_no(pc->ats));
		h_kv(2, "dirty_tracking", "%s",
		     yes_no((info->capabilities & RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING) != 0));
		h_kv(2, "capabilities", "0x%llx", (unsigned long long)info->capabilities);
	}
	if (rep->has_ranges) {
		h_kv(2, "iova_alignment", "%llu", (unsigned long long)rep->align);
		printf("    iova_ranges:\n");
		for (i = 0; i < rep->nranges; i++)
			printf("      0x%016llx - 0x%016llx\n",
			       (unsigned long long)rep->ranges[i].start,
			       (unsigned long long)rep->ranges[i].last);
	}
	putchar('\n');
}
