/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Decoders of IOMMU_GET_HW_INFO vendor registers, on register values read
 * from real or emulated IOMMUs. Each value carries its source; the expected
 * fields were worked out by hand from the vendor specifications and the
 * Linux 7.3 register macros, not by running the decoder.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rte_iommufd_hw_caps.h"
#include "test.h"

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

/* The 24-byte VT-d blob, little endian like the kernel's struct. */
static void
vtd_blob(uint8_t b[24], uint32_t flags, uint64_t cap, uint64_t ecap)
{
	memset(b, 0, 24);
	memcpy(b, &flags, 4);
	memcpy(b + 8, &cap, 8);
	memcpy(b + 16, &ecap, 8);
}

static void
smmuv3_blob(uint8_t b[40], uint32_t flags, const uint32_t idr[6], uint32_t iidr, uint32_t aidr)
{
	memset(b, 0, 40);
	memcpy(b, &flags, 4);
	memcpy(b + 8, idr, 24);
	memcpy(b + 32, &iidr, 4);
	memcpy(b + 36, &aidr, 4);
}

static void
amd_blob(uint8_t b[16], uint64_t efr, uint64_t efr2)
{
	memcpy(b, &efr, 8);
	memcpy(b + 8, &efr2, 8);
}

/* The features Linux prints after "AMD-Vi: Extended features (...):". */
static void
amd_dmesg_tokens(const struct rte_iommufd_amd_caps *a, char *buf, size_t len)
{
	buf[0] = '\0';
	if (a->pref)
		strncat(buf, " PreF", len - strlen(buf) - 1);
	if (a->ppr)
		strncat(buf, " PPR", len - strlen(buf) - 1);
	if (a->xt)
		strncat(buf, " X2APIC", len - strlen(buf) - 1);
	if (a->nx)
		strncat(buf, " NX", len - strlen(buf) - 1);
	if (a->gt)
		strncat(buf, " GT", len - strlen(buf) - 1);
	if (a->efr & (1ull << 5))
		strncat(buf, " [5]", len - strlen(buf) - 1);
	if (a->ia)
		strncat(buf, " IA", len - strlen(buf) - 1);
	if (a->ga)
		strncat(buf, " GA", len - strlen(buf) - 1);
	if (a->he)
		strncat(buf, " HE", len - strlen(buf) - 1);
	if (a->pc)
		strncat(buf, " PC", len - strlen(buf) - 1);
	if (a->gam_vapic)
		strncat(buf, " GA_vAPIC", len - strlen(buf) - 1);
	if (a->snp)
		strncat(buf, " SNP", len - strlen(buf) - 1);
	if (a->sevsnpio)
		strncat(buf, " SEV-TIO", len - strlen(buf) - 1);
	if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
}

/*
 * A buffer whose last byte is the last readable byte before a PROT_NONE
 * page: reading one byte past the end faults.
 */
struct guarded {
	uint8_t *map;
	size_t page;
};

static uint8_t *
guarded_alloc(struct guarded *g, size_t len)
{
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	g->map = mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED)
		return NULL;
	if (mprotect(g->map + g->page, g->page, PROT_NONE) != 0) {
		munmap(g->map, 2 * g->page);
		return NULL;
	}
	return g->map + g->page - len;
}

static void
guarded_free(struct guarded *g)
{
	munmap(g->map, 2 * g->page);
}

/* ------------------------------------------------------------------ */
/* Intel VT-d                                                          */
/* ------------------------------------------------------------------ */

static int
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

static int
vtd_qemu_aw39(void)
{
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[24];

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

	vtd_blob(buf, 0, QEMU72_CAP_AW39, QEMU72_ECAP);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    buf, sizeof(buf), &s), "from_raw");
	/* A user VA (0x7f...) is beyond 2^39: the rig's map at IOVA = VA fails. */
	TEST_ASSERT_EQUAL(s.address_width, 39, "39-bit aperture");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 1, "ECAP unchanged");
	return TEST_SUCCESS;
}

static int
vtd_icelake(void)
{
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[24];

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

	vtd_blob(buf, 0, ICL_GFX_CAP, ICL_GFX_ECAP);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    buf, sizeof(buf), &s), "from_raw");
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

static int
vtd_server_v6(void)
{
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[24];

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

	vtd_blob(buf, 0, V6_CAP, V6_ECAP);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 1, "SMTS, SSADS and SMPWC");
	TEST_ASSERT_EQUAL(s.nesting, 1, "SMTS and NEST");
	TEST_ASSERT_EQUAL(s.ats_supported, 1, "DT");
	TEST_ASSERT_EQUAL(s.page_requests, 0, "no PRS");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "ECAP.PASID clear");
	TEST_ASSERT_EQUAL(s.address_width, 48, "first stage preferred");

	/* Synthetic: without SMPWC Linux refuses dirty tracking. */
	vtd_blob(buf, 0, V6_CAP, V6_ECAP & ~(1ull << 48));
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "needs SMPWC");
	/* Synthetic: with ECAP.PASID, PSS 19 gives 20 bits; with PRS, page requests. */
	vtd_blob(buf, 0, V6_CAP, V6_ECAP | (1ull << 40) | (1ull << 29));
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 20, "PSS + 1");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 20, "ilog2(2 << 19)");
	TEST_ASSERT_EQUAL(s.page_requests, 1, "SMTS, PRS, PDS, DT");
	/* Synthetic: FS5LP makes the first stage 57 bits wide. */
	vtd_blob(buf, 0, V6_CAP | (1ull << 60), V6_ECAP);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.address_width, 57, "5-level first stage");
	return TEST_SUCCESS;
}

