/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * What the files of test_hw_caps share: the register values (each with
 * its source), the blobs IOMMU_GET_HW_INFO returns for them, and the
 * cases each file defines.
 */

#ifndef _TEST_HW_CAPS_H_
#define _TEST_HW_CAPS_H_

#include <stdint.h>
#include <string.h>

#include "rte_iommufd_hw_caps.h"

/* ------------------------------------------------------------------ */
/* Register values                                                     */
/* ------------------------------------------------------------------ */

/*
 * QEMU 7.2 (Debian bookworm 1:7.2+dfsg-7) intel-iommu with
 * intremap=on,x-scalable-mode=on,x-pasid-mode=on,caching-mode=on,aw-bits=48,
 * guest Linux 7.3: IOMMU_GET_HW_INFO in this project's VM rig
 * (buildtools/vm/run-vm.sh) returned flags 0x1, cap_reg and ecap_reg below;
 * the guest also prints
 * "DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c222f0686 ecap 490080f00f4a".
 * (Linux 7.3 sets the ERRATA_772415_SPR17 flag on every VT-d unit.)
 */
#define QEMU72_CAP_AW48 0xd2008c222f0686ull
#define QEMU72_ECAP 0x490080f00f4aull
/*
 * Same with aw-bits=39. Derived from QEMU 7.2 hw/i386/intel_iommu.c
 * vtd_init(): cap = FRO | NFR | ND | MAMV | PSI | SLLPS | MGAW(aw_bits) |
 * DRAIN, plus SAGAW_39bit when aw_bits >= 39 and SAGAW_48bit when
 * aw_bits >= 48, plus CM with caching-mode=on (see qemu72_vtd_cap()).
 * Confirmed on the rig: the aw-bits=39 guest prints
 * "cap d2008c22260286 ecap 490080f00f4a".
 */
#define QEMU72_CAP_AW39 0xd2008c22260286ull

/*
 * Intel Ice Lake laptop (HP Pavilion 15-cs3xxx), Linux 5.10 boot log in
 * "Crash in acpi_ns_validate_handle triggered by soundwire on Linux 5.10",
 * alsa-devel / linux-acpi, 2021-01-20, Message-ID
 * <CA+GA0_sPC3rp5K4qwZm-u+W1C=+2Y2p-dbF4DMdHkKaTpeKKkg@mail.gmail.com>:
 * "DMAR: dmar0: reg_base_addr fed90000 ver 4:0 cap 1c0000c40660462 ecap 49e2ff0505e"
 * (the graphics unit) and
 * "DMAR: dmar1: reg_base_addr fed91000 ver 1:0 cap d2008c40660462 ecap f050da".
 */
#define ICL_GFX_CAP 0x1c0000c40660462ull
#define ICL_GFX_ECAP 0x49e2ff0505eull
#define ICL_CAP 0xd2008c40660462ull
#define ICL_ECAP 0xf050daull

/*
 * A VT-d 6.0 server unit (Xeon; the model is not stated): README.md of
 * sharathdm/x86_ir_table:
 * "DMAR: dmar0: reg_base_addr aa3fc000 ver 6:0 cap 9ed008c40780466 ecap 3ee9e86f050df".
 */
#define V6_CAP 0x9ed008c40780466ull
#define V6_ECAP 0x3ee9e86f050dfull

/*
 * Arm FVP Base RevC (Fixed Virtual Platform) SMMUv3 model as configured
 * by Arm's FF-A test suite: ARM-software/ff-a-acs docs/testcase_unverified.md
 * ("-C pci.pci_smmuv3.mmu.SMMU_AIDR=2 ... SMMU_IDR0=0x0046123B
 * SMMU_IDR1=0x00600002 SMMU_IDR3=0x1714 SMMU_IDR5=0xFFFF0472").
 * IDR2, IDR4 and IIDR are not set there: 0.
 */
static const uint32_t FVP_IDR[6] = { 0x0046123b, 0x00600002, 0, 0x1714, 0, 0xffff0472 };
#define FVP_AIDR 2u
/*
 * The same model with SMMU_IDR5=4294902901 (0xffff0475): sectrs-acai/acai
 * scripts/run_fvp.sh at commit 66568d72a3c1.
 */
