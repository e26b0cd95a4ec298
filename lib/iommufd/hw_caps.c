/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Decoders for the vendor registers of IOMMU_GET_HW_INFO.
 *
 * Bit positions come from the vendor specifications (Intel VT-d rev 5,
 * Arm IHI 0070, AMD IOMMU 48882) as Linux 7.3 reads them; the derived
 * values follow the rules of drivers/iommu/{intel,arm/arm-smmu-v3,amd}.
 * Pure functions: no allocation, no logging, no global state.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "hw_caps_private.h"

_Static_assert(sizeof(struct ifd_iommu_hw_info_vtd) == RTE_IOMMUFD_HW_INFO_VTD_LEN,
	       "VT-d blob size");
_Static_assert(sizeof(struct ifd_iommu_hw_info_arm_smmuv3) == RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_LEN,
	       "SMMUv3 blob size");
_Static_assert(sizeof(struct ifd_iommu_hw_info_tegra241_cmdqv) ==
	       RTE_IOMMUFD_HW_INFO_TEGRA241_CMDQV_LEN, "CMDQV blob size");
_Static_assert(sizeof(struct ifd_iommu_hw_info_amd) == RTE_IOMMUFD_HW_INFO_AMD_LEN,
	       "AMD blob size");
_Static_assert(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD == IFD_IOMMU_HW_INFO_TYPE_INTEL_VTD &&
	       RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3 == IFD_IOMMU_HW_INFO_TYPE_ARM_SMMUV3 &&
	       RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV == IFD_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV &&
	       RTE_IOMMUFD_HW_INFO_TYPE_AMD == IFD_IOMMU_HW_INFO_TYPE_AMD,
	       "hw_info type values");

/* Bits hi..lo of v. */
static inline uint64_t
bits(uint64_t v, unsigned int hi, unsigned int lo)
{
	return (v >> lo) & (~0ull >> (63 - (hi - lo)));
}

static inline unsigned int
min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

/* A reserved encoding is @found: keep the first one, usually the cause of the others. */
static void
reserved(const char **note, bool found, const char *why)
{
	if (found && *note == NULL)
		*note = why;
}

/* ------------------------------------------------------------------ */
/* Intel VT-d                                                          */
/* ------------------------------------------------------------------ */

/*
 * IOVA width of a second-stage table, as Linux chooses it: the widest
 * table SAGAW offers that MGAW can use, the width then capped to MGAW
 * (hardware may walk 4 or 5 levels but limit IOVAs to fewer bits).
 */
static uint8_t
vtd_ss_iova_width(unsigned int mgaw, unsigned int sagaw)
{
	if (mgaw > 48 && sagaw >= (1u << 3))
		return (uint8_t)min_u(57, mgaw);
	if (mgaw > 39 && sagaw >= (1u << 2))
		return (uint8_t)min_u(48, mgaw);
	if (mgaw > 30 && sagaw >= (1u << 1))
		return (uint8_t)min_u(39, mgaw);
	return 0;
}

