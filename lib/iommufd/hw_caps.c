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

static inline bool
bit(uint64_t v, unsigned int n)
{
	return (v >> n) & 1;
}

static inline unsigned int
min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

/* Keep the first problem found: it is usually the cause of the others. */
static void
flag_invalid(bool *valid, const char **note, const char *why)
{
	if (*valid) {
		*valid = false;
		*note = why;
	}
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
	struct rte_iommufd_vtd_caps c;

	if (out == NULL)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.cap_reg = cap;
	c.ecap_reg = ecap;
	c.valid = true;

	c.nd = (uint8_t)bits(cap, 2, 0);
	c.num_domains = 1u << (4 + 2 * c.nd);
	c.afl = bit(cap, 3);
	c.rwbf = bit(cap, 4);
	c.plmr = bit(cap, 5);
	c.phmr = bit(cap, 6);
	c.cm = bit(cap, 7);
	c.sagaw = (uint8_t)bits(cap, 12, 8);
	c.agaw_39 = bit(c.sagaw, 1);
	c.agaw_48 = bit(c.sagaw, 2);
	c.agaw_57 = bit(c.sagaw, 3);
	c.mgaw = (uint8_t)(bits(cap, 21, 16) + 1);
	c.zlr = bit(cap, 22);
	c.sslps = (uint8_t)bits(cap, 37, 34);
	c.ss_2m = bit(c.sslps, 0);
	c.ss_1g = bit(c.sslps, 1);
	c.psi = bit(cap, 39);
	c.mamv = (uint8_t)bits(cap, 53, 48);
	c.fs1gp = bit(cap, 56);
	c.pi = bit(cap, 59);
	c.fs5lp = bit(cap, 60);
	c.ecmds = bit(cap, 61);
	c.esirtps = bit(cap, 62);
	c.esrtps = bit(cap, 63);

	c.coherent = bit(ecap, 0);
	c.qi = bit(ecap, 1);
	c.dt = bit(ecap, 2);
	c.ir = bit(ecap, 3);
	c.eim = bit(ecap, 4);
	c.pt = bit(ecap, 6);
	c.sc = bit(ecap, 7);
	c.mts = bit(ecap, 25);
	c.nest = bit(ecap, 26);
	c.prs = bit(ecap, 29);
	c.ers = bit(ecap, 30);
	c.srs = bit(ecap, 31);
	c.nwfs = bit(ecap, 33);
	c.eafs = bit(ecap, 34);
	c.pss = (uint8_t)bits(ecap, 39, 35);
	c.pasid = bit(ecap, 40);
	c.dit = bit(ecap, 41);
	c.pds = bit(ecap, 42);
	c.smts = bit(ecap, 43);
	c.ssads = bit(ecap, 45);
	c.ssts = bit(ecap, 46);
	c.fsts = bit(ecap, 47);
	c.smpwc = bit(ecap, 48);
	c.rps = bit(ecap, 49);
	c.pms = bit(ecap, 51);

	c.pasid_width = (uint8_t)(c.pss + 1);
	if (c.smts && c.fsts)
		c.fs_iova_width = (uint8_t)((c.mgaw > 48 && c.fs5lp) ?
					    min_u(57, c.mgaw) : min_u(48, c.mgaw));
	c.ss_iova_width = vtd_ss_iova_width(c.mgaw, c.sagaw);

	if (c.nd == 7)
		flag_invalid(&c.valid, &c.note, "CAP.ND is 7, a reserved encoding");
	if (c.sagaw & ((1u << 0) | (1u << 4)))
		flag_invalid(&c.valid, &c.note,
			     "CAP.SAGAW sets bit 0 or 4 (2- or 6-level tables), "
			     "reserved encodings");
	/* Second-stage tables are in use without scalable mode, or with SSTS. */
	if (c.sagaw == 0 && (!c.smts || c.ssts))
		flag_invalid(&c.valid, &c.note,
			     "CAP.SAGAW is 0 (reserved): no second-stage table depth, "
			     "no DMA translation");
	if (c.pasid_width > 20)
		flag_invalid(&c.valid, &c.note, "ECAP.PSS gives more than 20 PASID bits");

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
	uint32_t r;

	if (idr == NULL || out == NULL)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	memcpy(c.idr, idr, sizeof(c.idr));
	c.iidr = iidr;
	c.aidr = aidr;
	c.valid = true;

	r = idr[0];
	c.s2p = bit(r, 0);
	c.s1p = bit(r, 1);
	c.ttf = (uint8_t)bits(r, 3, 2);
	c.ttf_aarch32 = bit(c.ttf, 0);
	c.ttf_aarch64 = bit(c.ttf, 1);
	c.cohacc = bit(r, 4);
	c.btm = bit(r, 5);
	c.httu = (uint8_t)bits(r, 7, 6);
	c.ha = c.httu >= 1;
	c.hd = c.httu >= 2;
	c.haft = c.httu == 3;
	c.dormhint = bit(r, 8);
	c.hyp = bit(r, 9);
	c.ats = bit(r, 10);
	c.ns1ats = bit(r, 11);
	c.asid16 = bit(r, 12);
	c.msi = bit(r, 13);
	c.sev = bit(r, 14);
	c.atos = bit(r, 15);
	c.pri = bit(r, 16);
	c.vmw = bit(r, 17);
	c.vmid16 = bit(r, 18);
	c.cd2l = bit(r, 19);
	c.vatos = bit(r, 20);
	c.ttendian = (uint8_t)bits(r, 22, 21);
	c.atsrecerr = bit(r, 23);
	c.stall_model = (uint8_t)bits(r, 25, 24);
	c.stall = c.stall_model == 0 || c.stall_model == 2;
	c.stall_force = c.stall_model == 2;
	c.term_model = bit(r, 26);
	c.st_level = (uint8_t)bits(r, 28, 27);

	r = idr[1];
	c.sidsize = (uint8_t)bits(r, 5, 0);
	c.ssidsize = (uint8_t)bits(r, 10, 6);
	c.priqs = (uint8_t)bits(r, 15, 11);
	c.eventqs = (uint8_t)bits(r, 20, 16);
	c.cmdqs = (uint8_t)bits(r, 25, 21);
	c.attr_perms_ovr = bit(r, 26);
	c.attr_types_ovr = bit(r, 27);
	c.rel = bit(r, 28);
	c.queues_preset = bit(r, 29);
	c.tables_preset = bit(r, 30);
	c.ecmdq = bit(r, 31);

	r = idr[3];
	c.had = bit(r, 2);
	c.pbha = bit(r, 3);
	c.xnx = bit(r, 4);
	c.pps = bit(r, 5);
	c.mpam = bit(r, 7);
	c.fwb = bit(r, 8);
	c.stt = bit(r, 9);
	c.ril = bit(r, 10);
	c.bbml = (uint8_t)bits(r, 12, 11);
	c.e0pd = bit(r, 13);
	c.ptwnnc = bit(r, 14);
	c.dpt = bit(r, 15);

	r = idr[5];
	c.oas = (uint8_t)bits(r, 2, 0);
	c.oas_bits = oas_bits[c.oas];
	c.gran4k = bit(r, 4);
	c.gran16k = bit(r, 5);
	c.gran64k = bit(r, 6);
	c.ds = bit(r, 7);
	c.vax = (uint8_t)bits(r, 11, 10);
	c.vas_bits = c.vax == 1 ? 52 : 48;
	c.stall_max = (uint16_t)bits(r, 31, 16);

	c.implementer = (uint16_t)bits(iidr, 11, 0);
	c.revision = (uint8_t)bits(iidr, 15, 12);
	c.variant = (uint8_t)bits(iidr, 19, 16);
	c.product_id = (uint16_t)bits(iidr, 31, 20);
	c.arch_major = (uint8_t)bits(aidr, 7, 4);
	c.arch_minor = (uint8_t)bits(aidr, 3, 0);

	c.asid_bits = c.asid16 ? 16 : 8;
	c.vmid_bits = c.vmid16 ? 16 : 8;

	if (!c.s1p && !c.s2p)
		flag_invalid(&c.valid, &c.note, "IDR0 has neither S1P nor S2P: no translation");
	if (c.ttf == 0)
		flag_invalid(&c.valid, &c.note, "IDR0.TTF is 0, a reserved encoding");
	if (c.ttendian == 1)
		flag_invalid(&c.valid, &c.note, "IDR0.TTENDIAN is 1, a reserved encoding");
	if (c.stall_model == 3)
		flag_invalid(&c.valid, &c.note, "IDR0.STALL_MODEL is 3, a reserved encoding");
	if (c.st_level >= 2)
		flag_invalid(&c.valid, &c.note, "IDR0.ST_LEVEL is 2 or 3, reserved encodings");
	if (c.sidsize > 32)
		flag_invalid(&c.valid, &c.note, "IDR1.SIDSIZE is above 32");
	if (c.ssidsize > 20)
		flag_invalid(&c.valid, &c.note, "IDR1.SSIDSIZE is above 20");
	if (c.bbml == 3)
		flag_invalid(&c.valid, &c.note, "IDR3.BBML is 3, a reserved encoding");
	if (c.oas == 7)
		flag_invalid(&c.valid, &c.note, "IDR5.OAS is 7, a reserved encoding");
	if (c.vax >= 2)
		flag_invalid(&c.valid, &c.note, "IDR5.VAX is 2 or 3, reserved encodings");

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
	struct rte_iommufd_amd_caps c;

	if (out == NULL)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.efr = efr;
	c.efr2 = efr2;
	c.valid = true;

	c.pref = bit(efr, 0);
	c.ppr = bit(efr, 1);
	c.xt = bit(efr, 2);
	c.nx = bit(efr, 3);
	c.gt = bit(efr, 4);
	c.ia = bit(efr, 6);
	c.ga = bit(efr, 7);
	c.he = bit(efr, 8);
	c.pc = bit(efr, 9);
	c.hats = (uint8_t)bits(efr, 11, 10);
	c.gats = (uint8_t)bits(efr, 13, 12);
	c.glx = (uint8_t)bits(efr, 15, 14);
	c.gam_vapic = bit(efr, 21);
	c.pasmax = (uint8_t)bits(efr, 36, 32);
	c.gio = bit(efr, 48);
	c.ha = bit(efr, 49);
	c.eph = bit(efr, 50);
	c.hd = bit(efr, 52);
	c.snp = bit(efr, 63);

	c.sevsnpio = bit(efr2, 1);
	c.gcr3trpmode = bit(efr2, 3);
	c.snpavic = (uint8_t)bits(efr2, 7, 5);
	c.num_int_remap = (uint8_t)bits(efr2, 9, 8);
	c.ht_range_ignore = bit(efr2, 11);
	c.snp_page_mode0 = bit(efr2, 13);

	/* HATS 0, 1, 2: 4, 5, 6 levels; Linux: (HATS + 3) * 9 + 21 bits, at most 64. */
	c.host_levels = c.hats == 3 ? 0 : (uint8_t)(c.hats + 4);
	c.host_width = host_width[c.hats];
	/* Linux: 5-level guest tables only for GATS 1; anything else is 4. */
	c.guest_levels = c.gats == 1 ? 5 : 4;
	/* Linux reads PASmax only with GTSup: max_pasids = 2^(PASmax + 1) - 1. */
	c.pasid_width = c.gt ? (uint8_t)(c.pasmax + 1) : 0;

	if (c.hats == 3)
		flag_invalid(&c.valid, &c.note,
			     "EFR.HATS is 3, reserved: Linux disables host (v1) translation");
	if (c.gats >= 2)
		flag_invalid(&c.valid, &c.note,
			     "EFR.GATS is 2 or 3, reserved: Linux treats it as 4-level");
	if (c.pasid_width > 20)
		flag_invalid(&c.valid, &c.note, "EFR.PASmax gives more than 20 PASID bits");

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
	size_t need;

	switch (type) {
	case RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD:
		need = sizeof(b->vtd);
		break;
	case RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3:
		need = sizeof(b->smmu);
		break;
	case RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV:
		need = sizeof(b->cmdqv);
		break;
	case RTE_IOMMUFD_HW_INFO_TYPE_AMD:
		need = sizeof(b->amd);
		break;
	default:
		return -EOPNOTSUPP;
	}
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