#define FVP_IDR5_OAS48 0xffff0475u

/*
 * QEMU's emulated SMMUv3 (virt machine, iommu=smmuv3), derived from
 * qemu/qemu hw/arm/smmuv3.c smmuv3_init_regs() at commit 017a913af4df:
 * IDR0 = S1P | TTF=2 | COHACC | ASID16 | TTENDIAN=2 | STALL_MODEL=1 |
 * TERM_MODEL | STLEVEL=1; IDR1 = SIDSIZE 16 | EVENTQS 19 | CMDQS 19
 * (hw/arm/smmuv3-internal.h); IDR3 = RIL | HAD; IDR5 = GRAN4K | GRAN64K |
 * OAS 4 (44 bits); AIDR = 1 (SMMUv3.1).
 */
static const uint32_t QEMU_SMMU_IDR[6] = { 0x0d40101a, 0x02730010, 0, 0x404, 0, 0x54 };
#define QEMU_SMMU_AIDR 1u
/*
 * The same model in QEMU 11.1.3 (Debian sid), read for real in the rig
 * (vm-smmuv3-info: virt, iommu=smmuv3, Linux 7.3 arm64): IOMMU_GET_HW_INFO
 * type 2 gives these IDRs, IIDR 0, AIDR 1; the kernel logged "oas 44-bit
 * (features 0x01088705)": 2_LVL_STRTAB, TT_LE, COHERENCY, TRANS_S1,
 * TRANS_S2, RANGE_INV, NESTING, BBML2. Stage 2 (S2P), 16 KiB granules and
 * BBML 2 are new since the commit above; SubstreamIDs still 0.
 */
static const uint32_t QEMU11_SMMU_IDR[6] = { 0x0d44101b, 0x02730010, 0, 0x1414, 0, 0x74 };

/*
 * AMD Ryzen AI MAX+ 395 (HP ZBook Ultra G1a), Linux 6.16 boot log in
 * "Re: [PATCH v2 0/8] Add AMD ISP4 driver", linux-media, 2025-07-29,
 * Message-ID <aIh7WB0TGNU15Zm1@sultan-box>:
 * "AMD-Vi: Extended features (0x246577efa2254afa, 0x10): PPR NX GT [5] IA GA PC GA_vAPIC".
 * The same EFR is printed by Zen 4 desktops in many public logs.
 */
#define ZEN4_EFR 0x246577efa2254afaull
#define ZEN4_EFR2 0x10ull
#define ZEN4_DMESG "PPR NX GT [5] IA GA PC GA_vAPIC"
/*
 * AMD EPYC 9004 "Genoa" (Dell PowerEdge R6615), SEV-SNP host on Linux
 * 6.9.0-rc7-snp-host: permaweb/hb-os README.md (commit bcdddacbc06d):
 * "AMD-Vi: Extended features (0xa5bf7320a2294aee, 0x1d): PPR X2APIC NX [5] IA GA PC GA_vAPIC SNP".
 */
#define GENOA_EFR 0xa5bf7320a2294aeeull
#define GENOA_EFR2 0x1dull
#define GENOA_DMESG "PPR X2APIC NX [5] IA GA PC GA_vAPIC SNP"
/*
 * AMD Ryzen on an ASUS ROG STRIX B550-F, Linux 6.14.5 boot log in
 * "Re: [PATCH v4] ata: libata: disable LPM for WDC WD20EFAX-68FB5N0 hard
 * drives", linux-ide, 2025-05-12, Message-ID
 * <CAAZ0mTdtOVSidMeC76X9oZyHCtJdgyiu44+UEKqP5tSUaD9ZsQ@mail.gmail.com>:
 * "AMD-Vi: Extended features (0x58f77ef22294a5a, 0x0): PPR NX GT IA PC GA_vAPIC".
 */
