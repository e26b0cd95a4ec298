/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The Arm SMMUv3 decoder on the registers of Arm's FVP, QEMU's smmuv3
 * (before and from QEMU 11), the summary's rules, and reserved values.
 */

#include <stdint.h>
#include <string.h>

#include "rte_iommufd_hw_caps.h"
#include "test.h"
#include "test_hw_caps.h"

/* ------------------------------------------------------------------ */
/* Arm SMMUv3                                                          */
/* ------------------------------------------------------------------ */

int
smmuv3_fvp(void)
{
	struct rte_iommufd_smmuv3_caps m;
	struct rte_iommufd_iommu_caps s;
	uint32_t idr[6];
	uint8_t buf[41];

	TEST_ASSERT_SUCCESS(rte_iommufd_smmuv3_caps_decode(FVP_IDR, 0, FVP_AIDR, &m), "decode");
	TEST_ASSERT(m.valid && m.note == NULL, "note: %s", m.note);
	/* IDR0 0x0046_123b */
	TEST_ASSERT_EQUAL(m.s2p, 1, "S2P");
	TEST_ASSERT_EQUAL(m.s1p, 1, "S1P");
	TEST_ASSERT_EQUAL(m.ttf, 2, "AArch64 tables");
	TEST_ASSERT_EQUAL(m.ttf_aarch64, 1, "AArch64");
	TEST_ASSERT_EQUAL(m.ttf_aarch32, 0, "no AArch32");
	TEST_ASSERT_EQUAL(m.cohacc, 1, "COHACC");
	TEST_ASSERT_EQUAL(m.btm, 1, "BTM");
	TEST_ASSERT_EQUAL(m.httu, 0, "no HTTU");
	TEST_ASSERT_EQUAL(m.hd, 0, "no hardware dirty");
	TEST_ASSERT_EQUAL(m.hyp, 1, "HYP");
	TEST_ASSERT_EQUAL(m.ats, 0, "no ATS");
	TEST_ASSERT_EQUAL(m.asid16, 1, "ASID16");
	TEST_ASSERT_EQUAL(m.asid_bits, 16, "16-bit ASIDs");
	TEST_ASSERT_EQUAL(m.msi, 0, "wired interrupts");
	TEST_ASSERT_EQUAL(m.pri, 0, "no PRI");
	TEST_ASSERT_EQUAL(m.vmw, 1, "VMW");
	TEST_ASSERT_EQUAL(m.vmid16, 1, "VMID16");
	TEST_ASSERT_EQUAL(m.vmid_bits, 16, "16-bit VMIDs");
	TEST_ASSERT_EQUAL(m.cd2l, 0, "CD2L");
	TEST_ASSERT_EQUAL(m.ttendian, 2, "little-endian tables");
	TEST_ASSERT_EQUAL(m.stall_model, 0, "stall and terminate");
	TEST_ASSERT_EQUAL(m.stall, 1, "stall supported");
	TEST_ASSERT_EQUAL(m.stall_force, 0, "not forced");
	TEST_ASSERT_EQUAL(m.term_model, 0, "TERM_MODEL");
	TEST_ASSERT_EQUAL(m.st_level, 0, "linear stream table");
	/* IDR1 0x0060_0002 */
	TEST_ASSERT_EQUAL(m.sidsize, 2, "SIDSIZE");
	TEST_ASSERT_EQUAL(m.ssidsize, 0, "no substreams");
	TEST_ASSERT_EQUAL(m.cmdqs, 3, "CMDQS bits 25:21 of 0x0060_0000");
	TEST_ASSERT_EQUAL(m.eventqs, 0, "EVENTQS");
	TEST_ASSERT_EQUAL(m.priqs, 0, "PRIQS");
	TEST_ASSERT_EQUAL(m.rel, 0, "REL");
	/* IDR3 0x1714 */
	TEST_ASSERT_EQUAL(m.had, 1, "HAD");
	TEST_ASSERT_EQUAL(m.xnx, 1, "XNX");
	TEST_ASSERT_EQUAL(m.pps, 0, "PPS");
	TEST_ASSERT_EQUAL(m.fwb, 1, "FWB");
	TEST_ASSERT_EQUAL(m.stt, 1, "STT");
	TEST_ASSERT_EQUAL(m.ril, 1, "RIL");
	TEST_ASSERT_EQUAL(m.bbml, 2, "BBML2");
	/* IDR5 0xffff_0472 */
	TEST_ASSERT_EQUAL(m.oas, 2, "OAS encoding");
	TEST_ASSERT_EQUAL(m.oas_bits, 40, "40-bit output");
	TEST_ASSERT_EQUAL(m.gran4k, 1, "4K");
	TEST_ASSERT_EQUAL(m.gran16k, 1, "16K");
	TEST_ASSERT_EQUAL(m.gran64k, 1, "64K");
	TEST_ASSERT_EQUAL(m.ds, 0, "DS");
	TEST_ASSERT_EQUAL(m.vax, 1, "VAX");
	TEST_ASSERT_EQUAL(m.vas_bits, 52, "52-bit stage 1 input");
	TEST_ASSERT_EQUAL(m.stall_max, 0xffff, "STALL_MAX");
	/* AIDR 2 */
	TEST_ASSERT_EQUAL(m.arch_major, 0, "SMMUv3");
	TEST_ASSERT_EQUAL(m.arch_minor, 2, "SMMUv3.2");

	smmuv3_blob(buf + 1, 0, FVP_IDR, 0, FVP_AIDR);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3,
							    buf + 1, 40, &s), "from_raw");
	TEST_ASSERT(s.valid, "valid");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "SSIDSIZE 0");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 0, "no PASIDs");
	TEST_ASSERT_EQUAL(s.nesting, 1, "S1P and S2P");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "HTTU 0");
	TEST_ASSERT_EQUAL(s.page_requests, 0, "no PRI");
	TEST_ASSERT_EQUAL(s.ats_supported, 0, "no ATS");
	TEST_ASSERT_EQUAL(s.address_width, 52, "stage 1 with VAX");

	/* The variant with OAS 5. */
	memcpy(idr, FVP_IDR, sizeof(idr));
	idr[5] = FVP_IDR5_OAS48;
	TEST_ASSERT_SUCCESS(rte_iommufd_smmuv3_caps_decode(idr, 0, FVP_AIDR, &m), "decode");
	TEST_ASSERT(m.valid, "note: %s", m.note);
	TEST_ASSERT_EQUAL(m.oas_bits, 48, "OAS 5");
	TEST_ASSERT_EQUAL(m.vas_bits, 52, "VAX unchanged");
	return TEST_SUCCESS;
}

