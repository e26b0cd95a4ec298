/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The field walker of the vendor decoders (rte_iommufd_hw_caps_foreach()):
 * every decoded field with its name, kind and description, from tables of
 * member offsets. Pure functions, as in hw_caps.c.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "hw_caps_private.h"

/* A field read from a decoded structure: member offset and size. */
struct field_desc {
	const char *name;
	enum rte_iommufd_cap_kind kind;
	uint16_t off;
	uint8_t size;
	const char *desc;
};

#define FD(st, k, m, d) { #m, k, offsetof(st, m), sizeof(((st *)0)->m), d }
#define FDN(st, n, k, m, d) { n, k, offsetof(st, m), sizeof(((st *)0)->m), d }
#define B RTE_IOMMUFD_CAP_BOOL
#define U RTE_IOMMUFD_CAP_UINT
#define H RTE_IOMMUFD_CAP_HEX

#define SUM(k, m, d) FD(struct rte_iommufd_iommu_caps, k, m, d)
static const struct field_desc summary_fields[] = {
	SUM(H, hw_info_flags, "flags word of the vendor blob (errata)"),
	FDN(struct rte_iommufd_iommu_caps, "registers_valid", B, valid,
	    "the registers hold no reserved encoding"),
	SUM(B, pasid_supported, "the IOMMU translates PASID-tagged DMA"),
	SUM(U, iommu_pasid_bits, "PASID width of the IOMMU, 0 without PASID support"),
	SUM(U, linux_max_pasid_log2, "upper bound Linux puts on a device's out_max_pasid_log2"),
	SUM(B, dirty_tracking, "hardware dirty tracking of the IOVA page table"),
	SUM(B, nesting, "a nesting parent page table can be allocated"),
	SUM(B, page_requests, "the IOMMU accepts PCIe page requests (PRI)"),
	SUM(B, ats_supported, "the IOMMU serves PCIe ATS (always false for AMD: not in EFR)"),
	SUM(U, address_width,
	    "IOVA bits of the default Linux paging domain, 0 without DMA translation"),
};
#undef SUM