static int
vtd_reserved(void)
{
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_iommu_caps s;
	uint64_t cap;
	uint8_t buf[24];

	/* QEMU with dma-translation=off advertises no SAGAW at all. */
	cap = QEMU72_CAP_AW48 & ~(0x1full << 8);
	TEST_ASSERT_SUCCESS(rte_iommufd_vtd_caps_decode(cap, QEMU72_ECAP, &v), "decode");
	TEST_ASSERT(!v.valid, "SAGAW 0 is reserved");
	TEST_ASSERT_CONTAINS(v.note, "SAGAW");
	TEST_ASSERT_EQUAL(v.mgaw, 48, "the rest is still decoded");
	TEST_ASSERT_EQUAL(v.pasid, 1, "the rest is still decoded");
	TEST_ASSERT_EQUAL(v.ss_iova_width, 0, "no table");
	vtd_blob(buf, 0, cap, QEMU72_ECAP);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    buf, sizeof(buf), &s), "from_raw");
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

/* ------------------------------------------------------------------ */
/* Arm SMMUv3                                                          */
/* ------------------------------------------------------------------ */

static int
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

static int
smmuv3_qemu11(void)
{
	struct rte_iommufd_smmuv3_caps m;
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[40];

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

	smmuv3_blob(buf, 0, QEMU11_SMMU_IDR, 0, QEMU_SMMU_AIDR);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT(s.valid && s.note == NULL, "valid");
	TEST_ASSERT_EQUAL(s.nesting, 1, "S1P and S2P: NESTING");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "SSIDSIZE 0");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 0, "out_max_pasid_log2 0");
	TEST_ASSERT_EQUAL(s.address_width, 48, "stage 1, 48-bit: the IOVA ranges end at 2^48 - 1");
	return TEST_SUCCESS;
}

static int
smmuv3_qemu(void)
{
	struct rte_iommufd_smmuv3_caps m;
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[40];

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

	smmuv3_blob(buf, RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI, QEMU_SMMU_IDR, 0,
		    QEMU_SMMU_AIDR);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.hw_info_flags, RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI,
			  "flags word passed through");
	TEST_ASSERT_EQUAL(s.nesting, 0, "stage 1 only");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "SSIDSIZE 0");
	TEST_ASSERT_EQUAL(s.address_width, 48, "stage 1, 48-bit input");
	return TEST_SUCCESS;
}

static int
smmuv3_summary_rules(void)
{
	struct rte_iommufd_smmuv3_caps m;
	struct rte_iommufd_iommu_caps s;
	uint32_t idr[6];
	uint8_t buf[40];

	/*
	 * Synthetic: the FVP registers with HTTU 2, PRI, ATS and SSIDSIZE 20,
	 * to exercise the summary rules an SMMUv3.2 with SVA would hit.
	 */
	memcpy(idr, FVP_IDR, sizeof(idr));
	idr[0] |= (2u << 6) | (1u << 10) | (1u << 16);
	idr[1] |= 20u << 6;
	smmuv3_blob(buf, 0, idr, 0, FVP_AIDR);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3,
							    buf, sizeof(buf), &s), "from_raw");
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
	smmuv3_blob(buf, 0, idr, 0, FVP_AIDR);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "needs COHACC");

	/* Stage 2 only: no PASIDs even with SSIDSIZE; width is OAS. */
	idr[0] &= ~(1u << 1);
	smmuv3_blob(buf, 0, idr, 0, FVP_AIDR);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "needs stage 1");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 0, "gated");
	TEST_ASSERT_EQUAL(s.nesting, 0, "needs both stages");
	TEST_ASSERT_EQUAL(s.address_width, 40, "stage 2 input = OAS");
	return TEST_SUCCESS;
}

static int
smmuv3_reserved(void)
{
	struct rte_iommufd_smmuv3_caps m;
	struct rte_iommufd_iommu_caps s;
	uint32_t idr[6];
	uint8_t buf[40];

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
	smmuv3_blob(buf, 0, idr, 0, FVP_AIDR);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3,
							    buf, sizeof(buf), &s), "from_raw");
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

/* ------------------------------------------------------------------ */
/* AMD                                                                 */
/* ------------------------------------------------------------------ */