int
smmuv3_qemu11(void)
{
	struct rte_iommufd_smmuv3_caps m;
	struct rte_iommufd_iommu_caps s;

	TEST_ASSERT_SUCCESS(rte_iommufd_smmuv3_caps_decode(QEMU11_SMMU_IDR, 0, QEMU_SMMU_AIDR, &m),
			    "decode");
	TEST_ASSERT(m.valid, "note: %s", m.note);
	/* Each against the kernel's features word 0x01088705. */
	TEST_ASSERT_EQUAL(m.st_level, 1, "2_LVL_STRTAB");
	TEST_ASSERT_EQUAL(m.ttendian, 2, "TT_LE only");
	TEST_ASSERT_EQUAL(m.cohacc, 1, "COHERENCY");
	TEST_ASSERT_EQUAL(m.s1p, 1, "TRANS_S1");
	TEST_ASSERT_EQUAL(m.s2p, 1, "TRANS_S2");
	TEST_ASSERT_EQUAL(m.ril, 1, "RANGE_INV");
	TEST_ASSERT_EQUAL(m.bbml, 2, "BBML2");
	TEST_ASSERT_EQUAL(m.cd2l, 0, "no 2_LVL_CDTAB");
	TEST_ASSERT_EQUAL(m.pri + m.ats + m.sev + m.msi + m.hyp, 0, "no PRI, ATS, SEV, MSI, HYP");
	TEST_ASSERT_EQUAL(m.stall, 0, "no STALLS");
	TEST_ASSERT_EQUAL(m.oas_bits, 44, "oas 44-bit");
	TEST_ASSERT_EQUAL(m.vax, 0, "no VAX");
	TEST_ASSERT_EQUAL(m.sidsize, 16, "SIDSIZE");
	TEST_ASSERT_EQUAL(m.ssidsize, 0, "no SubstreamIDs");
	TEST_ASSERT_EQUAL(m.gran16k, 1, "16K now");

	TEST_ASSERT_SUCCESS(smmuv3_summary(0, QEMU11_SMMU_IDR, 0, QEMU_SMMU_AIDR, &s), "from_raw");
	TEST_ASSERT(s.valid && s.note == NULL, "valid");
	TEST_ASSERT_EQUAL(s.nesting, 1, "S1P and S2P: NESTING");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "SSIDSIZE 0");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 0, "out_max_pasid_log2 0");
	TEST_ASSERT_EQUAL(s.address_width, 48, "stage 1, 48-bit: the IOVA ranges end at 2^48 - 1");
	return TEST_SUCCESS;
}