#define VTD(k, m, d) FD(struct rte_iommufd_vtd_caps, k, m, d)
static const struct field_desc vtd_fields[] = {
	VTD(H, cap_reg, "raw capability register"),
	VTD(H, ecap_reg, "raw extended capability register"),
	VTD(U, nd, "CAP.ND: number-of-domains encoding"),
	VTD(U, num_domains, "domain ids supported"),
	VTD(B, afl, "CAP.AFL: advanced fault logging"),
	VTD(B, rwbf, "CAP.RWBF: write-buffer flush required"),
	VTD(B, plmr, "CAP.PLMR: protected low-memory region"),
	VTD(B, phmr, "CAP.PHMR: protected high-memory region"),
	VTD(B, cm, "CAP.CM: caching mode, non-present entries may be cached (virtual IOMMU)"),
	VTD(H, sagaw,
	    "CAP.SAGAW: second-stage table depths (bit 1: 3-level, 2: 4-level, 3: 5-level)"),
	VTD(B, agaw_39, "3-level second-stage table, 39-bit"),
	VTD(B, agaw_48, "4-level second-stage table, 48-bit"),
	VTD(B, agaw_57, "5-level second-stage table, 57-bit"),
	VTD(U, mgaw, "CAP.MGAW: largest DMA address width in bits"),
	VTD(B, zlr, "CAP.ZLR: zero-length DMA reads"),
	VTD(H, sslps, "CAP.SSLPS (SLLPS): second-stage large pages (bit 0: 2 MiB, 1: 1 GiB)"),
	VTD(B, ss_2m, "2 MiB second-stage pages"),
	VTD(B, ss_1g, "1 GiB second-stage pages"),
	VTD(B, psi, "CAP.PSI: page-selective IOTLB invalidation"),
	VTD(U, mamv, "CAP.MAMV: largest address mask of a page-selective invalidation"),
	VTD(B, fs1gp, "CAP.FS1GP (FL1GP): 1 GiB first-stage pages"),
	VTD(B, pi, "CAP.PI: posted interrupts"),
	VTD(B, fs5lp, "CAP.FS5LP (FL5LP): 5-level first-stage tables"),
	VTD(B, ecmds, "CAP.ECMDS: enhanced command interface"),
	VTD(B, esirtps, "CAP.ESIRTPS: setting the interrupt table pointer invalidates caches"),
	VTD(B, esrtps, "CAP.ESRTPS: setting the root table pointer invalidates caches"),
	VTD(B, coherent, "ECAP.C: page walks snoop CPU caches"),
	VTD(B, qi, "ECAP.QI: queued invalidation"),
	VTD(B, dt, "ECAP.DT: device TLB (ATS)"),
	VTD(B, ir, "ECAP.IR: interrupt remapping"),
	VTD(B, eim, "ECAP.EIM: extended (x2APIC) interrupt mode"),
	VTD(B, pt, "ECAP.PT: pass-through"),
	VTD(B, sc, "ECAP.SC: snoop control"),
	VTD(B, mts, "ECAP.MTS: memory type support"),
	VTD(B, nest, "ECAP.NEST: nested translation"),
	VTD(B, prs, "ECAP.PRS: page requests"),
	VTD(B, ers, "ECAP.ERS: execute requests"),
	VTD(B, srs, "ECAP.SRS: supervisor requests"),
	VTD(B, nwfs, "ECAP.NWFS: no write flag"),
	VTD(B, eafs, "ECAP.EAFS: extended accessed flag"),
	VTD(U, pss, "ECAP.PSS: PASID width minus one"),
	VTD(B, pasid, "ECAP.PASID: PASID support"),
	VTD(B, dit, "ECAP.DIT: device TLB invalidation throttling"),
	VTD(B, pds, "ECAP.PDS: page-request drain"),
	VTD(B, smts, "ECAP.SMTS: scalable-mode translation"),
	VTD(B, ssads, "ECAP.SSADS (SLADS): second-stage accessed/dirty bits"),
	VTD(B, ssts, "ECAP.SSTS (SLTS): second-stage translation in scalable mode"),
	VTD(B, fsts, "ECAP.FSTS (FLTS): first-stage translation"),
	VTD(B, smpwc, "ECAP.SMPWC: scalable-mode page walks snoop CPU caches"),
	VTD(B, rps, "ECAP.RPS: RID_PASID"),
	VTD(B, pms, "ECAP.PMS: performance monitoring"),
	VTD(U, pasid_width, "PSS + 1: PASID width of the hardware"),
	VTD(U, fs_iova_width, "IOVA bits of a first-stage domain, 0 without one"),
	VTD(U, ss_iova_width, "IOVA bits of a second-stage domain, 0 without a usable SAGAW"),
};
#undef VTD