static int
amd_zen4(void)
{
	struct rte_iommufd_amd_caps a;
	struct rte_iommufd_iommu_caps s;
	char tokens[128];
	uint8_t buf[17];

	TEST_ASSERT_SUCCESS(rte_iommufd_amd_caps_decode(ZEN4_EFR, ZEN4_EFR2, &a), "decode");
	TEST_ASSERT(a.valid && a.note == NULL, "note: %s", a.note);
	amd_dmesg_tokens(&a, tokens, sizeof(tokens));
	TEST_ASSERT(strcmp(tokens, ZEN4_DMESG) == 0, "Linux printed \"%s\", decoded \"%s\"",
		    ZEN4_DMESG, tokens);
	TEST_ASSERT_EQUAL(a.ppr, 1, "PPRSup");
	TEST_ASSERT_EQUAL(a.xt, 0, "XTSup");
	TEST_ASSERT_EQUAL(a.gt, 1, "GTSup");
	TEST_ASSERT_EQUAL(a.he, 0, "HESup");
	TEST_ASSERT_EQUAL(a.hats, 2, "HATS");
	TEST_ASSERT_EQUAL(a.host_levels, 6, "6-level host table");
	TEST_ASSERT_EQUAL(a.host_width, 64, "(2 + 3) * 9 + 21, capped to 64");
	TEST_ASSERT_EQUAL(a.gats, 0, "GATS");
	TEST_ASSERT_EQUAL(a.guest_levels, 4, "4-level guest table");
	TEST_ASSERT_EQUAL(a.glx, 1, "two-level GCR3");
	TEST_ASSERT_EQUAL(a.pasmax, 15, "PASmax");
	TEST_ASSERT_EQUAL(a.pasid_width, 16, "16-bit PASIDs");
	TEST_ASSERT_EQUAL(a.gio, 1, "GIoSup");
	TEST_ASSERT_EQUAL(a.ha, 0, "HASup");
	TEST_ASSERT_EQUAL(a.eph, 1, "EPHSup");
	TEST_ASSERT_EQUAL(a.hd, 0, "HDSup");
	TEST_ASSERT_EQUAL(a.snp, 0, "SNPSup");
	TEST_ASSERT_EQUAL(a.gcr3trpmode, 0, "EFR2 0x10 has no bit 3");
	TEST_ASSERT_EQUAL(a.sevsnpio, 0, "EFR2 bit 1");

	amd_blob(buf + 1, ZEN4_EFR, ZEN4_EFR2);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD,
							    buf + 1, 16, &s), "from_raw");
	TEST_ASSERT(s.valid, "valid");
	TEST_ASSERT_EQUAL(s.hw_info_flags, 0, "AMD blob has no flags");
	TEST_ASSERT_EQUAL(s.pasid_supported, 1, "GT, GIo, PPR and EPH");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 16, "PASmax + 1");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 15, "ilog2(2^16 - 1)");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "no HDSup");
	TEST_ASSERT_EQUAL(s.nesting, 0, "no GCR3TRPMode");
	TEST_ASSERT_EQUAL(s.page_requests, 1, "PPR");
	TEST_ASSERT_EQUAL(s.ats_supported, 0, "not in EFR");
	TEST_ASSERT_EQUAL(s.address_width, 64, "host table");
	return TEST_SUCCESS;
}

static int
amd_genoa_snp(void)
{
	struct rte_iommufd_amd_caps a;
	struct rte_iommufd_iommu_caps s;
	char tokens[128];
	uint8_t buf[16];

	TEST_ASSERT_SUCCESS(rte_iommufd_amd_caps_decode(GENOA_EFR, GENOA_EFR2, &a), "decode");
	TEST_ASSERT(a.valid, "note: %s", a.note);
	amd_dmesg_tokens(&a, tokens, sizeof(tokens));
	TEST_ASSERT(strcmp(tokens, GENOA_DMESG) == 0, "Linux printed \"%s\", decoded \"%s\"",
		    GENOA_DMESG, tokens);
	TEST_ASSERT_EQUAL(a.xt, 1, "XTSup");
	TEST_ASSERT_EQUAL(a.gt, 0, "GTSup off on this SNP host");
	TEST_ASSERT_EQUAL(a.hats, 2, "HATS");
	TEST_ASSERT_EQUAL(a.pasmax, 0, "PASmax");
	TEST_ASSERT_EQUAL(a.pasid_width, 0, "no GTSup: PASmax not read");
	TEST_ASSERT_EQUAL(a.gio, 1, "GIoSup");
	TEST_ASSERT_EQUAL(a.ha, 1, "HASup");
	TEST_ASSERT_EQUAL(a.eph, 1, "EPHSup");
	TEST_ASSERT_EQUAL(a.hd, 1, "HDSup");
	TEST_ASSERT_EQUAL(a.snp, 1, "SNPSup");
	TEST_ASSERT_EQUAL(a.gcr3trpmode, 1, "EFR2 0x1d bit 3");
	TEST_ASSERT_EQUAL(a.sevsnpio, 0, "EFR2 0x1d bit 1: no SEV-TIO in the log");
	TEST_ASSERT_EQUAL(a.snp_page_mode0, 0, "EFR2 bit 13");

	amd_blob(buf, GENOA_EFR, GENOA_EFR2);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "no GT");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 0, "gated");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 1, "HDSup with a valid HATS");
	TEST_ASSERT_EQUAL(s.nesting, 0, "GCR3TRPMode but no GT");
	TEST_ASSERT_EQUAL(s.page_requests, 1, "PPR");
	TEST_ASSERT_EQUAL(s.address_width, 64, "host table");
	return TEST_SUCCESS;
}

