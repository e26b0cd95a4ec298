/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The JSON output: one jansson document, dumped by the caller at the end. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "info.h"

/*
 * jansson's setters take ownership of the new value and return -1 when it
 * is NULL (allocation failed): each builder ORs them into one error flag.
 */

/* A string; bytes that are not UTF-8 (jansson refuses them) become '?'. */
static json_t *
j_str(const char *s)
{
	json_t *v;
	char *copy;
	size_t i;

	if (s == NULL)
		return json_null();
	v = json_string(s);
	if (v != NULL || (copy = strdup(s)) == NULL)
		return v;
	for (i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	v = json_string(copy);
	free(copy);
	return v;
}

/* 64-bit values are strings of hexadecimal: JSON numbers lose precision. */
static json_t *
j_hex(unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", v);
	return json_string(buf);
}

static int
j_set(json_t *obj, const char *key, json_t *val)
{
	return json_object_set_new(obj, key, val);
}

/* @v, or NULL (and @v released) if building it failed. */
static json_t *
j_done(json_t *v, int err)
{
	if (err) {
		json_decref(v);
		return NULL;
	}
	return v;
}

struct j_caps {
	bool summary;
	json_t *obj;
	int err;
};

static int
j_cap_field(const struct rte_iommufd_cap_field *f, void *arg)
{
	struct j_caps *jc = arg;
	json_t *v;

	if (!cap_field_in(f, jc->summary))
		return 0;
	switch (f->kind) {
	case RTE_IOMMUFD_CAP_BOOL: v = json_boolean(f->value != 0); break;
	case RTE_IOMMUFD_CAP_HEX: v = j_hex(f->value); break;
	default: v = json_integer((json_int_t)f->value); break;
	}
	jc->err |= j_set(jc->obj, f->name, v);
	return 0;
}

static json_t *
j_iommu(const struct dev_report *rep)
{
	const struct rte_iommufd_hw_info *info = &rep->info;
	json_t *o = json_object(), *vendor = json_object();
	struct j_caps jc = { .summary = true, .obj = o, .err = o == NULL || vendor == NULL };

	if (jc.err) {
		json_decref(vendor);
		json_decref(o);
		return NULL;
	}
	jc.err |= j_set(o, "type", json_string(hw_type_name(info->type)));
	jc.err |= j_set(o, "type_id", json_integer(info->type));
	rte_iommufd_hw_caps_foreach(info->type, info->data, rep->info_len, j_cap_field, &jc);
	if (registers_note(rep) != NULL)
		jc.err |= j_set(o, "registers_note", json_string(registers_note(rep)));
	jc.summary = false;
	jc.obj = vendor;
	rte_iommufd_hw_caps_foreach(info->type, info->data, rep->info_len, j_cap_field, &jc);
	jc.err |= j_set(o, "vendor", vendor);
	return j_done(o, jc.err);
}

static json_t *
j_pasid(const struct rte_iommufd_pasid_caps *pc)
{
	json_t *o = json_object();
	int err = o == NULL;

	if (err)
		return NULL;
	err |= j_set(o, "width", json_integer(pc->width));
	err |= j_set(o, "max_pasid", json_integer((json_int_t)pc->max_pasid));
	err |= j_set(o, "exec", json_boolean(pc->exec));
	err |= j_set(o, "priv", json_boolean(pc->priv));
	err |= j_set(o, "reason", json_string(rte_iommufd_pasid_reason_str(pc->reason)));
	return j_done(o, err);
}

static json_t *
j_ranges(const struct dev_report *rep)
{
	json_t *a = json_array(), *r;
	int err = a == NULL;
	uint32_t i;

	for (i = 0; i < rep->nranges && !err; i++) {
		r = json_object();
		err |= r == NULL;
		err |= j_set(r, "start", j_hex(rep->ranges[i].start));
		err |= j_set(r, "last", j_hex(rep->ranges[i].last));
		err |= json_array_append_new(a, r);
	}
	return j_done(a, err);
}

json_t *
j_device(const struct dev_report *rep)
{
	const struct pci_dev *pd = rep->pd;
	const struct rte_iommufd_hw_info *info = &rep->info;
	json_t *o = json_object();
	char id[16];
	int err = o == NULL;

	if (err)
		return NULL;
	snprintf(id, sizeof(id), "%04x:%04x", pd->vendor, pd->device);
	err |= j_set(o, "pci_address", j_str(pd->bdf));
	err |= j_set(o, "id", j_str(id));
	err |= j_set(o, "driver", j_str(pd->driver));
	err |= j_set(o, "cdev", j_str(pd->cdev[0] ? pd->cdev : NULL));
	err |= j_set(o, "iommu_group", j_str(pd->group[0] ? pd->group : NULL));
	err |= j_set(o, "numa_node", json_integer(pd->numa_node));
	err |= j_set(o, "status", json_string(rep->status));
	if (rep->message[0] != '\0')
		err |= j_set(o, "message", j_str(rep->message));
	if (rep->has_info) {
		err |= j_set(o, "iommu", j_iommu(rep));
		err |= j_set(o, "pasid", j_pasid(&rep->pc));
		err |= j_set(o, "ats", json_boolean(rep->pc.ats));
		err |= j_set(o, "dirty_tracking", json_boolean(
			(info->capabilities & RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING) != 0));
		err |= j_set(o, "capabilities", j_hex(info->capabilities));
	}
	if (rep->has_ranges) {
		err |= j_set(o, "iova_alignment", json_integer((json_int_t)rep->align));
		err |= j_set(o, "iova_ranges", j_ranges(rep));
	}
	return j_done(o, err);
}

json_t *
j_document(uint64_t f, bool pasid_probed)
{
	json_t *doc = json_object(), *feat = json_object(), *lacks = json_array();
	int err = doc == NULL || feat == NULL || lacks == NULL;
	size_t k;
	int i;

	if (err) {
		json_decref(doc);
		json_decref(feat);
		json_decref(lacks);
		return NULL;
	}
	for (i = 0; i < RTE_IOMMUFD_FEAT_COUNT; i++)
		err |= j_set(feat, rte_iommufd_feature_name(1ull << i), json_boolean((f >> i) & 1));
	for (k = 0; k < kernel_lack_count(); k++) {
		const char *s = kernel_lack(k, f, pasid_probed);

		if (s != NULL)
			err |= json_array_append_new(lacks, json_string(s));
	}
	err |= j_set(doc, "schema_version", json_integer(JSON_SCHEMA_VERSION));
	err |= j_set(doc, "kernel_features", feat);
	err |= j_set(doc, "kernel_lacks", lacks);
	err |= j_set(doc, "devices", json_array());
	return j_done(doc, err);
}