#define SMMU(k, m, d) FD(struct rte_iommufd_smmuv3_caps, k, m, d)
#define SMMUN(n, k, m, d) FDN(struct rte_iommufd_smmuv3_caps, n, k, m, d)
static const struct field_desc smmuv3_fields[] = {
	SMMUN("idr0", H, idr[0], "raw IDR0"),
	SMMUN("idr1", H, idr[1], "raw IDR1"),
	SMMUN("idr2", H, idr[2], "raw IDR2"),
	SMMUN("idr3", H, idr[3], "raw IDR3"),
	SMMUN("idr4", H, idr[4], "raw IDR4 (implementation defined)"),
	SMMUN("idr5", H, idr[5], "raw IDR5"),
	SMMU(H, iidr, "raw IIDR"),
	SMMU(H, aidr, "raw AIDR"),
	SMMU(B, s2p, "IDR0.S2P: stage 2 translation"),
	SMMU(B, s1p, "IDR0.S1P: stage 1 translation"),
	SMMU(U, ttf, "IDR0.TTF: table formats (1 AArch32, 2 AArch64, 3 both)"),
	SMMU(B, ttf_aarch32, "AArch32 (LPAE) table format"),
	SMMU(B, ttf_aarch64, "AArch64 table format"),
	SMMU(B, cohacc, "IDR0.COHACC: coherent table walks and queue accesses"),
	SMMU(B, btm, "IDR0.BTM: broadcast TLB maintenance"),
	SMMU(U, httu,
	     "IDR0.HTTU: 0 none, 1 access flag, 2 access and dirty, 3 also table access flags"),
	SMMU(B, ha, "hardware access-flag updates"),
	SMMU(B, hd, "hardware dirty-state updates"),
	SMMU(B, haft, "hardware access flag in table descriptors"),
	SMMU(B, dormhint, "IDR0.DORMHINT: dormant hint"),
	SMMU(B, hyp, "IDR0.HYP: EL2 StreamWorld"),
	SMMU(B, ats, "IDR0.ATS: PCIe ATS"),
	SMMU(B, ns1ats, "IDR0.NS1ATS: ATS skips stage 1"),
	SMMU(B, asid16, "IDR0.ASID16: 16-bit ASIDs"),
	SMMU(B, msi, "IDR0.MSI: message signalled interrupts"),
	SMMU(B, sev, "IDR0.SEV: WFE wake-up events"),
	SMMU(B, atos, "IDR0.ATOS: address translation operations"),
	SMMU(B, pri, "IDR0.PRI: PCIe page request interface"),
	SMMU(B, vmw, "IDR0.VMW: VMID wildcards"),
	SMMU(B, vmid16, "IDR0.VMID16: 16-bit VMIDs"),
	SMMU(B, cd2l, "IDR0.CD2L: two-level context descriptor tables"),
	SMMU(B, vatos, "IDR0.VATOS: virtual ATOS page"),
	SMMU(U, ttendian, "IDR0.TTENDIAN: 0 mixed, 2 little, 3 big endian tables"),
	SMMU(B, atsrecerr, "IDR0.ATSRECERR: ATS error recording"),
	SMMU(U, stall_model,
	     "IDR0.STALL_MODEL: 0 stall and terminate, 1 terminate only, 2 stall forced"),
	SMMU(B, stall, "stalling faults supported"),
	SMMU(B, stall_force, "stalling faults forced"),
	SMMU(B, term_model, "IDR0.TERM_MODEL: terminated transactions always abort"),
	SMMU(U, st_level, "IDR0.ST_LEVEL: 0 linear, 1 two-level stream table"),
	SMMU(U, sidsize, "IDR1.SIDSIZE: StreamID bits"),
	SMMU(U, ssidsize, "IDR1.SSIDSIZE: SubstreamID (PASID) bits"),
	SMMU(U, priqs, "IDR1.PRIQS: log2 of the PRI queue entries"),
	SMMU(U, eventqs, "IDR1.EVENTQS: log2 of the event queue entries"),
	SMMU(U, cmdqs, "IDR1.CMDQS: log2 of the command queue entries"),
	SMMU(B, attr_perms_ovr, "IDR1.ATTR_PERMS_OVR: permission attribute override"),
	SMMU(B, attr_types_ovr, "IDR1.ATTR_TYPES_OVR: memory type attribute override"),
	SMMU(B, rel, "IDR1.REL: relative base addresses"),
	SMMU(B, queues_preset, "IDR1.QUEUES_PRESET: fixed queue bases"),
	SMMU(B, tables_preset, "IDR1.TABLES_PRESET: fixed table bases"),
	SMMU(B, ecmdq, "IDR1.ECMDQ: enhanced command queues"),
	SMMU(B, had, "IDR3.HAD: hierarchical attribute disable"),
	SMMU(B, pbha, "IDR3.PBHA: page-based hardware attributes"),
	SMMU(B, xnx, "IDR3.XNX: EL0/EL1 execute-never at stage 2"),
	SMMU(B, pps, "IDR3.PPS: PRI responses carry the PASID"),
	SMMU(B, mpam, "IDR3.MPAM: memory partitioning and monitoring"),
	SMMU(B, fwb, "IDR3.FWB: stage 2 forced write-back"),
	SMMU(B, stt, "IDR3.STT: small translation tables"),
	SMMU(B, ril, "IDR3.RIL: range invalidation"),
	SMMU(U, bbml, "IDR3.BBML: break-before-make level"),
	SMMU(B, e0pd, "IDR3.E0PD: E0PD"),
	SMMU(B, ptwnnc, "IDR3.PTWNNC: walks of non-cacheable tables are not coherent"),
	SMMU(B, dpt, "IDR3.DPT: device permission table"),
	SMMU(U, oas, "IDR5.OAS: output address size encoding"),
	SMMU(U, oas_bits, "output address size in bits, 0 if reserved"),
	SMMU(B, gran4k, "IDR5.GRAN4K: 4 KiB granule"),
	SMMU(B, gran16k, "IDR5.GRAN16K: 16 KiB granule"),
	SMMU(B, gran64k, "IDR5.GRAN64K: 64 KiB granule"),
	SMMU(B, ds, "IDR5.DS: 52-bit addresses with 4 KiB and 16 KiB granules"),
	SMMU(U, vax, "IDR5.VAX: 0 48-bit, 1 52-bit stage 1 input"),
	SMMU(U, vas_bits, "stage 1 input address size in bits"),
	SMMU(U, stall_max, "IDR5.STALL_MAX: outstanding stalled transactions"),
	SMMU(H, implementer, "IIDR.Implementer: JEP106 code (0x43b Arm)"),
	SMMU(U, revision, "IIDR.Revision"),
	SMMU(U, variant, "IIDR.Variant"),
	SMMU(H, product_id, "IIDR.ProductID"),
	SMMU(U, arch_major, "AIDR.ArchMajorRev (0: SMMUv3)"),
	SMMU(U, arch_minor, "AIDR.ArchMinorRev: x in SMMUv3.x"),
	SMMU(U, asid_bits, "ASID bits"),
	SMMU(U, vmid_bits, "VMID bits"),
};
#undef SMMUN
#undef SMMU