static int
amd_b550(void)
{
	struct rte_iommufd_amd_caps a;
	struct rte_iommufd_iommu_caps s;
	char tokens[128];
	uint8_t buf[16];

	TEST_ASSERT_SUCCESS(rte_iommufd_amd_caps_decode(B550_EFR, 0, &a), "decode");
	TEST_ASSERT(a.valid, "note: %s", a.note);
	amd_dmesg_tokens(&a, tokens, sizeof(tokens));
	TEST_ASSERT(strcmp(tokens, B550_DMESG) == 0, "Linux printed \"%s\", decoded \"%s\"",
		    B550_DMESG, tokens);
	TEST_ASSERT_EQUAL(a.ga, 0, "GASup clear");
	TEST_ASSERT_EQUAL(a.hats, 2, "HATS");
	TEST_ASSERT_EQUAL(a.glx, 1, "GLXSup");
	TEST_ASSERT_EQUAL(a.pasmax, 15, "PASmax");
	TEST_ASSERT_EQUAL(a.gio, 1, "GIoSup");
	TEST_ASSERT_EQUAL(a.ha, 1, "HASup (bit 49)");
	TEST_ASSERT_EQUAL(a.eph, 1, "EPHSup");
	TEST_ASSERT_EQUAL(a.hd, 0, "HDSup (bit 52) clear, AttrFWSup (bit 51) set");
	TEST_ASSERT_EQUAL(a.efr2, 0, "no EFR2");

	amd_blob(buf, B550_EFR, 0);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.pasid_supported, 1, "GT, GIo, PPR, EPH");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 16, "PASmax + 1");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 15, "PASmax");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "access bits only");
	TEST_ASSERT_EQUAL(s.address_width, 64, "host table");
	return TEST_SUCCESS;
}

static int
amd_qemu(void)
{
	struct rte_iommufd_amd_caps a;
	struct rte_iommufd_iommu_caps s;
	char tokens[128];
	uint8_t buf[16];

	TEST_ASSERT_SUCCESS(rte_iommufd_amd_caps_decode(QEMU_AMD_EFR, 0, &a), "decode");
	amd_dmesg_tokens(&a, tokens, sizeof(tokens));
	TEST_ASSERT(strcmp(tokens, "PreF PPR GT IA GA HE") == 0,
		    "Linux 7.3 printed \"PreF PPR GT IA GA HE\", decoded \"%s\"", tokens);
	TEST_ASSERT_EQUAL(a.pref, 1, "PREFETCH");
	TEST_ASSERT_EQUAL(a.ppr, 1, "PPR");
	TEST_ASSERT_EQUAL(a.gt, 1, "GT");
	TEST_ASSERT_EQUAL(a.ia, 1, "IA");
	TEST_ASSERT_EQUAL(a.ga, 1, "GA");
	TEST_ASSERT_EQUAL(a.he, 1, "HE");
	TEST_ASSERT_EQUAL(a.hats, 2, "AMDVI_HATS_MODE 2 << 10");
	TEST_ASSERT_EQUAL(a.host_width, 64, "6 levels");
	/* GATS 2 is reserved: QEMU's value is flagged, the rest decoded. */
	TEST_ASSERT_EQUAL(a.gats, 2, "AMDVI_GATS_MODE 2 << 12");
	TEST_ASSERT(!a.valid, "GATS 2 is reserved");
	TEST_ASSERT_CONTAINS(a.note, "GATS");
	TEST_ASSERT_EQUAL(a.guest_levels, 4, "Linux takes a reserved GATS as 4 levels");
	TEST_ASSERT_EQUAL(a.pasmax, 0, "PASmax");
	TEST_ASSERT_EQUAL(a.pasid_width, 1, "GTSup: PASIDs 0 and 1, one bit");
	TEST_ASSERT_EQUAL(a.gio, 0, "no GIoSup");
	TEST_ASSERT_EQUAL(a.eph, 0, "no EPHSup");

	amd_blob(buf, QEMU_AMD_EFR, 0);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "no GIoSup, no EPHSup");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 0, "gated");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 0, "Linux: ilog2(2^1 - 1) = 0 at most");
	TEST_ASSERT(!s.valid, "GATS 2");
	TEST_ASSERT_CONTAINS(s.note, "GATS");
	TEST_ASSERT_EQUAL(s.address_width, 64, "host table");

	/* dma-translation=off: HATS 3, Linux disables host translation. */
	TEST_ASSERT_SUCCESS(rte_iommufd_amd_caps_decode(QEMU_AMD_EFR_NO_DMA, 0, &a), "decode");
	TEST_ASSERT(!a.valid, "HATS 3");
	TEST_ASSERT_CONTAINS(a.note, "HATS");
	TEST_ASSERT_EQUAL(a.host_levels, 0, "no host table");
	TEST_ASSERT_EQUAL(a.host_width, 0, "no host table");
	amd_blob(buf, QEMU_AMD_EFR_NO_DMA, 0);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.address_width, 0, "no v1, and v2 needs GIoSup");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "no host table");

	/* Synthetic: HATS 3 with GT and GIoSup falls back to the guest table. */
	amd_blob(buf, QEMU_AMD_EFR_NO_DMA | (1ull << 48), 0);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.address_width, 48, "GATS reserved: 4-level guest table");

	/* Synthetic: nesting needs GT, GIoSup and EFR2 GCR3TRPMode. */
	amd_blob(buf, ZEN4_EFR, 1ull << 3);
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD,
							    buf, sizeof(buf), &s), "from_raw");
	TEST_ASSERT_EQUAL(s.nesting, 1, "GT, GIo, GCR3TRPMode");

	/* PASmax 31 (with GTSup) is beyond 20 bits. */
	TEST_ASSERT_SUCCESS(rte_iommufd_amd_caps_decode((0x1full << 32) | (1ull << 4), 0, &a),
			    "decode");
	TEST_ASSERT(!a.valid, "PASmax");
	TEST_ASSERT_EQUAL(a.pasid_width, 32, "kept");
	/* Without GTSup PASmax means nothing (Linux does not read it). */
	TEST_ASSERT_SUCCESS(rte_iommufd_amd_caps_decode(0x1full << 32, 0, &a), "decode");
	TEST_ASSERT(a.valid, "PASmax ignored: %s", a.note);
	TEST_ASSERT_EQUAL(a.pasid_width, 0, "no GTSup");
	return TEST_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Arguments                                                           */
