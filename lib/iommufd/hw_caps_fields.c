/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The fields of the vendor decoders, in one table: each field's structure,
 * name, kind, description, member and, for a field read straight from a
 * register, its bits. The decoders (hw_caps.c) read the registers through
 * the table; the field walker (rte_iommufd_hw_caps_foreach()) emits the
 * fields of a structure in table order. Pure functions, as in hw_caps.c.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "hw_caps_private.h"

/* The register of a field read from none: one the decoder computes, or not a decoded one. */
#define DERIVED 0xff

/* Field @n of structure @g (type @st), member @m: @width bits from bit @shift of @reg. */
#define FIELD(g, st, n, k, m, reg, shift, width, d) \
	{ g, n, k, offsetof(st, m), sizeof(((st *)0)->m), reg, shift, width, d }
#define SUM(k, m, d) SUMN(#m, k, m, d)
#define SUMN(n, k, m, d) \
	FIELD(IFD_CAPS_SUMMARY, struct rte_iommufd_iommu_caps, n, k, m, DERIVED, 0, 0, d)
#define VTD(k, m, r, s, w, d) \
	FIELD(IFD_CAPS_VTD, struct rte_iommufd_vtd_caps, #m, k, m, r, s, w, d)
#define SMMU(k, m, r, s, w, d) SMMUN(#m, k, m, r, s, w, d)
#define SMMUN(n, k, m, r, s, w, d) \
	FIELD(IFD_CAPS_SMMUV3, struct rte_iommufd_smmuv3_caps, n, k, m, r, s, w, d)
#define AMD(k, m, r, s, w, d) \
	FIELD(IFD_CAPS_AMD, struct rte_iommufd_amd_caps, #m, k, m, r, s, w, d)
#define CMDQV(k, m, d) \
	FIELD(IFD_CAPS_CMDQV, struct ifd_iommu_hw_info_tegra241_cmdqv, #m, k, m, DERIVED, 0, 0, d)
#define B RTE_IOMMUFD_CAP_BOOL
#define U RTE_IOMMUFD_CAP_UINT
#define H RTE_IOMMUFD_CAP_HEX

static const struct ifd_cap_field fields[] = {
	/* summary */
	SUM(H, hw_info_flags, "flags word of the vendor blob (errata)"),
	SUMN("registers_valid", B, valid, "the registers hold no reserved encoding"),
	SUM(B, pasid_supported, "the IOMMU translates PASID-tagged DMA"),
	SUM(U, iommu_pasid_bits, "PASID width of the IOMMU, 0 without PASID support"),
	SUM(U, linux_max_pasid_log2, "upper bound Linux puts on a device's out_max_pasid_log2"),
	SUM(B, dirty_tracking, "hardware dirty tracking of the IOVA page table"),
	SUM(B, nesting, "a nesting parent page table can be allocated"),
	SUM(B, page_requests, "the IOMMU accepts PCIe page requests (PRI)"),
	SUM(B, ats_supported, "the IOMMU serves PCIe ATS (always false for AMD: not in EFR)"),
	SUM(U, address_width, "IOVA bits of the default Linux paging domain, 0 without DMA translation"),
	/* intel_vtd */
	VTD(H, cap_reg, VTD_CAP, 0, 64, "raw capability register"),
	VTD(H, ecap_reg, VTD_ECAP, 0, 64, "raw extended capability register"),
	VTD(U, nd, VTD_CAP, 0, 3, "CAP.ND: number-of-domains encoding"),
	VTD(U, num_domains, DERIVED, 0, 0, "domain ids supported"),
	VTD(B, afl, VTD_CAP, 3, 1, "CAP.AFL: advanced fault logging"),
	VTD(B, rwbf, VTD_CAP, 4, 1, "CAP.RWBF: write-buffer flush required"),
	VTD(B, plmr, VTD_CAP, 5, 1, "CAP.PLMR: protected low-memory region"),
	VTD(B, phmr, VTD_CAP, 6, 1, "CAP.PHMR: protected high-memory region"),
	VTD(B, cm, VTD_CAP, 7, 1, "CAP.CM: caching mode, non-present entries may be cached (virtual IOMMU)"),
	VTD(H, sagaw, VTD_CAP, 8, 5, "CAP.SAGAW: second-stage table depths (bit 1: 3-level, 2: 4-level, 3: 5-level)"),
	VTD(B, agaw_39, VTD_CAP, 9, 1, "3-level second-stage table, 39-bit"),
	VTD(B, agaw_48, VTD_CAP, 10, 1, "4-level second-stage table, 48-bit"),
	VTD(B, agaw_57, VTD_CAP, 11, 1, "5-level second-stage table, 57-bit"),
	VTD(U, mgaw, DERIVED, 0, 0, "CAP.MGAW: largest DMA address width in bits"),
	VTD(B, zlr, VTD_CAP, 22, 1, "CAP.ZLR: zero-length DMA reads"),
	VTD(H, sslps, VTD_CAP, 34, 4, "CAP.SSLPS (SLLPS): second-stage large pages (bit 0: 2 MiB, 1: 1 GiB)"),
	VTD(B, ss_2m, VTD_CAP, 34, 1, "2 MiB second-stage pages"),
	VTD(B, ss_1g, VTD_CAP, 35, 1, "1 GiB second-stage pages"),
	VTD(B, psi, VTD_CAP, 39, 1, "CAP.PSI: page-selective IOTLB invalidation"),
	VTD(U, mamv, VTD_CAP, 48, 6, "CAP.MAMV: largest address mask of a page-selective invalidation"),
	VTD(B, fs1gp, VTD_CAP, 56, 1, "CAP.FS1GP (FL1GP): 1 GiB first-stage pages"),
	VTD(B, pi, VTD_CAP, 59, 1, "CAP.PI: posted interrupts"),
	VTD(B, fs5lp, VTD_CAP, 60, 1, "CAP.FS5LP (FL5LP): 5-level first-stage tables"),
	VTD(B, ecmds, VTD_CAP, 61, 1, "CAP.ECMDS: enhanced command interface"),
	VTD(B, esirtps, VTD_CAP, 62, 1, "CAP.ESIRTPS: setting the interrupt table pointer invalidates caches"),
	VTD(B, esrtps, VTD_CAP, 63, 1, "CAP.ESRTPS: setting the root table pointer invalidates caches"),
	VTD(B, coherent, VTD_ECAP, 0, 1, "ECAP.C: page walks snoop CPU caches"),
	VTD(B, qi, VTD_ECAP, 1, 1, "ECAP.QI: queued invalidation"),
	VTD(B, dt, VTD_ECAP, 2, 1, "ECAP.DT: device TLB (ATS)"),
	VTD(B, ir, VTD_ECAP, 3, 1, "ECAP.IR: interrupt remapping"),
	VTD(B, eim, VTD_ECAP, 4, 1, "ECAP.EIM: extended (x2APIC) interrupt mode"),
	VTD(B, pt, VTD_ECAP, 6, 1, "ECAP.PT: pass-through"),
	VTD(B, sc, VTD_ECAP, 7, 1, "ECAP.SC: snoop control"),
	VTD(B, mts, VTD_ECAP, 25, 1, "ECAP.MTS: memory type support"),
	VTD(B, nest, VTD_ECAP, 26, 1, "ECAP.NEST: nested translation"),
	VTD(B, prs, VTD_ECAP, 29, 1, "ECAP.PRS: page requests"),
	VTD(B, ers, VTD_ECAP, 30, 1, "ECAP.ERS: execute requests"),
	VTD(B, srs, VTD_ECAP, 31, 1, "ECAP.SRS: supervisor requests"),
	VTD(B, nwfs, VTD_ECAP, 33, 1, "ECAP.NWFS: no write flag"),
	VTD(B, eafs, VTD_ECAP, 34, 1, "ECAP.EAFS: extended accessed flag"),
	VTD(U, pss, VTD_ECAP, 35, 5, "ECAP.PSS: PASID width minus one"),
	VTD(B, pasid, VTD_ECAP, 40, 1, "ECAP.PASID: PASID support"),
	VTD(B, dit, VTD_ECAP, 41, 1, "ECAP.DIT: device TLB invalidation throttling"),
	VTD(B, pds, VTD_ECAP, 42, 1, "ECAP.PDS: page-request drain"),
	VTD(B, smts, VTD_ECAP, 43, 1, "ECAP.SMTS: scalable-mode translation"),
	VTD(B, ssads, VTD_ECAP, 45, 1, "ECAP.SSADS (SLADS): second-stage accessed/dirty bits"),
	VTD(B, ssts, VTD_ECAP, 46, 1, "ECAP.SSTS (SLTS): second-stage translation in scalable mode"),
	VTD(B, fsts, VTD_ECAP, 47, 1, "ECAP.FSTS (FLTS): first-stage translation"),
	VTD(B, smpwc, VTD_ECAP, 48, 1, "ECAP.SMPWC: scalable-mode page walks snoop CPU caches"),
	VTD(B, rps, VTD_ECAP, 49, 1, "ECAP.RPS: RID_PASID"),
	VTD(B, pms, VTD_ECAP, 51, 1, "ECAP.PMS: performance monitoring"),
	VTD(U, pasid_width, DERIVED, 0, 0, "PSS + 1: PASID width of the hardware"),
	VTD(U, fs_iova_width, DERIVED, 0, 0, "IOVA bits of a first-stage domain, 0 without one"),
	VTD(U, ss_iova_width, DERIVED, 0, 0, "IOVA bits of a second-stage domain, 0 without a usable SAGAW"),
	/* arm_smmuv3 */
	SMMUN("idr0", H, idr[0], SMMU_IDR0, 0, 32, "raw IDR0"),
	SMMUN("idr1", H, idr[1], SMMU_IDR1, 0, 32, "raw IDR1"),
	SMMUN("idr2", H, idr[2], SMMU_IDR2, 0, 32, "raw IDR2"),
	SMMUN("idr3", H, idr[3], SMMU_IDR3, 0, 32, "raw IDR3"),
	SMMUN("idr4", H, idr[4], SMMU_IDR4, 0, 32, "raw IDR4 (implementation defined)"),
	SMMUN("idr5", H, idr[5], SMMU_IDR5, 0, 32, "raw IDR5"),
	SMMU(H, iidr, SMMU_IIDR, 0, 32, "raw IIDR"),
	SMMU(H, aidr, SMMU_AIDR, 0, 32, "raw AIDR"),
	SMMU(B, s2p, SMMU_IDR0, 0, 1, "IDR0.S2P: stage 2 translation"),
	SMMU(B, s1p, SMMU_IDR0, 1, 1, "IDR0.S1P: stage 1 translation"),
	SMMU(U, ttf, SMMU_IDR0, 2, 2, "IDR0.TTF: table formats (1 AArch32, 2 AArch64, 3 both)"),
	SMMU(B, ttf_aarch32, SMMU_IDR0, 2, 1, "AArch32 (LPAE) table format"),
	SMMU(B, ttf_aarch64, SMMU_IDR0, 3, 1, "AArch64 table format"),
	SMMU(B, cohacc, SMMU_IDR0, 4, 1, "IDR0.COHACC: coherent table walks and queue accesses"),
	SMMU(B, btm, SMMU_IDR0, 5, 1, "IDR0.BTM: broadcast TLB maintenance"),
	SMMU(U, httu, SMMU_IDR0, 6, 2, "IDR0.HTTU: 0 none, 1 access flag, 2 access and dirty, 3 also table access flags"),
	SMMU(B, ha, DERIVED, 0, 0, "hardware access-flag updates"),
	SMMU(B, hd, DERIVED, 0, 0, "hardware dirty-state updates"),
	SMMU(B, haft, DERIVED, 0, 0, "hardware access flag in table descriptors"),
	SMMU(B, dormhint, SMMU_IDR0, 8, 1, "IDR0.DORMHINT: dormant hint"),
	SMMU(B, hyp, SMMU_IDR0, 9, 1, "IDR0.HYP: EL2 StreamWorld"),
	SMMU(B, ats, SMMU_IDR0, 10, 1, "IDR0.ATS: PCIe ATS"),
	SMMU(B, ns1ats, SMMU_IDR0, 11, 1, "IDR0.NS1ATS: ATS skips stage 1"),
	SMMU(B, asid16, SMMU_IDR0, 12, 1, "IDR0.ASID16: 16-bit ASIDs"),
	SMMU(B, msi, SMMU_IDR0, 13, 1, "IDR0.MSI: message signalled interrupts"),
	SMMU(B, sev, SMMU_IDR0, 14, 1, "IDR0.SEV: WFE wake-up events"),
	SMMU(B, atos, SMMU_IDR0, 15, 1, "IDR0.ATOS: address translation operations"),
	SMMU(B, pri, SMMU_IDR0, 16, 1, "IDR0.PRI: PCIe page request interface"),
	SMMU(B, vmw, SMMU_IDR0, 17, 1, "IDR0.VMW: VMID wildcards"),
	SMMU(B, vmid16, SMMU_IDR0, 18, 1, "IDR0.VMID16: 16-bit VMIDs"),
	SMMU(B, cd2l, SMMU_IDR0, 19, 1, "IDR0.CD2L: two-level context descriptor tables"),
	SMMU(B, vatos, SMMU_IDR0, 20, 1, "IDR0.VATOS: virtual ATOS page"),
	SMMU(U, ttendian, SMMU_IDR0, 21, 2, "IDR0.TTENDIAN: 0 mixed, 2 little, 3 big endian tables"),
	SMMU(B, atsrecerr, SMMU_IDR0, 23, 1, "IDR0.ATSRECERR: ATS error recording"),
	SMMU(U, stall_model, SMMU_IDR0, 24, 2, "IDR0.STALL_MODEL: 0 stall and terminate, 1 terminate only, 2 stall forced"),
	SMMU(B, stall, DERIVED, 0, 0, "stalling faults supported"),
	SMMU(B, stall_force, DERIVED, 0, 0, "stalling faults forced"),
	SMMU(B, term_model, SMMU_IDR0, 26, 1, "IDR0.TERM_MODEL: terminated transactions always abort"),
	SMMU(U, st_level, SMMU_IDR0, 27, 2, "IDR0.ST_LEVEL: 0 linear, 1 two-level stream table"),
	SMMU(U, sidsize, SMMU_IDR1, 0, 6, "IDR1.SIDSIZE: StreamID bits"),
	SMMU(U, ssidsize, SMMU_IDR1, 6, 5, "IDR1.SSIDSIZE: SubstreamID (PASID) bits"),
	SMMU(U, priqs, SMMU_IDR1, 11, 5, "IDR1.PRIQS: log2 of the PRI queue entries"),
	SMMU(U, eventqs, SMMU_IDR1, 16, 5, "IDR1.EVENTQS: log2 of the event queue entries"),
	SMMU(U, cmdqs, SMMU_IDR1, 21, 5, "IDR1.CMDQS: log2 of the command queue entries"),
	SMMU(B, attr_perms_ovr, SMMU_IDR1, 26, 1, "IDR1.ATTR_PERMS_OVR: permission attribute override"),
	SMMU(B, attr_types_ovr, SMMU_IDR1, 27, 1, "IDR1.ATTR_TYPES_OVR: memory type attribute override"),
	SMMU(B, rel, SMMU_IDR1, 28, 1, "IDR1.REL: relative base addresses"),
	SMMU(B, queues_preset, SMMU_IDR1, 29, 1, "IDR1.QUEUES_PRESET: fixed queue bases"),
	SMMU(B, tables_preset, SMMU_IDR1, 30, 1, "IDR1.TABLES_PRESET: fixed table bases"),
	SMMU(B, ecmdq, SMMU_IDR1, 31, 1, "IDR1.ECMDQ: enhanced command queues"),
	SMMU(B, had, SMMU_IDR3, 2, 1, "IDR3.HAD: hierarchical attribute disable"),
	SMMU(B, pbha, SMMU_IDR3, 3, 1, "IDR3.PBHA: page-based hardware attributes"),
	SMMU(B, xnx, SMMU_IDR3, 4, 1, "IDR3.XNX: EL0/EL1 execute-never at stage 2"),
	SMMU(B, pps, SMMU_IDR3, 5, 1, "IDR3.PPS: PRI responses carry the PASID"),
	SMMU(B, mpam, SMMU_IDR3, 7, 1, "IDR3.MPAM: memory partitioning and monitoring"),
	SMMU(B, fwb, SMMU_IDR3, 8, 1, "IDR3.FWB: stage 2 forced write-back"),
	SMMU(B, stt, SMMU_IDR3, 9, 1, "IDR3.STT: small translation tables"),
	SMMU(B, ril, SMMU_IDR3, 10, 1, "IDR3.RIL: range invalidation"),
	SMMU(U, bbml, SMMU_IDR3, 11, 2, "IDR3.BBML: break-before-make level"),
	SMMU(B, e0pd, SMMU_IDR3, 13, 1, "IDR3.E0PD: E0PD"),
	SMMU(B, ptwnnc, SMMU_IDR3, 14, 1, "IDR3.PTWNNC: walks of non-cacheable tables are not coherent"),
	SMMU(B, dpt, SMMU_IDR3, 15, 1, "IDR3.DPT: device permission table"),
	SMMU(U, oas, SMMU_IDR5, 0, 3, "IDR5.OAS: output address size encoding"),
	SMMU(U, oas_bits, DERIVED, 0, 0, "output address size in bits, 0 if reserved"),
	SMMU(B, gran4k, SMMU_IDR5, 4, 1, "IDR5.GRAN4K: 4 KiB granule"),
	SMMU(B, gran16k, SMMU_IDR5, 5, 1, "IDR5.GRAN16K: 16 KiB granule"),
	SMMU(B, gran64k, SMMU_IDR5, 6, 1, "IDR5.GRAN64K: 64 KiB granule"),
	SMMU(B, ds, SMMU_IDR5, 7, 1, "IDR5.DS: 52-bit addresses with 4 KiB and 16 KiB granules"),
	SMMU(U, vax, SMMU_IDR5, 10, 2, "IDR5.VAX: 0 48-bit, 1 52-bit stage 1 input"),
	SMMU(U, vas_bits, DERIVED, 0, 0, "stage 1 input address size in bits"),
	SMMU(U, stall_max, SMMU_IDR5, 16, 16, "IDR5.STALL_MAX: outstanding stalled transactions"),
	SMMU(H, implementer, SMMU_IIDR, 0, 12, "IIDR.Implementer: JEP106 code (0x43b Arm)"),
	SMMU(U, revision, SMMU_IIDR, 12, 4, "IIDR.Revision"),
	SMMU(U, variant, SMMU_IIDR, 16, 4, "IIDR.Variant"),
	SMMU(H, product_id, SMMU_IIDR, 20, 12, "IIDR.ProductID"),
	SMMU(U, arch_major, SMMU_AIDR, 4, 4, "AIDR.ArchMajorRev (0: SMMUv3)"),
	SMMU(U, arch_minor, SMMU_AIDR, 0, 4, "AIDR.ArchMinorRev: x in SMMUv3.x"),
	SMMU(U, asid_bits, DERIVED, 0, 0, "ASID bits"),
	SMMU(U, vmid_bits, DERIVED, 0, 0, "VMID bits"),
	/* amd */
	AMD(H, efr, AMD_EFR, 0, 64, "raw extended feature register"),
	AMD(H, efr2, AMD_EFR2, 0, 64, "raw extended feature register 2"),
	AMD(B, pref, AMD_EFR, 0, 1, "EFR.PreFSup: prefetch commands"),
	AMD(B, ppr, AMD_EFR, 1, 1, "EFR.PPRSup: peripheral page requests"),
	AMD(B, xt, AMD_EFR, 2, 1, "EFR.XTSup: x2APIC interrupts"),
	AMD(B, nx, AMD_EFR, 3, 1, "EFR.NXSup: no-execute protection"),
	AMD(B, gt, AMD_EFR, 4, 1, "EFR.GTSup: guest (v2, PASID) translation"),
	AMD(B, ia, AMD_EFR, 6, 1, "EFR.IASup: INVALIDATE_ALL command"),
	AMD(B, ga, AMD_EFR, 7, 1, "EFR.GASup: guest virtual APIC"),
	AMD(B, he, AMD_EFR, 8, 1, "EFR.HESup: hardware error registers"),
	AMD(B, pc, AMD_EFR, 9, 1, "EFR.PCSup: performance counters"),
	AMD(U, hats, AMD_EFR, 10, 2, "EFR.HATS: host table depth encoding (0: 4, 1: 5, 2: 6 levels)"),
	AMD(U, gats, AMD_EFR, 12, 2, "EFR.GATS: guest table depth encoding (0: 4, 1: 5 levels)"),
	AMD(U, glx, AMD_EFR, 14, 2, "EFR.GLXSup: GCR3 table levels minus one"),
	AMD(B, gam_vapic, AMD_EFR, 21, 1, "EFR.GAMSup: guest virtual APIC mode"),
	AMD(U, pasmax, AMD_EFR, 32, 5, "EFR.PASmax: PASID width minus one"),
	AMD(B, gio, AMD_EFR, 48, 1, "EFR.GIoSup: guest I/O protection"),
	AMD(B, ha, AMD_EFR, 49, 1, "EFR.HASup: host access-bit updates"),
	AMD(B, eph, AMD_EFR, 50, 1, "EFR.EPHSup: enhanced PPR handling"),
	AMD(B, hd, AMD_EFR, 52, 1, "EFR.HDSup: host dirty-bit updates"),
	AMD(B, snp, AMD_EFR, 63, 1, "EFR.SNPSup: SEV-SNP"),
	AMD(B, sevsnpio, AMD_EFR2, 1, 1, "EFR2.SEVSNPIOSup: SEV trusted I/O"),
	AMD(B, gcr3trpmode, AMD_EFR2, 3, 1, "EFR2.GCR3TRPMode: GCR3 root pointer mode (nesting)"),
	AMD(U, snpavic, AMD_EFR2, 5, 3, "EFR2.SNPAVICSup: SNP virtual APIC support"),
	AMD(U, num_int_remap, AMD_EFR2, 8, 2, "EFR2.NumIntRemapSup: interrupt remapping table size (1: 2048 entries)"),
	AMD(B, ht_range_ignore, AMD_EFR2, 11, 1, "EFR2.HTRangeIgnore: HyperTransport range not reserved"),
	AMD(B, snp_page_mode0, AMD_EFR2, 13, 1, "EFR2: DTE Mode 0 allowed with SNP"),
	AMD(U, host_levels, DERIVED, 0, 0, "host (v1) table levels, 0 if HATS is reserved"),
	AMD(U, host_width, DERIVED, 0, 0, "IOVA bits of a host (v1) table, 0 if HATS is reserved"),
	AMD(U, guest_levels, DERIVED, 0, 0, "guest (v2) table levels as Linux uses them: 5 if GATS is 1, else 4"),
	AMD(U, pasid_width, DERIVED, 0, 0, "PASmax + 1 with GTSup, else 0: PASID width of the hardware"),
	/* tegra241_cmdqv */
	CMDQV(H, flags, "flags word of the blob"),
	CMDQV(U, version, "CMDQV version"),
	CMDQV(U, log2vcmdqs, "log2 of the virtual command queues"),
	CMDQV(U, log2vsids, "log2 of the virtual StreamIDs per VM"),};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

#undef B
#undef U
#undef H
#undef CMDQV
#undef AMD
#undef SMMUN
#undef SMMU
#undef VTD
#undef SUMN
#undef SUM
#undef FIELD

static uint64_t
member_get(const unsigned char *p, size_t size)
{
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	switch (size) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

static void
member_set(unsigned char *p, size_t size, uint64_t v)
{
	uint32_t v32 = (uint32_t)v;
	uint16_t v16 = (uint16_t)v;
	uint8_t v8 = (uint8_t)v;

	switch (size) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

void
ifd_cap_fields_read(enum ifd_cap_struct st, const uint64_t *regs, void *out, size_t size)
{
	const struct ifd_cap_field *f;
	uint64_t v;

	memset(out, 0, size);
	for (f = fields; f < fields + NFIELDS; f++) {
		if (f->st != st || f->reg == DERIVED)
			continue;
		v = regs[f->reg] >> f->shift;
		if (f->width < 64)
			v &= (1ull << f->width) - 1;
		member_set((unsigned char *)out + f->off, f->size, v);
	}
}

static int
emit(rte_iommufd_cap_field_cb cb, void *arg, const char *group, const char *name,
		enum rte_iommufd_cap_kind kind, uint64_t value, const char *desc)
{
	struct rte_iommufd_cap_field f = {
		.name = name,
		.group = group,
		.kind = kind,
		.value = value,
		.desc = desc,
	};

	return cb(&f, arg);
}

/* The fields of structure @st at @base, named @group. */
static int
emit_fields(rte_iommufd_cap_field_cb cb, void *arg, const char *group, const void *base,
		enum ifd_cap_struct st)
{
	const struct ifd_cap_field *f;
	int ret;

	for (f = fields; f < fields + NFIELDS; f++) {
		if (f->st != st)
			continue;
		ret = emit(cb, arg, group, f->name, f->kind,
			   member_get((const unsigned char *)base + f->off, f->size), f->desc);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* A vendor's group: its erratum flag @erratum, then the fields of @st at @base. */
static int
emit_vendor(rte_iommufd_cap_field_cb cb, void *arg, const char *group, const void *base,
		enum ifd_cap_struct st, const char *erratum, bool affected, const char *desc)
{
	int ret;

	ret = emit(cb, arg, group, erratum, RTE_IOMMUFD_CAP_BOOL, affected, desc);
	if (ret != 0)
		return ret;
	return emit_fields(cb, arg, group, base, st);
}

int
rte_iommufd_hw_caps_foreach(uint32_t hw_info_type, const void *data, size_t len,
		rte_iommufd_cap_field_cb cb, void *arg)
{
	struct rte_iommufd_iommu_caps s;
	union hw_decoded d;
	union hw_blob b;
	uint32_t flags;
	int ret;

	if (cb == NULL)
		return -EINVAL;
	ret = ifd_hw_blob_decode(hw_info_type, data, len, &b, &d, &s);
	if (ret < 0)
		return ret;

	ret = emit(cb, arg, "summary", "hw_info_type", RTE_IOMMUFD_CAP_UINT, hw_info_type,
		   "vendor blob type (1 VT-d, 2 SMMUv3, 3 Tegra241 CMDQV, 4 AMD)");
	if (ret != 0)
		return ret;
	if (hw_info_type == RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV)
		return emit_fields(cb, arg, "tegra241_cmdqv", &b.cmdqv, IFD_CAPS_CMDQV);
	ret = emit_fields(cb, arg, "summary", &s, IFD_CAPS_SUMMARY);
	if (ret != 0)
		return ret;

	/* The errata are bits of the blob's flags word. */
	flags = s.hw_info_flags;
	switch (hw_info_type) {
	case RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD:
		return emit_vendor(cb, arg, "intel_vtd", &d.vtd, IFD_CAPS_VTD,
				   "errata_772415_spr17",
				   flags & RTE_IOMMUFD_HW_INFO_VTD_ERRATA_772415_SPR17,
				   "erratum 772415: no read-only mappings in a nesting parent");
	case RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3:
		return emit_vendor(cb, arg, "arm_smmuv3", &d.smmu, IFD_CAPS_SMMUV3,
				   "errata_repeat_tlbi_cfgi",
				   flags & RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI,
				   "erratum: TLBI and CFGI commands must be issued twice");
	default:
		return emit_fields(cb, arg, "amd", &d.amd, IFD_CAPS_AMD);
	}
}