int
smmuv3_qemu(void)
{
	struct rte_iommufd_smmuv3_caps m;
	struct rte_iommufd_iommu_caps s;

	TEST_ASSERT_SUCCESS(rte_iommufd_smmuv3_caps_decode(QEMU_SMMU_IDR, 0, QEMU_SMMU_AIDR, &m),
			    "decode");
	TEST_ASSERT(m.valid, "note: %s", m.note);
	TEST_ASSERT_EQUAL(m.s1p, 1, "stage 1");
	TEST_ASSERT_EQUAL(m.s2p, 0, "no stage 2");
	TEST_ASSERT_EQUAL(m.ttf, 2, "AArch64");
	TEST_ASSERT_EQUAL(m.cohacc, 1, "COHACC");
	TEST_ASSERT_EQUAL(m.asid16, 1, "ASID16");
	TEST_ASSERT_EQUAL(m.vmid16, 0, "VMID16");
	TEST_ASSERT_EQUAL(m.ttendian, 2, "little endian");
	TEST_ASSERT_EQUAL(m.stall_model, 1, "terminate only");
	TEST_ASSERT_EQUAL(m.stall, 0, "no stalls");
	TEST_ASSERT_EQUAL(m.term_model, 1, "always abort");
	TEST_ASSERT_EQUAL(m.st_level, 1, "two-level stream table");
	TEST_ASSERT_EQUAL(m.sidsize, 16, "SMMU_IDR1_SIDSIZE");
	TEST_ASSERT_EQUAL(m.eventqs, 19, "SMMU_EVENTQS");
	TEST_ASSERT_EQUAL(m.cmdqs, 19, "SMMU_CMDQS");
	TEST_ASSERT_EQUAL(m.ssidsize, 0, "no PASIDs");
	TEST_ASSERT_EQUAL(m.ril, 1, "RIL");
	TEST_ASSERT_EQUAL(m.had, 1, "HAD");
	TEST_ASSERT_EQUAL(m.oas_bits, 44, "SMMU_IDR5_OAS 4");
	TEST_ASSERT_EQUAL(m.gran4k, 1, "4K");
	TEST_ASSERT_EQUAL(m.gran16k, 0, "no 16K then");
	TEST_ASSERT_EQUAL(m.gran64k, 1, "64K");
	TEST_ASSERT_EQUAL(m.vas_bits, 48, "no VAX");
	TEST_ASSERT_EQUAL(m.arch_minor, 1, "SMMUv3.1");

	TEST_ASSERT_SUCCESS(smmuv3_summary(RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI,
			QEMU_SMMU_IDR, 0, QEMU_SMMU_AIDR, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.hw_info_flags, RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI,
			  "flags word passed through");
	TEST_ASSERT_EQUAL(s.nesting, 0, "stage 1 only");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "SSIDSIZE 0");
	TEST_ASSERT_EQUAL(s.address_width, 48, "stage 1, 48-bit input");
	return TEST_SUCCESS;
}