#define B550_EFR 0x58f77ef22294a5aull
#define B550_DMESG "PPR NX GT IA PC GA_vAPIC"
/*
 * QEMU's emulated AMD IOMMU (amd-iommu device): qemu/qemu
 * hw/i386/amd_iommu.h AMDVI_DEFAULT_EXT_FEATURES = PREFETCH | PPR | IA |
 * GT | HE | GATS_MODE (2 << 12) | HATS_MODE (2 << 10) | GA = 0x29d3; EFR2 is
 * AMDVI_DEFAULT_EXT_FEATURES2 = 0. With dma-translation=off QEMU also ORs
 * AMDVI_HATS_MODE_RESERVED (3 << 10) (qemu-devel, 2025 amd_iommu series):
 * 0x2dd3. Read for real in the rig (vm-amd-info: QEMU 11.1.3, amd-iommu
 * dma-remap=on, Linux 7.3): IOMMU_GET_HW_INFO type 4 gives EFR 0x29d3 and
 * EFR2 0, as /sys/class/iommu/ivhd0/amd-iommu/features ("29d3:0") and the
 * boot log ("Extended features (0x29d3, 0x0): PreF PPR GT IA GA HE") say;
 * out_max_pasid_log2 0 for its e1000e NICs.
 */
#define QEMU_AMD_EFR 0x29d3ull
#define QEMU_AMD_EFR_NO_DMA 0x2dd3ull

/* ------------------------------------------------------------------ */
/* Blobs                                                               */
/* ------------------------------------------------------------------ */

/* The 24-byte VT-d blob, little endian like the kernel's struct. */
static inline void
vtd_blob(uint8_t b[24], uint32_t flags, uint64_t cap, uint64_t ecap)
{
	memset(b, 0, 24);
	memcpy(b, &flags, 4);
	memcpy(b + 8, &cap, 8);
	memcpy(b + 16, &ecap, 8);
}

static inline void
smmuv3_blob(uint8_t b[40], uint32_t flags, const uint32_t idr[6], uint32_t iidr, uint32_t aidr)
{
	memset(b, 0, 40);
	memcpy(b, &flags, 4);
	memcpy(b + 8, idr, 24);
	memcpy(b + 32, &iidr, 4);
	memcpy(b + 36, &aidr, 4);
}

static inline void
amd_blob(uint8_t b[16], uint64_t efr, uint64_t efr2)
{
	memcpy(b, &efr, 8);
	memcpy(b + 8, &efr2, 8);
}

/* The summary of a blob of these registers: from_raw()'s return. */
static inline int
vtd_summary(uint32_t flags, uint64_t cap, uint64_t ecap, struct rte_iommufd_iommu_caps *s)
{
	uint8_t b[24];

	vtd_blob(b, flags, cap, ecap);
	return rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, b, sizeof(b), s);
}

static inline int
smmuv3_summary(uint32_t flags, const uint32_t idr[6], uint32_t iidr, uint32_t aidr,
	       struct rte_iommufd_iommu_caps *s)
{
	uint8_t b[40];

	smmuv3_blob(b, flags, idr, iidr, aidr);
	return rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3, b, sizeof(b), s);
}

static inline int
amd_summary(uint64_t efr, uint64_t efr2, struct rte_iommufd_iommu_caps *s)
{
	uint8_t b[16];

	amd_blob(b, efr, efr2);
	return rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD, b, sizeof(b), s);
}

/* A field walker's callback: counts the fields in *(unsigned int *)@arg. */
static inline int
count_cb(const struct rte_iommufd_cap_field *f, void *arg)
{
	(void)f;
	(*(unsigned int *)arg)++;
	return 0;
}

/* test_hw_caps_vtd.c: Intel VT-d */
int vtd_qemu_aw48(void);
int vtd_qemu_aw39(void);
int vtd_icelake(void);
int vtd_server_v6(void);
int vtd_reserved(void);

/* test_hw_caps_smmuv3.c: Arm SMMUv3 */
int smmuv3_fvp(void);
int smmuv3_qemu(void);
int smmuv3_qemu11(void);
int smmuv3_summary_rules(void);
int smmuv3_reserved(void);

/* test_hw_caps_amd.c: AMD */
int amd_zen4(void);
int amd_genoa_snp(void);
int amd_b550(void);
int amd_qemu(void);

/* test_hw_caps_walk.c: the field walker */
int foreach_vtd(void);
int foreach_smmuv3(void);
int foreach_amd(void);
int foreach_cmdqv(void);
int foreach_stop(void);

#endif /* _TEST_HW_CAPS_H_ */