int
rte_iommufd_vtd_caps_decode(uint64_t cap, uint64_t ecap, struct rte_iommufd_vtd_caps *out)
{
	const uint64_t regs[] = { [VTD_CAP] = cap, [VTD_ECAP] = ecap };
	struct rte_iommufd_vtd_caps c;

	if (out == NULL)
		return -EINVAL;
	ifd_cap_fields_read(IFD_CAPS_VTD, regs, &c, sizeof(c));
	c.num_domains = 1u << (4 + 2 * c.nd);
	c.mgaw = (uint8_t)(bits(cap, 21, 16) + 1);
	c.pasid_width = (uint8_t)(c.pss + 1);
	if (c.smts && c.fsts)
		c.fs_iova_width = (uint8_t)((c.mgaw > 48 && c.fs5lp) ?
					    min_u(57, c.mgaw) : min_u(48, c.mgaw));
	c.ss_iova_width = vtd_ss_iova_width(c.mgaw, c.sagaw);

	reserved(&c.note, c.nd == 7, "CAP.ND is 7, a reserved encoding");
	reserved(&c.note, c.sagaw & ((1u << 0) | (1u << 4)),
		 "CAP.SAGAW sets bit 0 or 4 (2- or 6-level tables), "
		 "reserved encodings");
	/* Second-stage tables are in use without scalable mode, or with SSTS. */
	reserved(&c.note, c.sagaw == 0 && (!c.smts || c.ssts),
		 "CAP.SAGAW is 0 (reserved): no second-stage table depth, "
		 "no DMA translation");
	reserved(&c.note, c.pasid_width > 20, "ECAP.PSS gives more than 20 PASID bits");
	c.valid = c.note == NULL;

	*out = c;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Arm SMMUv3                                                          */
/* ------------------------------------------------------------------ */

int
rte_iommufd_smmuv3_caps_decode(const uint32_t idr[6], uint32_t iidr, uint32_t aidr,
		struct rte_iommufd_smmuv3_caps *out)
{
	static const uint8_t oas_bits[8] = { 32, 36, 40, 42, 44, 48, 52, 0 };
	struct rte_iommufd_smmuv3_caps c;
	uint64_t regs[SMMU_AIDR + 1];
	unsigned int i;

	if (idr == NULL || out == NULL)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		regs[SMMU_IDR0 + i] = idr[i];
	regs[SMMU_IIDR] = iidr;
	regs[SMMU_AIDR] = aidr;
	ifd_cap_fields_read(IFD_CAPS_SMMUV3, regs, &c, sizeof(c));

	c.ha = c.httu >= 1;
	c.hd = c.httu >= 2;
	c.haft = c.httu == 3;
	c.stall = c.stall_model == 0 || c.stall_model == 2;
	c.stall_force = c.stall_model == 2;
	c.oas_bits = oas_bits[c.oas];
	c.vas_bits = c.vax == 1 ? 52 : 48;
	c.asid_bits = c.asid16 ? 16 : 8;
	c.vmid_bits = c.vmid16 ? 16 : 8;

	reserved(&c.note, !c.s1p && !c.s2p, "IDR0 has neither S1P nor S2P: no translation");
	reserved(&c.note, c.ttf == 0, "IDR0.TTF is 0, a reserved encoding");
	reserved(&c.note, c.ttendian == 1, "IDR0.TTENDIAN is 1, a reserved encoding");
	reserved(&c.note, c.stall_model == 3, "IDR0.STALL_MODEL is 3, a reserved encoding");
	reserved(&c.note, c.st_level >= 2, "IDR0.ST_LEVEL is 2 or 3, reserved encodings");
	reserved(&c.note, c.sidsize > 32, "IDR1.SIDSIZE is above 32");
	reserved(&c.note, c.ssidsize > 20, "IDR1.SSIDSIZE is above 20");
	reserved(&c.note, c.bbml == 3, "IDR3.BBML is 3, a reserved encoding");
	reserved(&c.note, c.oas == 7, "IDR5.OAS is 7, a reserved encoding");
	reserved(&c.note, c.vax >= 2, "IDR5.VAX is 2 or 3, reserved encodings");
	c.valid = c.note == NULL;

	*out = c;
	return 0;
}

/* ------------------------------------------------------------------ */
/* AMD                                                                 */
/* ------------------------------------------------------------------ */

int
rte_iommufd_amd_caps_decode(uint64_t efr, uint64_t efr2, struct rte_iommufd_amd_caps *out)
{
	static const uint8_t host_width[4] = { 48, 57, 64, 0 };
	const uint64_t regs[] = { [AMD_EFR] = efr, [AMD_EFR2] = efr2 };
	struct rte_iommufd_amd_caps c;

	if (out == NULL)
		return -EINVAL;
	ifd_cap_fields_read(IFD_CAPS_AMD, regs, &c, sizeof(c));

	/* HATS 0, 1, 2: 4, 5, 6 levels; Linux: (HATS + 3) * 9 + 21 bits, at most 64. */
	c.host_levels = c.hats == 3 ? 0 : (uint8_t)(c.hats + 4);
	c.host_width = host_width[c.hats];
	/* Linux: 5-level guest tables only for GATS 1; anything else is 4. */
	c.guest_levels = c.gats == 1 ? 5 : 4;
	/* Linux reads PASmax only with GTSup: max_pasids = 2^(PASmax + 1) - 1. */
	c.pasid_width = c.gt ? (uint8_t)(c.pasmax + 1) : 0;

	reserved(&c.note, c.hats == 3,
		 "EFR.HATS is 3, reserved: Linux disables host (v1) translation");
	reserved(&c.note, c.gats >= 2, "EFR.GATS is 2 or 3, reserved: Linux treats it as 4-level");
	reserved(&c.note, c.pasid_width > 20, "EFR.PASmax gives more than 20 PASID bits");
	c.valid = c.note == NULL;

	*out = c;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Vendor-neutral summary                                              */
/* ------------------------------------------------------------------ */

static void
vtd_summary(const struct rte_iommufd_vtd_caps *v, struct rte_iommufd_iommu_caps *s)
{
	s->valid = v->valid;
	s->note = v->note;
	s->pasid_supported = v->smts && v->pasid;
	/* Linux: max_pasids = 2 << PSS, so log2 = PSS + 1. */
	s->iommu_pasid_bits = s->pasid_supported ? v->pasid_width : 0;
	s->linux_max_pasid_log2 = s->iommu_pasid_bits;
	s->dirty_tracking = v->smts && v->ssads && v->smpwc;
	s->nesting = v->smts && v->nest;
	s->page_requests = v->smts && v->prs && v->pds && v->dt;
	s->ats_supported = v->dt;
	if (v->smts && v->fsts)
		s->address_width = v->fs_iova_width;
	else if (!v->smts || v->ssts)
		s->address_width = v->ss_iova_width;
}

static void
smmuv3_summary(const struct rte_iommufd_smmuv3_caps *m, struct rte_iommufd_iommu_caps *s)
{
	s->valid = m->valid;
	s->note = m->note;
	s->pasid_supported = m->s1p && m->ssidsize > 0;
	/* Linux: max_pasids = 1 << SSIDSIZE. */
	s->iommu_pasid_bits = s->pasid_supported ? m->ssidsize : 0;
	s->linux_max_pasid_log2 = s->iommu_pasid_bits;
	s->dirty_tracking = m->hd && m->cohacc;
	s->nesting = m->s1p && m->s2p;
	s->page_requests = m->pri;
	s->ats_supported = m->ats;
	if (m->s1p)
		s->address_width = m->vas_bits;
	else if (m->s2p)
		s->address_width = m->oas_bits != 0 ? m->oas_bits : 48;
}

static void
amd_summary(const struct rte_iommufd_amd_caps *a, struct rte_iommufd_iommu_caps *s)
{
	bool v2_tables = a->gt && a->gio;

	s->valid = a->valid;
	s->note = a->note;
	s->pasid_supported = v2_tables && a->ppr && a->eph;
	s->iommu_pasid_bits = s->pasid_supported ? a->pasid_width : 0;
	/* Linux: max_pasids = 2^(PASmax + 1) - 1, whose floor log2 is PASmax. */
	s->linux_max_pasid_log2 = s->pasid_supported ? a->pasmax : 0;
	s->dirty_tracking = a->hd && a->hats != 3;
	s->nesting = v2_tables && a->gcr3trpmode;
	s->page_requests = a->ppr;
	s->ats_supported = false;
	if (a->hats != 3)
		s->address_width = a->host_width;
	else if (v2_tables)
		s->address_width = a->gats == 1 ? 57 : 48;
}

int
ifd_hw_blob_decode(uint32_t type, const void *data, size_t len, union hw_blob *b,
		union hw_decoded *d, struct rte_iommufd_iommu_caps *s)
{
	static const size_t blob_len[] = {
		[RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD] = sizeof(b->vtd),
		[RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3] = sizeof(b->smmu),
		[RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV] = sizeof(b->cmdqv),
		[RTE_IOMMUFD_HW_INFO_TYPE_AMD] = sizeof(b->amd),
	};
	size_t need;

	if (type >= sizeof(blob_len) / sizeof(blob_len[0]) || blob_len[type] == 0)
		return -EOPNOTSUPP;
	need = blob_len[type];
	if (data == NULL || len < need)
		return -EINVAL;
	memset(b, 0, sizeof(*b));
	memcpy(b, data, need);
	memset(s, 0, sizeof(*s));
	s->type = type;

	switch (type) {
	case RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD:
		rte_iommufd_vtd_caps_decode(b->vtd.cap_reg, b->vtd.ecap_reg, &d->vtd);
		s->hw_info_flags = b->vtd.flags;
		vtd_summary(&d->vtd, s);
		break;
	case RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3:
		rte_iommufd_smmuv3_caps_decode(b->smmu.idr, b->smmu.iidr, b->smmu.aidr, &d->smmu);
		s->hw_info_flags = b->smmu.flags;
		smmuv3_summary(&d->smmu, s);
		break;
	case RTE_IOMMUFD_HW_INFO_TYPE_AMD:
		rte_iommufd_amd_caps_decode(b->amd.efr, b->amd.efr2, &d->amd);
		amd_summary(&d->amd, s);
		break;
	default:
		s->hw_info_flags = b->cmdqv.flags;
		break;
	}
	return 0;
}

int
rte_iommufd_iommu_caps_from_raw(uint32_t hw_info_type, const void *data, size_t len,
		struct rte_iommufd_iommu_caps *out)
{
	struct rte_iommufd_iommu_caps s;
	union hw_decoded d;
	union hw_blob b;
	int ret;

	if (out == NULL)
		return -EINVAL;
	if (hw_info_type == RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV)
		return -EOPNOTSUPP;
	ret = ifd_hw_blob_decode(hw_info_type, data, len, &b, &d, &s);
	if (ret < 0)
		return ret;
	*out = s;
	return 0;
}