/* ------------------------------------------------------------------ */

static int
null_arguments(void)
{
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[40] = { 0 };

	TEST_ASSERT_EQUAL(rte_iommufd_vtd_caps_decode(0, 0, NULL), -EINVAL, "vtd out");
	TEST_ASSERT_EQUAL(rte_iommufd_smmuv3_caps_decode(NULL, 0, 0, NULL), -EINVAL, "smmu");
	TEST_ASSERT_EQUAL(rte_iommufd_smmuv3_caps_decode(FVP_IDR, 0, 0, NULL), -EINVAL,
			  "smmu out");
	{
		struct rte_iommufd_smmuv3_caps m;

		TEST_ASSERT_EQUAL(rte_iommufd_smmuv3_caps_decode(NULL, 0, 0, &m), -EINVAL,
				  "smmu idr");
	}
	TEST_ASSERT_EQUAL(rte_iommufd_amd_caps_decode(0, 0, NULL), -EINVAL, "amd out");
	TEST_ASSERT_EQUAL(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							  NULL, 24, &s), -EINVAL, "data");
	TEST_ASSERT_EQUAL(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							  buf, 24, NULL), -EINVAL, "out");
	TEST_ASSERT_EQUAL(rte_iommufd_hw_caps_foreach(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
						      NULL, 24, NULL, NULL), -EINVAL, "cb");
	TEST_ASSERT_EQUAL(rte_iommufd_hw_caps_foreach(RTE_IOMMUFD_HW_INFO_TYPE_AMD, buf, 16,
						      NULL, NULL), -EINVAL, "cb");
	return TEST_SUCCESS;
}

static int
count_cb(const struct rte_iommufd_cap_field *f, void *arg)
{
	(void)f;
	(*(unsigned int *)arg)++;
	return 0;
}

static int
short_lengths(void)
{
	static const struct {
		uint32_t type;
		size_t len;
	} t[] = {
		{ RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, RTE_IOMMUFD_HW_INFO_VTD_LEN },
		{ RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3, RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_LEN },
		{ RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV, RTE_IOMMUFD_HW_INFO_TEGRA241_CMDQV_LEN },
		{ RTE_IOMMUFD_HW_INFO_TYPE_AMD, RTE_IOMMUFD_HW_INFO_AMD_LEN },
	};
	struct rte_iommufd_iommu_caps s;
	struct guarded g;
	unsigned int i, n;
	size_t len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (len = 0; len <= t[i].len; len++) {
			/* The blob ends at a PROT_NONE page: a read past len faults. */
			uint8_t *p = guarded_alloc(&g, len);
			int r1, r2;

			TEST_ASSERT(p != NULL, "mmap");
			memset(p, 0xa5, len);
			memset(&s, 0x5a, sizeof(s));
			r1 = rte_iommufd_iommu_caps_from_raw(t[i].type, p, len, &s);
			n = 0;
			r2 = rte_iommufd_hw_caps_foreach(t[i].type, p, len, count_cb, &n);
			guarded_free(&g);
			if (len < t[i].len) {
				TEST_ASSERT_EQUAL(r2, -EINVAL, "type %u len %zu", t[i].type, len);
				TEST_ASSERT_EQUAL(n, 0, "no callback before the length check");
				if (t[i].type != RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV) {
					TEST_ASSERT_EQUAL(r1, -EINVAL, "type %u len %zu",
							  t[i].type, len);
					TEST_ASSERT_EQUAL(s.type, 0x5a5a5a5a, "out untouched");
				}
			} else {
				TEST_ASSERT_SUCCESS(r2, "type %u exact length", t[i].type);
				TEST_ASSERT(n > 1, "fields visited");
				if (t[i].type != RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV)
					TEST_ASSERT_SUCCESS(r1, "type %u exact length", t[i].type);
			}
		}
	}
	/* A longer buffer (a newer kernel's blob) is fine. */
	{
		uint8_t big[64] = { 0 };

		vtd_blob(big, 0, QEMU72_CAP_AW48, QEMU72_ECAP);
		TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(
				RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, big, sizeof(big), &s), "long");
		TEST_ASSERT_EQUAL(s.address_width, 48, "decoded");
	}
	return TEST_SUCCESS;
}

