/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The Intel VT-d decoder on the registers of QEMU 7.2 (aw-bits 48 and 39),
 * an Ice Lake laptop, a VT-d 6.0 server unit, and reserved values.
 */

#include <stdint.h>
#include <string.h>

#include "rte_iommufd_hw_caps.h"
#include "test.h"
#include "test_hw_caps.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* CAP_REG of QEMU 7.2 intel-iommu, rebuilt from its VTD_CAP_* macros. */
static uint64_t
qemu72_vtd_cap(unsigned int aw_bits, int caching_mode)
{
	uint64_t cap = 0;

	cap |= (uint64_t)(0x220 >> 4) << 24;        /* VTD_CAP_FRO: DMAR_FRCD_REG_OFFSET 0x220 */
	cap |= (uint64_t)(1 - 1) << 40;             /* VTD_CAP_NFR: one fault register */
	cap |= (16 - 4) / 2;                        /* VTD_CAP_ND: 16-bit domain ids */
	cap |= 18ull << 48;                         /* VTD_CAP_MAMV */
	cap |= 1ull << 39;                          /* VTD_CAP_PSI */
	cap |= (1ull << 34) | (1ull << 35);         /* VTD_CAP_SLLPS: 2M, 1G */
	cap |= (uint64_t)((aw_bits - 1) & 0x3f) << 16; /* VTD_CAP_MGAW(aw_bits) */
	cap |= (1ull << 54) | (1ull << 55);         /* VTD_CAP_DRAIN (dma-drain=on) */
	if (aw_bits >= 39)
		cap |= 1ull << 9;                   /* VTD_CAP_SAGAW_39bit */
	if (aw_bits >= 48)
		cap |= 1ull << 10;                  /* VTD_CAP_SAGAW_48bit */
	if (caching_mode)
		cap |= 1ull << 7;                   /* VTD_CAP_CM */
	return cap;
}

/* ------------------------------------------------------------------ */
/* Intel VT-d                                                          */
/* ------------------------------------------------------------------ */