int
smmuv3_summary_rules(void)
{
	struct rte_iommufd_smmuv3_caps m;
	struct rte_iommufd_iommu_caps s;
	uint32_t idr[6];

	/*
	 * Synthetic: the FVP registers with HTTU 2, PRI, ATS and SSIDSIZE 20,
	 * to exercise the summary rules an SMMUv3.2 with SVA would hit.
	 */
	memcpy(idr, FVP_IDR, sizeof(idr));
	idr[0] |= (2u << 6) | (1u << 10) | (1u << 16);
	idr[1] |= 20u << 6;
	TEST_ASSERT_SUCCESS(smmuv3_summary(0, idr, 0, FVP_AIDR, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.pasid_supported, 1, "S1P and SSIDSIZE");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 20, "SSIDSIZE");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 20, "1 << SSIDSIZE PASIDs");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 1, "HTTU 2 and COHACC");
	TEST_ASSERT_EQUAL(s.page_requests, 1, "PRI");
	TEST_ASSERT_EQUAL(s.ats_supported, 1, "ATS");

	/* Without COHACC Linux will not track dirty pages. */
	idr[0] &= ~(1u << 4);
	TEST_ASSERT_SUCCESS(rte_iommufd_smmuv3_caps_decode(idr, 0, FVP_AIDR, &m), "decode");
	TEST_ASSERT_EQUAL(m.hd, 1, "HTTU dirty");
	TEST_ASSERT_SUCCESS(smmuv3_summary(0, idr, 0, FVP_AIDR, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "needs COHACC");

	/* Stage 2 only: no PASIDs even with SSIDSIZE; width is OAS. */
	idr[0] &= ~(1u << 1);
	TEST_ASSERT_SUCCESS(smmuv3_summary(0, idr, 0, FVP_AIDR, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "needs stage 1");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 0, "gated");
	TEST_ASSERT_EQUAL(s.nesting, 0, "needs both stages");
	TEST_ASSERT_EQUAL(s.address_width, 40, "stage 2 input = OAS");
	return TEST_SUCCESS;
}

int
smmuv3_reserved(void)
{
	struct rte_iommufd_smmuv3_caps m;
	struct rte_iommufd_iommu_caps s;
	uint32_t idr[6];

	/* OAS 7 is reserved: decoded as 0 bits, Linux falls back to 48. */
	memcpy(idr, FVP_IDR, sizeof(idr));
	idr[5] |= 7;
	TEST_ASSERT_SUCCESS(rte_iommufd_smmuv3_caps_decode(idr, 0, FVP_AIDR, &m), "decode");
	TEST_ASSERT(!m.valid, "OAS 7");
	TEST_ASSERT_CONTAINS(m.note, "OAS");
	TEST_ASSERT_EQUAL(m.oas, 7, "raw kept");
	TEST_ASSERT_EQUAL(m.oas_bits, 0, "unknown width");
	TEST_ASSERT_EQUAL(m.gran64k, 1, "rest decoded");
	idr[0] &= ~(1u << 1);
	TEST_ASSERT_SUCCESS(smmuv3_summary(0, idr, 0, FVP_AIDR, &s), "from_raw");
	TEST_ASSERT(!s.valid, "flag carried");
	TEST_ASSERT_EQUAL(s.address_width, 48, "Linux truncates an unknown OAS to 48");

	/* No stage at all, TTF 0, STALL_MODEL 3, ST_LEVEL 2, VAX 2, SSIDSIZE 31. */
	idr[0] = (3u << 24) | (2u << 27);
	idr[1] = 31u << 6;
	idr[5] = 2u << 10;
	TEST_ASSERT_SUCCESS(rte_iommufd_smmuv3_caps_decode(idr, 0, 0, &m), "decode");
	TEST_ASSERT(!m.valid, "reserved");
	TEST_ASSERT_CONTAINS(m.note, "S1P");
	TEST_ASSERT_EQUAL(m.ssidsize, 31, "raw width kept");
	TEST_ASSERT_EQUAL(m.stall, 0, "STALL_MODEL 3 is neither");
	TEST_ASSERT_EQUAL(m.vas_bits, 48, "VAX 2 read as 48");

	/* All ones. */
	memset(idr, 0xff, sizeof(idr));
	TEST_ASSERT_SUCCESS(rte_iommufd_smmuv3_caps_decode(idr, ~0u, ~0u, &m), "decode");
	TEST_ASSERT(!m.valid, "reserved");
	TEST_ASSERT_EQUAL(m.sidsize, 63, "SIDSIZE");
	TEST_ASSERT_EQUAL(m.implementer, 0xfff, "IIDR");
	TEST_ASSERT_EQUAL(m.product_id, 0xfff, "IIDR");
	TEST_ASSERT_EQUAL(m.arch_major, 15, "AIDR");
	return TEST_SUCCESS;
}