static int
unknown_types(void)
{
	static const uint32_t types[] = { RTE_IOMMUFD_HW_INFO_TYPE_NONE, 5, 0x80, UINT32_MAX };
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[64] = { 0 };
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		TEST_ASSERT_EQUAL(rte_iommufd_iommu_caps_from_raw(types[i], buf, sizeof(buf), &s),
				  -EOPNOTSUPP, "type %u", types[i]);
		TEST_ASSERT_EQUAL(rte_iommufd_hw_caps_foreach(types[i], buf, sizeof(buf),
							      count_cb, &n),
				  -EOPNOTSUPP, "type %u", types[i]);
	}
	TEST_ASSERT_EQUAL(n, 0, "no callback");
	/* CMDQV is a known type without IOMMU capabilities. */
	TEST_ASSERT_EQUAL(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV,
							  buf, sizeof(buf), &s),
			  -EOPNOTSUPP, "cmdqv");
	return TEST_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Field walker                                                        */
/* ------------------------------------------------------------------ */

#define MAX_FIELDS 160

struct walk {
	unsigned int n;
	const char *name[MAX_FIELDS];
	const char *group[MAX_FIELDS];
	uint64_t value[MAX_FIELDS];
	int bad;
	char why[160];
};

static int
snake_case(const char *s)
{
	if (s == NULL || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return s[-1] != '_';
}

static int
record_cb(const struct rte_iommufd_cap_field *f, void *arg)
{
	struct walk *w = arg;
	size_t dl;

	if (w->n >= MAX_FIELDS) {
		w->bad = 1;
		snprintf(w->why, sizeof(w->why), "more than %d fields", MAX_FIELDS);
		return -E2BIG;
	}
	dl = f->desc != NULL ? strlen(f->desc) : 0;
	if (!snake_case(f->name) || dl == 0 || f->desc[dl - 1] == '.' || f->group == NULL ||
	    f->kind > RTE_IOMMUFD_CAP_HEX ||
	    (f->kind == RTE_IOMMUFD_CAP_BOOL && f->value > 1)) {
		w->bad = 1;
		snprintf(w->why, sizeof(w->why), "field %u \"%s\" malformed", w->n,
			 f->name != NULL ? f->name : "(null)");
	}
	w->name[w->n] = f->name;
	w->group[w->n] = f->group;
	w->value[w->n] = f->value;
	w->n++;
	return 0;
}

static int
walk_find(const struct walk *w, const char *name, uint64_t *value, const char **group)
{
	unsigned int i;

	for (i = 0; i < w->n; i++) {
		if (strcmp(w->name[i], name) == 0) {
			*value = w->value[i];
			*group = w->group[i];
			return 1;
		}
	}
	return 0;
}

/* Walk a blob and check the rules every walk obeys. */
static int
check_walk(uint32_t type, const void *blob, size_t len, const char *vendor, struct walk *w)
{
	struct walk again;
	unsigned int i, j;

	memset(w, 0, sizeof(*w));
	TEST_ASSERT_SUCCESS(rte_iommufd_hw_caps_foreach(type, blob, len, record_cb, w),
			    "walk type %u", type);
	TEST_ASSERT(!w->bad, "%s", w->why);
	TEST_ASSERT(w->n >= 5, "fields");
	TEST_ASSERT(strcmp(w->name[0], "hw_info_type") == 0, "first field: %s", w->name[0]);
	TEST_ASSERT_EQUAL(w->value[0], type, "hw_info_type value");
	for (i = 0; i < w->n; i++) {
		TEST_ASSERT(strcmp(w->group[i], "summary") == 0 || strcmp(w->group[i], vendor) == 0,
			    "group %s of %s", w->group[i], w->name[i]);
		for (j = i + 1; j < w->n; j++)
			TEST_ASSERT(strcmp(w->name[i], w->name[j]) != 0, "%s visited twice",
				    w->name[i]);
	}
	/* Same walk, same fields in the same order. */
	memset(&again, 0, sizeof(again));
	TEST_ASSERT_SUCCESS(rte_iommufd_hw_caps_foreach(type, blob, len, record_cb, &again),
			    "second walk");
	TEST_ASSERT_EQUAL(again.n, w->n, "stable count");
	for (i = 0; i < w->n; i++)
		TEST_ASSERT(strcmp(again.name[i], w->name[i]) == 0 &&
			    again.value[i] == w->value[i], "stable field %u", i);
	return TEST_SUCCESS;
}

/* The summary fields and their order: part of the JSON schema. */
static const char *const summary_names[] = {
	"hw_info_type", "hw_info_flags", "registers_valid", "pasid_supported",
	"iommu_pasid_bits", "linux_max_pasid_log2", "dirty_tracking", "nesting",
	"page_requests", "ats_supported", "address_width",
};

static int
check_summary(const struct walk *w, const struct rte_iommufd_iommu_caps *s)
{
	const uint64_t want[] = {
		s->type, s->hw_info_flags, s->valid, s->pasid_supported, s->iommu_pasid_bits,
		s->linux_max_pasid_log2, s->dirty_tracking, s->nesting, s->page_requests,
		s->ats_supported, s->address_width,
	};
	unsigned int i;

	for (i = 0; i < sizeof(summary_names) / sizeof(summary_names[0]); i++) {
		TEST_ASSERT(strcmp(w->name[i], summary_names[i]) == 0, "field %u is %s, not %s",
			    i, w->name[i], summary_names[i]);
		TEST_ASSERT(strcmp(w->group[i], "summary") == 0, "group of %s", w->name[i]);
		TEST_ASSERT_EQUAL(w->value[i], want[i], "value of %s", w->name[i]);
	}
	return TEST_SUCCESS;
}

static int
foreach_vtd(void)
{
	struct rte_iommufd_iommu_caps s;
	struct walk w;
	const char *group;
	uint64_t v;
	uint8_t blob[24];

	vtd_blob(blob, RTE_IOMMUFD_HW_INFO_VTD_ERRATA_772415_SPR17, QEMU72_CAP_AW48, QEMU72_ECAP);
	if (check_walk(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, blob, sizeof(blob), "intel_vtd", &w))
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    blob, sizeof(blob), &s), "from_raw");
	if (check_summary(&w, &s))
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(w.n, 66, "VT-d field count (a change here changes the schema)");
	TEST_ASSERT(walk_find(&w, "mgaw", &v, &group), "mgaw");
	TEST_ASSERT_EQUAL(v, 48, "mgaw");
	TEST_ASSERT(strcmp(group, "intel_vtd") == 0, "group");
	TEST_ASSERT(walk_find(&w, "cap_reg", &v, &group), "cap_reg");
	TEST_ASSERT_EQUAL(v, QEMU72_CAP_AW48, "cap_reg");
	TEST_ASSERT(walk_find(&w, "errata_772415_spr17", &v, &group), "errata");
	TEST_ASSERT_EQUAL(v, 1, "flag decoded");
	TEST_ASSERT(walk_find(&w, "hw_info_flags", &v, &group), "flags");
	TEST_ASSERT_EQUAL(v, 1, "flags raw");
	TEST_ASSERT(walk_find(&w, "ssads", &v, &group) && v == 0, "ssads");
	TEST_ASSERT(walk_find(&w, "pasid_width", &v, &group) && v == 1, "pasid_width");
	return TEST_SUCCESS;
}