int
vtd_qemu_aw48(void)
{
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[25];

	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(QEMU72_CAP_AW48, QEMU72_ECAP, &v),
			    "decode");
	TEST_ASSERT(v.valid && v.note == NULL, "note: %s", v.note);
	TEST_ASSERT_EQUAL(v.cap_reg, QEMU72_CAP_AW48, "raw cap kept");
	TEST_ASSERT_EQUAL(v.ecap_reg, QEMU72_ECAP, "raw ecap kept");
	/* CAP: 0x00d2_008c_222f_0686 */
	TEST_ASSERT_EQUAL(v.nd, 6, "ND bits 2:0 = 6");
	TEST_ASSERT_EQUAL(v.num_domains, 65536, "2^(4 + 2 * 6) domain ids");
	TEST_ASSERT_EQUAL(v.afl, 0, "AFL");
	TEST_ASSERT_EQUAL(v.rwbf, 0, "RWBF");
	TEST_ASSERT_EQUAL(v.plmr, 0, "PLMR");
	TEST_ASSERT_EQUAL(v.phmr, 0, "PHMR");
	TEST_ASSERT_EQUAL(v.cm, 1, "caching-mode=on sets CM (bit 7 of 0x86)");
	TEST_ASSERT_EQUAL(v.sagaw, 0x6, "SAGAW bits 12:8 of 0x0686");
	TEST_ASSERT_EQUAL(v.agaw_39, 1, "3-level table");
	TEST_ASSERT_EQUAL(v.agaw_48, 1, "4-level table");
	TEST_ASSERT_EQUAL(v.agaw_57, 0, "no 5-level table");
	TEST_ASSERT_EQUAL(v.mgaw, 48, "MGAW field 0x2f + 1");
	TEST_ASSERT_EQUAL(v.zlr, 0, "ZLR");
	TEST_ASSERT_EQUAL(v.sslps, 0x3, "SLLPS 2M and 1G");
	TEST_ASSERT_EQUAL(v.ss_2m, 1, "2M pages");
	TEST_ASSERT_EQUAL(v.ss_1g, 1, "1G pages");
	TEST_ASSERT_EQUAL(v.psi, 1, "PSI");
	TEST_ASSERT_EQUAL(v.mamv, 18, "MAMV");
	TEST_ASSERT_EQUAL(v.fs1gp, 0, "no first stage in QEMU 7.2");
	TEST_ASSERT_EQUAL(v.pi, 0, "no posted interrupts");
	TEST_ASSERT_EQUAL(v.fs5lp, 0, "FS5LP");
	TEST_ASSERT_EQUAL(v.esrtps, 0, "QEMU 7.2 does not set ESRTPS");
	/* ECAP: 0x4900_80f0_0f4a */
	TEST_ASSERT_EQUAL(v.coherent, 0, "C");
	TEST_ASSERT_EQUAL(v.qi, 1, "QI");
	TEST_ASSERT_EQUAL(v.dt, 0, "no device TLB: QEMU's default device-iotlb=off");
	TEST_ASSERT_EQUAL(v.ir, 1, "intremap=on");
	TEST_ASSERT_EQUAL(v.eim, 0, "eim=auto is off without a KVM in-kernel irqchip");
	TEST_ASSERT_EQUAL(v.pt, 1, "pass-through");
	TEST_ASSERT_EQUAL(v.sc, 0, "snoop-control=off");
	TEST_ASSERT_EQUAL(v.nest, 0, "NEST");
	TEST_ASSERT_EQUAL(v.prs, 0, "PRS");
	TEST_ASSERT_EQUAL(v.srs, 1, "scalable mode sets SRS (bit 31)");
	TEST_ASSERT_EQUAL(v.pss, 0, "QEMU 7.2 sets PASID without PSS");
	TEST_ASSERT_EQUAL(v.pasid_width, 1, "PSS + 1");
	TEST_ASSERT_EQUAL(v.pasid, 1, "x-pasid-mode=on sets bit 40");
	TEST_ASSERT_EQUAL(v.smts, 1, "x-scalable-mode=on sets bit 43");
	TEST_ASSERT_EQUAL(v.ssads, 0, "no second-stage A/D: no dirty tracking");
	TEST_ASSERT_EQUAL(v.ssts, 1, "second stage in scalable mode (bit 46)");
	TEST_ASSERT_EQUAL(v.fsts, 0, "no first stage");
	TEST_ASSERT_EQUAL(v.smpwc, 0, "SMPWC");
	TEST_ASSERT_EQUAL(v.fs_iova_width, 0, "no first-stage domain");
	TEST_ASSERT_EQUAL(v.ss_iova_width, 48, "4-level table, MGAW 48");

	/* The blob as the kernel returned it, at an odd address. */
	vtd_blob(buf + 1, RTE_IOMMUFD_HW_INFO_VTD_ERRATA_772415_SPR17, QEMU72_CAP_AW48,
		 QEMU72_ECAP);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    buf + 1, 24, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.type, RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, "type");
	TEST_ASSERT_EQUAL(s.hw_info_flags, RTE_IOMMUFD_HW_INFO_VTD_ERRATA_772415_SPR17, "flags");
	TEST_ASSERT(s.valid, "valid");
	TEST_ASSERT_EQUAL(s.pasid_supported, 1, "SMTS and PASID");
	/*
	 * Linux: max_pasids = 2 << PSS = 2, so out_max_pasid_log2 is at most 1
	 * here; the rig's e1000e has no PASID capability and reads 0.
	 */
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 1, "PSS + 1");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 1, "ilog2(2 << PSS)");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "no SSADS: out_capabilities lacks DIRTY_TRACKING");
	TEST_ASSERT_EQUAL(s.nesting, 0, "no NEST");
	TEST_ASSERT_EQUAL(s.page_requests, 0, "no PRS");
	TEST_ASSERT_EQUAL(s.ats_supported, 0, "no DT: matches PCI_ATS_NOT_SUPPORTED on the rig");
	TEST_ASSERT_EQUAL(s.address_width, 48, "second stage, 48 bits: IOVA = VA works");
	return TEST_SUCCESS;
}