#define AMD(k, m, d) FD(struct rte_iommufd_amd_caps, k, m, d)
static const struct field_desc amd_fields[] = {
	AMD(H, efr, "raw extended feature register"),
	AMD(H, efr2, "raw extended feature register 2"),
	AMD(B, pref, "EFR.PreFSup: prefetch commands"),
	AMD(B, ppr, "EFR.PPRSup: peripheral page requests"),
	AMD(B, xt, "EFR.XTSup: x2APIC interrupts"),
	AMD(B, nx, "EFR.NXSup: no-execute protection"),
	AMD(B, gt, "EFR.GTSup: guest (v2, PASID) translation"),
	AMD(B, ia, "EFR.IASup: INVALIDATE_ALL command"),
	AMD(B, ga, "EFR.GASup: guest virtual APIC"),
	AMD(B, he, "EFR.HESup: hardware error registers"),
	AMD(B, pc, "EFR.PCSup: performance counters"),
	AMD(U, hats, "EFR.HATS: host table depth encoding (0: 4, 1: 5, 2: 6 levels)"),
	AMD(U, gats, "EFR.GATS: guest table depth encoding (0: 4, 1: 5 levels)"),
	AMD(U, glx, "EFR.GLXSup: GCR3 table levels minus one"),
	AMD(B, gam_vapic, "EFR.GAMSup: guest virtual APIC mode"),
	AMD(U, pasmax, "EFR.PASmax: PASID width minus one"),
	AMD(B, gio, "EFR.GIoSup: guest I/O protection"),
	AMD(B, ha, "EFR.HASup: host access-bit updates"),
	AMD(B, eph, "EFR.EPHSup: enhanced PPR handling"),
	AMD(B, hd, "EFR.HDSup: host dirty-bit updates"),
	AMD(B, snp, "EFR.SNPSup: SEV-SNP"),
	AMD(B, sevsnpio, "EFR2.SEVSNPIOSup: SEV trusted I/O"),
	AMD(B, gcr3trpmode, "EFR2.GCR3TRPMode: GCR3 root pointer mode (nesting)"),
	AMD(U, snpavic, "EFR2.SNPAVICSup: SNP virtual APIC support"),
	AMD(U, num_int_remap,
	    "EFR2.NumIntRemapSup: interrupt remapping table size (1: 2048 entries)"),
	AMD(B, ht_range_ignore, "EFR2.HTRangeIgnore: HyperTransport range not reserved"),
	AMD(B, snp_page_mode0, "EFR2: DTE Mode 0 allowed with SNP"),
	AMD(U, host_levels, "host (v1) table levels, 0 if HATS is reserved"),
	AMD(U, host_width, "IOVA bits of a host (v1) table, 0 if HATS is reserved"),
	AMD(U, guest_levels, "guest (v2) table levels as Linux uses them: 5 if GATS is 1, else 4"),
	AMD(U, pasid_width, "PASmax + 1 with GTSup, else 0: PASID width of the hardware"),
};
#undef AMD