static int
foreach_smmuv3(void)
{
	struct rte_iommufd_iommu_caps s;
	struct walk w;
	const char *group;
	uint64_t v;
	uint8_t blob[40];

	smmuv3_blob(blob, 0, FVP_IDR, 0, FVP_AIDR);
	if (check_walk(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3, blob, sizeof(blob), "arm_smmuv3", &w))
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3,
							    blob, sizeof(blob), &s), "from_raw");
	if (check_summary(&w, &s))
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(w.n, 91, "SMMUv3 field count (a change here changes the schema)");
	TEST_ASSERT(walk_find(&w, "idr5", &v, &group) && v == 0xffff0472, "idr5");
	TEST_ASSERT(walk_find(&w, "oas_bits", &v, &group) && v == 40, "oas_bits");
	TEST_ASSERT(walk_find(&w, "ats", &v, &group) && strcmp(group, "arm_smmuv3") == 0,
		    "IDR0.ATS is a vendor field");
	TEST_ASSERT(walk_find(&w, "stall_max", &v, &group) && v == 0xffff, "stall_max");
	TEST_ASSERT(walk_find(&w, "errata_repeat_tlbi_cfgi", &v, &group) && v == 0, "errata");
	return TEST_SUCCESS;
}

static int
foreach_amd(void)
{
	struct rte_iommufd_iommu_caps s;
	struct walk w;
	const char *group;
	uint64_t v;
	uint8_t blob[16];

	amd_blob(blob, GENOA_EFR, GENOA_EFR2);
	if (check_walk(RTE_IOMMUFD_HW_INFO_TYPE_AMD, blob, sizeof(blob), "amd", &w))
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD,
							    blob, sizeof(blob), &s), "from_raw");
	if (check_summary(&w, &s))
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(w.n, 42, "AMD field count (a change here changes the schema)");
	TEST_ASSERT(walk_find(&w, "dirty_tracking", &v, &group) && v == 1, "dirty_tracking");
	TEST_ASSERT(walk_find(&w, "efr", &v, &group) && v == GENOA_EFR, "efr");
	TEST_ASSERT(walk_find(&w, "hd", &v, &group) && v == 1, "hd");
	TEST_ASSERT(walk_find(&w, "host_width", &v, &group) && v == 64, "host_width");
	return TEST_SUCCESS;
}