int
vtd_qemu_aw39(void)
{
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_iommu_caps s;

	/* The measured registers are what QEMU's own macros build. */
	TEST_ASSERT_EQUAL(qemu72_vtd_cap(48, 1), QEMU72_CAP_AW48, "aw-bits=48 rebuilt");
	TEST_ASSERT_EQUAL(qemu72_vtd_cap(39, 1), QEMU72_CAP_AW39, "aw-bits=39 rebuilt");

	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(QEMU72_CAP_AW39, QEMU72_ECAP, &v),
			    "decode");
	TEST_ASSERT(v.valid, "note: %s", v.note);
	TEST_ASSERT_EQUAL(v.mgaw, 39, "MGAW field 0x26 + 1");
	TEST_ASSERT_EQUAL(v.sagaw, 0x2, "SAGAW_48bit only when aw_bits >= 48");
	TEST_ASSERT_EQUAL(v.agaw_39, 1, "3-level table");
	TEST_ASSERT_EQUAL(v.agaw_48, 0, "no 4-level table");
	TEST_ASSERT_EQUAL(v.ss_iova_width, 39, "3-level table, MGAW 39");
	TEST_ASSERT_EQUAL(v.nd, 6, "rest of CAP unchanged");
	TEST_ASSERT_EQUAL(v.cm, 1, "CM");
	TEST_ASSERT_EQUAL(v.psi, 1, "PSI");

	TEST_ASSERT_SUCCESS(vtd_summary(0, QEMU72_CAP_AW39, QEMU72_ECAP, &s), "from_raw");
	/* A user VA (0x7f...) is beyond 2^39: the rig's map at IOVA = VA fails. */
	TEST_ASSERT_EQUAL(s.address_width, 39, "39-bit aperture");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 1, "ECAP unchanged");
	return TEST_SUCCESS;
}

int
vtd_icelake(void)
{
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_iommu_caps s;

	/* Graphics unit: CAP 0x01c0_000c_4066_0462, ECAP 0x049e_2ff0_505e. */
	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(ICL_GFX_CAP, ICL_GFX_ECAP, &v), "decode");
	TEST_ASSERT(v.valid, "note: %s", v.note);
	TEST_ASSERT_EQUAL(v.nd, 2, "ND");
	TEST_ASSERT_EQUAL(v.num_domains, 256, "2^(4 + 2 * 2)");
	TEST_ASSERT_EQUAL(v.plmr, 1, "PLMR");
	TEST_ASSERT_EQUAL(v.phmr, 1, "PHMR");
	TEST_ASSERT_EQUAL(v.cm, 0, "real hardware: no caching mode");
	TEST_ASSERT_EQUAL(v.sagaw, 0x4, "4-level tables only");
	TEST_ASSERT_EQUAL(v.mgaw, 39, "MGAW");
	TEST_ASSERT_EQUAL(v.zlr, 1, "ZLR");
	TEST_ASSERT_EQUAL(v.sslps, 0x3, "2M and 1G");
	TEST_ASSERT_EQUAL(v.psi, 0, "PSI clear: Linux logs pgsel_inv inconsistent");
	TEST_ASSERT_EQUAL(v.fs1gp, 1, "FL1GP");
	TEST_ASSERT_EQUAL(v.qi, 1, "QI");
	TEST_ASSERT_EQUAL(v.dt, 1, "device TLB");
	TEST_ASSERT_EQUAL(v.ir, 1, "IR");
	TEST_ASSERT_EQUAL(v.eim, 1, "EIM");
	TEST_ASSERT_EQUAL(v.pt, 1, "PT");
	TEST_ASSERT_EQUAL(v.sc, 0, "SC");
	TEST_ASSERT_EQUAL(v.mts, 1, "MTS");
	TEST_ASSERT_EQUAL(v.nest, 1, "NEST");
	TEST_ASSERT_EQUAL(v.prs, 1, "PRS");
	TEST_ASSERT_EQUAL(v.nwfs, 1, "NWFS");
	TEST_ASSERT_EQUAL(v.eafs, 1, "EAFS");
	TEST_ASSERT_EQUAL(v.pss, 19, "PSS");
	TEST_ASSERT_EQUAL(v.pasid_width, 20, "20-bit PASIDs in hardware");
	TEST_ASSERT_EQUAL(v.pasid, 0, "ECAP.PASID clear");
	TEST_ASSERT_EQUAL(v.pds, 1, "PDS");
	TEST_ASSERT_EQUAL(v.smts, 0, "no scalable mode");
	TEST_ASSERT_EQUAL(v.ss_iova_width, 39, "4-level table limited to MGAW 39");

	TEST_ASSERT_SUCCESS(vtd_summary(0, ICL_GFX_CAP, ICL_GFX_ECAP, &s), "from_raw");
	/* PSS says 20 bits, but without SMTS and PASID Linux uses none. */
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "gated by SMTS and PASID");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 0, "gated");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 0, "gated");
	TEST_ASSERT_EQUAL(s.nesting, 0, "NEST needs scalable mode");
	TEST_ASSERT_EQUAL(s.page_requests, 0, "PRS needs scalable mode");
	TEST_ASSERT_EQUAL(s.ats_supported, 1, "DT");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "no SSADS");
	TEST_ASSERT_EQUAL(s.address_width, 39, "legacy mode: second stage");

	/* The other unit. */
	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(ICL_CAP, ICL_ECAP, &v), "decode");
	TEST_ASSERT(v.valid, "note: %s", v.note);
	TEST_ASSERT_EQUAL(v.num_domains, 256, "ND 2");
	TEST_ASSERT_EQUAL(v.sagaw, 0x4, "SAGAW");
	TEST_ASSERT_EQUAL(v.mgaw, 39, "MGAW");
	TEST_ASSERT_EQUAL(v.psi, 1, "PSI");
	TEST_ASSERT_EQUAL(v.mamv, 18, "MAMV");
	TEST_ASSERT_EQUAL(v.fs1gp, 0, "FL1GP clear: Linux logs fl1gp_support inconsistent");
	TEST_ASSERT_EQUAL(v.dt, 0, "no device TLB");
	TEST_ASSERT_EQUAL(v.sc, 1, "snoop control");
	TEST_ASSERT_EQUAL(v.eim, 1, "EIM");
	TEST_ASSERT_EQUAL(v.pss, 0, "PSS");
	TEST_ASSERT_EQUAL(v.smts, 0, "SMTS");
	return TEST_SUCCESS;
}