#define CMDQV(k, m, d) FD(struct ifd_iommu_hw_info_tegra241_cmdqv, k, m, d)
static const struct field_desc cmdqv_fields[] = {
	CMDQV(H, flags, "flags word of the blob"),
	CMDQV(U, version, "CMDQV version"),
	CMDQV(U, log2vcmdqs, "log2 of the virtual command queues"),
	CMDQV(U, log2vsids, "log2 of the virtual StreamIDs per VM"),
};
#undef CMDQV

#undef B
#undef U
#undef H
#undef FDN
#undef FD

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

static int
emit_table(rte_iommufd_cap_field_cb cb, void *arg, const char *group, const void *base,
		const struct field_desc *t, size_t n)
{
	const unsigned char *p = base;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		uint64_t v = 0;
		uint32_t v32;
		uint16_t v16;
		uint8_t v8;

		switch (t[i].size) {
		case 1:
			memcpy(&v8, p + t[i].off, 1);
			v = v8;
			break;
		case 2:
			memcpy(&v16, p + t[i].off, 2);
			v = v16;
			break;
		case 4:
			memcpy(&v32, p + t[i].off, 4);
			v = v32;
			break;
		default:
			memcpy(&v, p + t[i].off, 8);
			break;
		}
		ret = emit(cb, arg, group, t[i].name, t[i].kind, v, t[i].desc);
		if (ret != 0)
			return ret;
	}
	return 0;
}

#define TABLE_LEN(t) (sizeof(t) / sizeof((t)[0]))

int
rte_iommufd_hw_caps_foreach(uint32_t hw_info_type, const void *data, size_t len,
		rte_iommufd_cap_field_cb cb, void *arg)
{
	struct rte_iommufd_iommu_caps s;
	union hw_decoded d;
	union hw_blob b;
	uint32_t flag;
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
		return emit_table(cb, arg, "tegra241_cmdqv", &b.cmdqv, cmdqv_fields,
				  TABLE_LEN(cmdqv_fields));
	ret = emit_table(cb, arg, "summary", &s, summary_fields, TABLE_LEN(summary_fields));
	if (ret != 0)
		return ret;

	switch (hw_info_type) {
	case RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD:
		ret = emit(cb, arg, "intel_vtd", "errata_772415_spr17", RTE_IOMMUFD_CAP_BOOL,
			   (b.vtd.flags & RTE_IOMMUFD_HW_INFO_VTD_ERRATA_772415_SPR17) != 0,
			   "erratum 772415: no read-only mappings in a nesting parent");
		if (ret != 0)
			return ret;
		return emit_table(cb, arg, "intel_vtd", &d.vtd, vtd_fields, TABLE_LEN(vtd_fields));
	case RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3:
		flag = RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI;
		ret = emit(cb, arg, "arm_smmuv3", "errata_repeat_tlbi_cfgi", RTE_IOMMUFD_CAP_BOOL,
			   (b.smmu.flags & flag) != 0,
			   "erratum: TLBI and CFGI commands must be issued twice");
		if (ret != 0)
			return ret;
		return emit_table(cb, arg, "arm_smmuv3", &d.smmu, smmuv3_fields,
				  TABLE_LEN(smmuv3_fields));
	default:
		return emit_table(cb, arg, "amd", &d.amd, amd_fields, TABLE_LEN(amd_fields));
	}
}