static int
foreach_cmdqv(void)
{
	/* flags 0, version 1, log2vcmdqs 7, log2vsids 4 (synthetic). */
	const uint8_t blob[8] = { 0, 0, 0, 0, 1, 7, 4, 0 };
	struct walk w;
	const char *group;
	uint64_t v;

	if (check_walk(RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV, blob, sizeof(blob),
		       "tegra241_cmdqv", &w))
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(w.n, 5, "hw_info_type and 4 fields");
	TEST_ASSERT(walk_find(&w, "version", &v, &group) && v == 1, "version");
	TEST_ASSERT(walk_find(&w, "log2vcmdqs", &v, &group) && v == 7, "log2vcmdqs");
	TEST_ASSERT(walk_find(&w, "log2vsids", &v, &group) && v == 4, "log2vsids");
	TEST_ASSERT(!walk_find(&w, "pasid_supported", &v, &group), "no summary");
	return TEST_SUCCESS;
}

struct stop {
	unsigned int calls;
	unsigned int stop_at;
	int ret;
};

static int
stop_cb(const struct rte_iommufd_cap_field *f, void *arg)
{
	struct stop *st = arg;

	(void)f;
	if (++st->calls == st->stop_at)
		return st->ret;
	return 0;
}

static int
foreach_stop(void)
{
	static const int rets[] = { 42, -ECANCELED, 1 };
	uint8_t vtd[24], smmu[40], amd[16];
	const struct {
		uint32_t type;
		const void *blob;
		size_t len;
	} t[] = {
		{ RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, vtd, sizeof(vtd) },
		{ RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3, smmu, sizeof(smmu) },
		{ RTE_IOMMUFD_HW_INFO_TYPE_AMD, amd, sizeof(amd) },
	};
	unsigned int i, k, total, at;

	vtd_blob(vtd, 0, QEMU72_CAP_AW48, QEMU72_ECAP);
	smmuv3_blob(smmu, 0, FVP_IDR, 0, FVP_AIDR);
	amd_blob(amd, ZEN4_EFR, ZEN4_EFR2);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		total = 0;
		TEST_ASSERT_SUCCESS(rte_iommufd_hw_caps_foreach(t[i].type, t[i].blob, t[i].len,
								count_cb, &total), "count");
		/* Stop on the first field, inside the summary, in the vendor part, on the last. */
		for (at = 1; at <= total; at++) {
			if (at != 1 && at != 3 && at != 15 && at != total)
				continue;
			for (k = 0; k < sizeof(rets) / sizeof(rets[0]); k++) {
				struct stop st = { 0, at, rets[k] };

				int r = rte_iommufd_hw_caps_foreach(t[i].type, t[i].blob, t[i].len,
								    stop_cb, &st);

				TEST_ASSERT_EQUAL(r, rets[k], "type %u stop at %u", t[i].type, at);
				TEST_ASSERT_EQUAL(st.calls, at, "no call after the stop");
			}
		}
	}
	return TEST_SUCCESS;
}

int
main(void)
{
	static const struct test_case cases[] = {
		TEST_CASE(vtd_qemu_aw48),
		TEST_CASE(vtd_qemu_aw39),
		TEST_CASE(vtd_icelake),
		TEST_CASE(vtd_server_v6),
		TEST_CASE(vtd_reserved),
		TEST_CASE(smmuv3_fvp),
		TEST_CASE(smmuv3_qemu),
		TEST_CASE(smmuv3_qemu11),
		TEST_CASE(smmuv3_summary_rules),
		TEST_CASE(smmuv3_reserved),
		TEST_CASE(amd_zen4),
		TEST_CASE(amd_genoa_snp),
		TEST_CASE(amd_b550),
		TEST_CASE(amd_qemu),
		TEST_CASE(null_arguments),
		TEST_CASE(short_lengths),
		TEST_CASE(unknown_types),
		TEST_CASE(foreach_vtd),
		TEST_CASE(foreach_smmuv3),
		TEST_CASE(foreach_amd),
		TEST_CASE(foreach_cmdqv),
		TEST_CASE(foreach_stop),
		TEST_CASES_END(),
	};

	return test_run("hw_caps", cases);
}