int
vtd_server_v6(void)
{
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_iommu_caps s;

	/* CAP 0x09ed_008c_4078_0466, ECAP 0x0003_ee9e_86f0_50df. */
	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(V6_CAP, V6_ECAP, &v), "decode");
	TEST_ASSERT(v.valid, "note: %s", v.note);
	TEST_ASSERT_EQUAL(v.nd, 6, "ND");
	TEST_ASSERT_EQUAL(v.num_domains, 65536, "16-bit domain ids");
	TEST_ASSERT_EQUAL(v.cm, 0, "CM");
	TEST_ASSERT_EQUAL(v.sagaw, 0x4, "4-level second stage only");
	TEST_ASSERT_EQUAL(v.mgaw, 57, "MGAW field 0x38 + 1");
	TEST_ASSERT_EQUAL(v.zlr, 1, "ZLR");
	TEST_ASSERT_EQUAL(v.psi, 1, "PSI");
	TEST_ASSERT_EQUAL(v.mamv, 45, "MAMV bits 53:48 of 0x9ed");
	TEST_ASSERT_EQUAL(v.fs1gp, 1, "1G first-stage pages");
	TEST_ASSERT_EQUAL(v.pi, 1, "posted interrupts");
	TEST_ASSERT_EQUAL(v.fs5lp, 0, "no 5-level first stage");
	TEST_ASSERT_EQUAL(v.coherent, 1, "C");
	TEST_ASSERT_EQUAL(v.dt, 1, "device TLB");
	TEST_ASSERT_EQUAL(v.sc, 1, "snoop control");
	TEST_ASSERT_EQUAL(v.nest, 1, "NEST");
	TEST_ASSERT_EQUAL(v.prs, 0, "PRS clear");
	TEST_ASSERT_EQUAL(v.srs, 1, "SRS");
	TEST_ASSERT_EQUAL(v.pss, 19, "PSS");
	TEST_ASSERT_EQUAL(v.pasid, 0, "ECAP.PASID clear");
	TEST_ASSERT_EQUAL(v.dit, 1, "DIT");
	TEST_ASSERT_EQUAL(v.pds, 1, "PDS");
	TEST_ASSERT_EQUAL(v.smts, 1, "scalable mode");
	TEST_ASSERT_EQUAL(v.ssads, 1, "bit 45 set, bit 44 (VCS) clear");
	TEST_ASSERT_EQUAL(v.ssts, 1, "second stage");
	TEST_ASSERT_EQUAL(v.fsts, 1, "first stage");
	TEST_ASSERT_EQUAL(v.smpwc, 1, "SMPWC");
	TEST_ASSERT_EQUAL(v.rps, 1, "RPS");
	TEST_ASSERT_EQUAL(v.fs_iova_width, 48, "4-level first stage: min(48, 57)");
	TEST_ASSERT_EQUAL(v.ss_iova_width, 48, "4-level second stage: min(48, 57)");

	TEST_ASSERT_SUCCESS(vtd_summary(0, V6_CAP, V6_ECAP, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 1, "SMTS, SSADS and SMPWC");
	TEST_ASSERT_EQUAL(s.nesting, 1, "SMTS and NEST");
	TEST_ASSERT_EQUAL(s.ats_supported, 1, "DT");
	TEST_ASSERT_EQUAL(s.page_requests, 0, "no PRS");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "ECAP.PASID clear");
	TEST_ASSERT_EQUAL(s.address_width, 48, "first stage preferred");

	/* Synthetic: without SMPWC Linux refuses dirty tracking. */
	TEST_ASSERT_SUCCESS(vtd_summary(0, V6_CAP, V6_ECAP & ~(1ull << 48), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "needs SMPWC");
	/* Synthetic: with ECAP.PASID, PSS 19 gives 20 bits; with PRS, page requests. */
	TEST_ASSERT_SUCCESS(vtd_summary(0, V6_CAP,
			V6_ECAP | (1ull << 40) | (1ull << 29), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 20, "PSS + 1");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 20, "ilog2(2 << 19)");
	TEST_ASSERT_EQUAL(s.page_requests, 1, "SMTS, PRS, PDS, DT");
	/* Synthetic: FS5LP makes the first stage 57 bits wide. */
	TEST_ASSERT_SUCCESS(vtd_summary(0, V6_CAP | (1ull << 60), V6_ECAP, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.address_width, 57, "5-level first stage");
	return TEST_SUCCESS;
}

int
vtd_reserved(void)
{
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_iommu_caps s;
	uint64_t cap;

	/* QEMU with dma-translation=off advertises no SAGAW at all. */
	cap = QEMU72_CAP_AW48 & ~(0x1full << 8);
	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(cap, QEMU72_ECAP, &v), "decode");
	TEST_ASSERT(!v.valid, "SAGAW 0 is reserved");
	TEST_ASSERT_CONTAINS(v.note, "SAGAW");
	TEST_ASSERT_EQUAL(v.mgaw, 48, "the rest is still decoded");
	TEST_ASSERT_EQUAL(v.pasid, 1, "the rest is still decoded");
	TEST_ASSERT_EQUAL(v.ss_iova_width, 0, "no table");
	TEST_ASSERT_SUCCESS(vtd_summary(0, cap, QEMU72_ECAP, &s), "from_raw");
	TEST_ASSERT(!s.valid, "summary carries the flag");
	TEST_ASSERT_EQUAL(s.address_width, 0, "no DMA translation");

	/* SAGAW 0 is fine when scalable mode uses only the first stage. */
	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(0, (1ull << 43) | (1ull << 47), &v),
			    "decode");
	TEST_ASSERT(v.valid, "note: %s", v.note);
	TEST_ASSERT_EQUAL(v.mgaw, 1, "MGAW field 0");
	TEST_ASSERT_EQUAL(v.fs_iova_width, 1, "capped to MGAW");

	/* 2-level (bit 0) and 6-level (bit 4) SAGAW are reserved. */
	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(QEMU72_CAP_AW48 | (1ull << 8),
							QEMU72_ECAP, &v), "decode");
	TEST_ASSERT(!v.valid, "SAGAW bit 0");
	TEST_ASSERT_EQUAL(v.agaw_39, 1, "still decoded");

	/* Every bit set: ND 7 is reserved, nothing overflows. */
	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(~0ull, ~0ull, &v), "decode");
	TEST_ASSERT(!v.valid, "reserved");
	TEST_ASSERT_CONTAINS(v.note, "ND");
	TEST_ASSERT_EQUAL(v.nd, 7, "ND");
	TEST_ASSERT_EQUAL(v.num_domains, 1u << 18, "Linux's formula");
	TEST_ASSERT_EQUAL(v.mgaw, 64, "the largest MGAW the 6-bit field holds");
	TEST_ASSERT_EQUAL(v.pss, 31, "PSS");
	TEST_ASSERT_EQUAL(v.pasid_width, 32, "PSS + 1, flagged");
	TEST_ASSERT_EQUAL(v.fs_iova_width, 57, "FS5LP");
	TEST_ASSERT_EQUAL(v.ss_iova_width, 57, "5-level");
	TEST_ASSERT_EQUAL(v.mamv, 63, "MAMV");

	/* PSS 20 (21 bits) is beyond PCIe's 20-bit PASIDs. */
	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(QEMU72_CAP_AW48,
							QEMU72_ECAP | (20ull << 35), &v), "decode");
	TEST_ASSERT(!v.valid, "PSS");
	TEST_ASSERT_CONTAINS(v.note, "PSS");
	return TEST_SUCCESS;
}
