/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_HW_CAPS_H_
#define _RTE_IOMMUFD_HW_CAPS_H_

/**
 * @file
 * Decoders for the vendor IOMMU registers returned by IOMMU_GET_HW_INFO.
 *
 * IOMMU_GET_HW_INFO hands userspace a vendor blob holding raw hardware
 * registers: Intel VT-d CAP_REG and ECAP_REG, Arm SMMUv3 IDR0..IDR5, IIDR
 * and AIDR, AMD EFR and EFR2. This API turns them into plain structures.
 *
 * Three layers:
 * - one decoder per vendor (rte_iommufd_vtd_caps_decode(),
 *   rte_iommufd_smmuv3_caps_decode(), rte_iommufd_amd_caps_decode()) that
 *   fills a structure with one typed member per register field;
 * - a vendor-neutral summary (struct rte_iommufd_iommu_caps) built from a
 *   blob as the kernel returns it (rte_iommufd_iommu_caps_from_raw()); its
 *   derived values follow the rules Linux 7.3 applies to the same
 *   registers, which are stated on each member;
 * - a field walker (rte_iommufd_hw_caps_foreach()) for text, JSON or
 *   telemetry output, with stable snake_case names.
 *
 * The functions are pure: no system call, no global state, no allocation,
 * no logging; they are safe to call from any thread.
 *
 * Reserved encodings never make a decoder fail. The decoder fills in
 * everything it can, sets @c valid to false and points @c note at a static
 * sentence naming the first reserved field found.
 *
 * A summary describes the IOMMU, not a device: whether a given device can
 * use PASIDs, ATS or PRI also depends on the device and its PCI
 * capabilities, which IOMMU_GET_HW_INFO reports separately
 * (out_max_pasid_log2, out_capabilities).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rte_iommufd_compat.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @name Vendor blob types of IOMMU_GET_HW_INFO (kernel values).
 * @{
 */
#define RTE_IOMMUFD_HW_INFO_TYPE_NONE 0u           /**< no vendor data */
#define RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD 1u      /**< Intel VT-d */
#define RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3 2u     /**< Arm SMMUv3 */
#define RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV 3u /**< NVIDIA Tegra241 CMDQV extension */
#define RTE_IOMMUFD_HW_INFO_TYPE_AMD 4u            /**< AMD IOMMU */
/** @} */

/**
 * @name Size in bytes of each vendor blob (Linux 7.3).
 * A blob shorter than this is rejected; a longer one is accepted and the
 * extra bytes are ignored.
 * @{
 */
#define RTE_IOMMUFD_HW_INFO_VTD_LEN 24u            /**< struct iommu_hw_info_vtd */
#define RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_LEN 40u     /**< struct iommu_hw_info_arm_smmuv3 */
#define RTE_IOMMUFD_HW_INFO_TEGRA241_CMDQV_LEN 8u  /**< struct iommu_hw_info_tegra241_cmdqv */
#define RTE_IOMMUFD_HW_INFO_AMD_LEN 16u            /**< struct iommu_hw_info_amd */
/** @} */

/**
 * VT-d blob flag: erratum 772415 (SPR17), no read-only mappings in a
 * nesting parent. Linux 7.3 sets it on every VT-d unit.
 */
#define RTE_IOMMUFD_HW_INFO_VTD_ERRATA_772415_SPR17 (1u << 0)
/** SMMUv3 blob flag: TLBI and CFGI commands must be issued twice. */
#define RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI (1u << 0)

/**
 * Intel VT-d capabilities, decoded from CAP_REG and ECAP_REG.
 *
 * Member names are the VT-d specification's field mnemonics in lower case
 * (revision 4 and later: first stage / second stage, "FS"/"SS"; Linux and
 * older revisions say "FL"/"SL" for the same bits). Derived values are
 * grouped at the end.
 */
struct rte_iommufd_vtd_caps {
	uint64_t cap_reg;        /**< raw CAP_REG */
	uint64_t ecap_reg;       /**< raw ECAP_REG */
	bool valid;              /**< no reserved encoding found */
	const char *note;        /**< first reserved encoding found, NULL if valid */

	/* CAP_REG */
	uint8_t nd;              /**< ND, bits 2:0 (7 is reserved) */
	uint32_t num_domains;    /**< domain ids: 2^(4 + 2 * ND) */
	bool afl;                /**< bit 3: advanced fault logging */
	bool rwbf;               /**< bit 4: write-buffer flush required */
	bool plmr;               /**< bit 5: protected low-memory region */
	bool phmr;               /**< bit 6: protected high-memory region */
	/** bit 7: caching mode (non-present entries may be cached: a virtual IOMMU) */
	bool cm;
	/**
	 * SAGAW, bits 12:8: second-stage table depths, bit 1 = 3-level, 2 = 4-level, 3 = 5-level
	 */
	uint8_t sagaw;
	bool agaw_39;            /**< SAGAW bit 1: 3-level second-stage table, 39-bit */
	bool agaw_48;            /**< SAGAW bit 2: 4-level second-stage table, 48-bit */
	bool agaw_57;            /**< SAGAW bit 3: 5-level second-stage table, 57-bit */
	/** MGAW, bits 21:16, plus one: largest DMA address width in bits */
	uint8_t mgaw;
	bool zlr;                /**< bit 22: zero-length DMA reads */
	/** SSLPS (formerly SLLPS), bits 37:34: second-stage large pages */
	uint8_t sslps;
	bool ss_2m;              /**< SSLPS bit 0: 2 MiB second-stage pages */
	bool ss_1g;              /**< SSLPS bit 1: 1 GiB second-stage pages */
	bool psi;                /**< bit 39: page-selective IOTLB invalidation */
	/** MAMV, bits 53:48: largest address mask of a page-selective invalidation */
	uint8_t mamv;
	bool fs1gp;              /**< bit 56 (FL1GP): 1 GiB first-stage pages */
	bool pi;                 /**< bit 59: posted interrupts */
	bool fs5lp;              /**< bit 60 (FL5LP): 5-level first-stage tables */
	bool ecmds;              /**< bit 61: enhanced command interface */
	/** bit 62: interrupt remap table pointer set invalidates caches */
	bool esirtps;
	bool esrtps;             /**< bit 63: root table pointer set invalidates caches */

	/* ECAP_REG */
	bool coherent;           /**< C, bit 0: page walks snoop CPU caches */
	bool qi;                 /**< bit 1: queued invalidation */
	bool dt;                 /**< bit 2: device TLB (ATS) */
	bool ir;                 /**< bit 3: interrupt remapping */
	bool eim;                /**< bit 4: extended (x2APIC) interrupt mode */
	bool pt;                 /**< bit 6: pass-through */
	bool sc;                 /**< bit 7: snoop control */
	bool mts;                /**< bit 25: memory type support */
	bool nest;               /**< bit 26: nested translation */
	bool prs;                /**< bit 29: page requests */
	bool ers;                /**< bit 30: execute requests */
	bool srs;                /**< bit 31: supervisor requests */
	bool nwfs;               /**< bit 33: no write flag */
	bool eafs;               /**< bit 34: extended accessed flag */
	uint8_t pss;             /**< PSS, bits 39:35: PASID width minus one */
	bool pasid;              /**< bit 40: PASID */
	bool dit;                /**< bit 41: device TLB invalidation throttling */
	bool pds;                /**< bit 42: page-request drain */
	bool smts;               /**< bit 43: scalable-mode translation */
	bool ssads;              /**< bit 45 (SLADS): second-stage accessed/dirty bits */
	bool ssts;               /**< bit 46 (SLTS): second-stage translation in scalable mode */
	bool fsts;               /**< bit 47 (FLTS): first-stage translation */
	bool smpwc;              /**< bit 48: scalable-mode page walks snoop CPU caches */
	bool rps;                /**< bit 49: RID_PASID */
	bool pms;                /**< bit 51: performance monitoring */

	/* Derived */
	uint8_t pasid_width;     /**< PSS + 1, whatever PASID and SMTS say */
	/**
	 * IOVA bits of a Linux first-stage domain: min(MGAW, 57 with FS5LP else 48); 0 without
	 * scalable mode or FSTS
	 */
	uint8_t fs_iova_width;
	/**
	 * IOVA bits of a Linux second-stage domain: the widest SAGAW table not wider than MGAW,
	 * capped to MGAW; 0 if none
	 */
	uint8_t ss_iova_width;
};

/**
 * Arm SMMUv3 capabilities, decoded from IDR0..IDR5, IIDR and AIDR.
 *
 * Member names are the SMMUv3 specification's field mnemonics in lower
 * case (IDR2 and IDR4 carry nothing decoded here).
 */
struct rte_iommufd_smmuv3_caps {
	uint32_t idr[6];         /**< raw IDR0..IDR5 */
	uint32_t iidr;           /**< raw IIDR */
	uint32_t aidr;           /**< raw AIDR */
	bool valid;              /**< no reserved encoding found */
	const char *note;        /**< first reserved encoding found, NULL if valid */

	/* IDR0 */
	bool s2p;                /**< bit 0: stage 2 translation */
	bool s1p;                /**< bit 1: stage 1 translation */
	uint8_t ttf;             /**< TTF, bits 3:2: 1 AArch32, 2 AArch64, 3 both (0 reserved) */
	bool ttf_aarch32;        /**< AArch32 (LPAE) table format */
	bool ttf_aarch64;        /**< AArch64 table format */
	bool cohacc;             /**< bit 4: coherent table walks and queue accesses */
	bool btm;                /**< bit 5: broadcast TLB maintenance */
	/** HTTU, bits 7:6: 0 none, 1 access flag, 2 access+dirty, 3 also table access flags */
	uint8_t httu;
	bool ha;                 /**< hardware access-flag updates (HTTU >= 1) */
	bool hd;                 /**< hardware dirty-state updates (HTTU >= 2) */
	bool haft;               /**< hardware access flag in table descriptors (HTTU == 3) */
	bool dormhint;           /**< bit 8: dormant hint */
	bool hyp;                /**< bit 9: EL2 (hypervisor) StreamWorld */
	bool ats;                /**< bit 10: PCIe ATS */
	bool ns1ats;             /**< bit 11: ATS does not use stage 1 */
	bool asid16;             /**< bit 12: 16-bit ASIDs */
	bool msi;                /**< bit 13: MSIs */
	bool sev;                /**< bit 14: WFE wake-up events */
	bool atos;               /**< bit 15: address translation operations */
	bool pri;                /**< bit 16: PCIe page request interface */
	bool vmw;                /**< bit 17: VMID wildcards */
	bool vmid16;             /**< bit 18: 16-bit VMIDs */
	bool cd2l;               /**< bit 19: two-level context descriptor tables */
	bool vatos;              /**< bit 20: virtual ATOS page */
	uint8_t ttendian;        /**< TTENDIAN, bits 22:21: 0 mixed, 2 little, 3 big (1 reserved) */
	bool atsrecerr;          /**< bit 23: ATS error recording */
	/**
	 * STALL_MODEL, bits 25:24: 0 stall and terminate, 1 terminate only, 2 stall forced (3
	 * reserved)
	 */
	uint8_t stall_model;
	bool stall;              /**< stalling faults supported (STALL_MODEL 0 or 2) */
	bool stall_force;        /**< stalling faults forced (STALL_MODEL 2) */
	bool term_model;         /**< bit 26: terminated transactions always abort */
	/** ST_LEVEL, bits 28:27: 0 linear, 1 two-level stream table (2, 3 reserved) */
	uint8_t st_level;

	/* IDR1 */
	uint8_t sidsize;         /**< SIDSIZE, bits 5:0: StreamID bits (at most 32) */
	uint8_t ssidsize;        /**< SSIDSIZE, bits 10:6: SubstreamID (PASID) bits (at most 20) */
	uint8_t priqs;           /**< PRIQS, bits 15:11: log2 of the PRI queue entries */
	uint8_t eventqs;         /**< EVENTQS, bits 20:16: log2 of the event queue entries */
	uint8_t cmdqs;           /**< CMDQS, bits 25:21: log2 of the command queue entries */
	bool attr_perms_ovr;     /**< bit 26: stream table can override permission attributes */
	bool attr_types_ovr;     /**< bit 27: stream table can override memory type attributes */
	bool rel;                /**< bit 28: base addresses are relative (embedded) */
	bool queues_preset;      /**< bit 29: queue bases fixed by the implementation */
	bool tables_preset;      /**< bit 30: table bases fixed by the implementation */
	bool ecmdq;              /**< bit 31: enhanced command queues */

	/* IDR3 */
	bool had;                /**< bit 2: hierarchical attribute disable */
	bool pbha;               /**< bit 3: page-based hardware attributes */
	bool xnx;                /**< bit 4: EL0/EL1 execute-never control at stage 2 */
	bool pps;                /**< bit 5: PRI responses carry the request's PASID */
	bool mpam;               /**< bit 7: MPAM */
	bool fwb;                /**< bit 8: stage 2 forced write-back */
	bool stt;                /**< bit 9: small translation tables */
	bool ril;                /**< bit 10: range invalidation */
	uint8_t bbml;            /**< BBML, bits 12:11: break-before-make level (3 reserved) */
	bool e0pd;               /**< bit 13: E0PD */
	/** bit 14: table walks to non-cacheable memory are not coherent */
	bool ptwnnc;
	bool dpt;                /**< bit 15: device permission table */

	/* IDR5 */
	uint8_t oas;             /**< OAS, bits 2:0 (7 reserved) */
	/** output address size: 32, 36, 40, 42, 44, 48 or 52; 0 if reserved */
	uint8_t oas_bits;
	bool gran4k;             /**< bit 4: 4 KiB translation granule */
	bool gran16k;            /**< bit 5: 16 KiB translation granule */
	bool gran64k;            /**< bit 6: 64 KiB translation granule */
	bool ds;                 /**< bit 7: 52-bit addresses with 4 KiB and 16 KiB granules */
	/** VAX, bits 11:10: 0 48-bit, 1 52-bit stage 1 input (2, 3 reserved) */
	uint8_t vax;
	uint8_t vas_bits;        /**< stage 1 input address size: 48 or 52 */
	uint16_t stall_max;      /**< STALL_MAX, bits 31:16: outstanding stalled transactions */

	/* IIDR */
	uint16_t implementer;    /**< bits 11:0: JEP106 code of the implementer (0x43b: Arm) */
	uint8_t revision;        /**< bits 15:12 */
	uint8_t variant;         /**< bits 19:16 */
	uint16_t product_id;     /**< bits 31:20 */

	/* AIDR */
	uint8_t arch_major;      /**< bits 7:4: 0 for SMMUv3 */
	uint8_t arch_minor;      /**< bits 3:0: x in SMMUv3.x */

	/* Derived */
	uint8_t asid_bits;       /**< 16 with ASID16, else 8 */
	uint8_t vmid_bits;       /**< 16 with VMID16, else 8 */
};

/**
 * AMD IOMMU capabilities, decoded from the Extended Feature Registers.
 *
 * Member names are the AMD I/O Virtualization specification's mnemonics in
 * lower case without the "Sup" suffix (HDSup is hd).
 */
struct rte_iommufd_amd_caps {
	uint64_t efr;            /**< raw EFR (MMIO offset 0x30) */
	uint64_t efr2;           /**< raw EFR2 (MMIO offset 0x1a0) */
	bool valid;              /**< no reserved encoding found */
	const char *note;        /**< first reserved encoding found, NULL if valid */

	/* EFR */
	bool pref;               /**< bit 0: prefetch commands */
	bool ppr;                /**< bit 1: peripheral page requests */
	bool xt;                 /**< bit 2: x2APIC interrupts */
	bool nx;                 /**< bit 3: no-execute protection */
	bool gt;                 /**< bit 4: guest (v2, PASID) translation */
	bool ia;                 /**< bit 6: INVALIDATE_ALL command */
	bool ga;                 /**< bit 7: guest virtual APIC */
	bool he;                 /**< bit 8: hardware error registers */
	bool pc;                 /**< bit 9: performance counters */
	uint8_t hats;            /**< HATS, bits 11:10: host table levels 4, 5, 6 (3 reserved) */
	uint8_t gats;            /**< GATS, bits 13:12: guest table levels 4, 5 (2, 3 reserved) */
	uint8_t glx;             /**< GLXSup, bits 15:14: GCR3 table levels minus one */
	bool gam_vapic;          /**< bit 21: guest virtual APIC mode */
	uint8_t pasmax;          /**< PASmax, bits 36:32: PASID width minus one */
	bool gio;                /**< bit 48: guest I/O protection */
	bool ha;                 /**< bit 49: host access-bit updates */
	bool eph;                /**< bit 50: enhanced PPR handling */
	bool hd;                 /**< bit 52: host dirty-bit updates */
	bool snp;                /**< bit 63: SEV-SNP */

	/* EFR2 */
	bool sevsnpio;           /**< EFR2 bit 1: SEV-TIO (trusted I/O) */
	/** EFR2 bit 3: GCR3 table root pointer mode (nested translation) */
	bool gcr3trpmode;
	uint8_t snpavic;         /**< EFR2 bits 7:5: SNP virtual APIC support */
	/** EFR2 bits 9:8: interrupt remapping table size (1: 2048 entries) */
	uint8_t num_int_remap;
	bool ht_range_ignore;    /**< EFR2 bit 11: HyperTransport range is not reserved */
	bool snp_page_mode0;     /**< EFR2 bit 13: DTE Mode 0 allowed with SNP */

	/* Derived */
	uint8_t host_levels;     /**< host (v1) table levels: HATS + 4; 0 if reserved */
	uint8_t host_width;      /**< IOVA bits of a host table: 48, 57 or 64; 0 if reserved */
	/**
	 * guest (v2) table levels as Linux uses them: 5 if GATS is 1, else 4
	 * (Linux takes a reserved GATS, such as QEMU's 2, as 4 levels)
	 */
	uint8_t guest_levels;
	/**
	 * PASmax + 1 when GTSup (the IOMMU then serves PASIDs 0 to
	 * 2^(PASmax + 1) - 1; Linux reads PASmax only with GTSup), else 0
	 */
	uint8_t pasid_width;
};

/**
 * What an IOMMU offers, whatever its vendor.
 *
 * Built by rte_iommufd_iommu_caps_from_raw(). The rules that derive each
 * member from the registers are those of Linux 7.3 and are stated on each
 * member. For VT-d they assume the kernel runs scalable mode when the
 * hardware has it (intel_iommu=sm_on or
 * CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON).
 */
struct rte_iommufd_iommu_caps {
	uint32_t type;           /**< RTE_IOMMUFD_HW_INFO_TYPE_* */
	uint32_t hw_info_flags;  /**< the blob's flags word (errata), 0 for AMD */
	/** the registers hold no reserved encoding (walker name: registers_valid) */
	bool valid;
	/**
	 * The IOMMU translates DMA tagged with a PASID. VT-d: ECAP.SMTS and
	 * ECAP.PASID. SMMUv3: IDR0.S1P and IDR1.SSIDSIZE > 0. AMD: EFR GTSup,
	 * GIoSup, PPRSup and EPHSup (Linux also refuses PASIDs when the CPU
	 * has 5-level paging but GATS has not, and when SEV-SNP is enabled
	 * without EFR2 SNP page mode 0).
	 */
	bool pasid_supported;
	/**
	 * PASID width of the IOMMU itself, 0 if !pasid_supported. VT-d:
	 * PSS + 1. SMMUv3: SSIDSIZE. AMD: PASmax + 1.
	 */
	uint8_t iommu_pasid_bits;
	/**
	 * Upper bound Linux puts on IOMMU_GET_HW_INFO.out_max_pasid_log2 for a
	 * device behind this IOMMU, 0 if !pasid_supported. The kernel reports
	 * the floor log2 of min(device PASIDs, IOMMU PASIDs): VT-d counts
	 * 2^(PSS+1) and SMMUv3 2^SSIDSIZE PASIDs, so this equals
	 * iommu_pasid_bits; AMD counts 2^(PASmax+1) - 1, so this is PASmax,
	 * one less.
	 */
	uint8_t linux_max_pasid_log2;
	/**
	 * Hardware dirty tracking for the IOVA page table (the condition of
	 * IOMMU_CAP_DIRTY_TRACKING). VT-d: SMTS, SSADS and SMPWC. SMMUv3:
	 * HTTU >= 2 and COHACC (Linux takes coherency from firmware and
	 * warns when COHACC disagrees). AMD: HDSup and a valid HATS.
	 */
	bool dirty_tracking;
	/**
	 * A nesting parent can be allocated. VT-d: SMTS and NEST. SMMUv3: S1P
	 * and S2P. AMD: GTSup, GIoSup and EFR2 GCR3TRPMode.
	 */
	bool nesting;
	/**
	 * The IOMMU accepts page requests from PCIe devices. VT-d: SMTS, PRS,
	 * PDS and DT. SMMUv3: IDR0.PRI (stall-based faults for platform
	 * devices are in struct rte_iommufd_smmuv3_caps). AMD: PPRSup.
	 */
	bool page_requests;
	/**
	 * The IOMMU serves PCIe ATS. VT-d: ECAP.DT. SMMUv3: IDR0.ATS. AMD:
	 * always false here, its ATS (IOTLB) bit lives in the PCI capability
	 * header, not in EFR; use RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED.
	 */
	bool ats_supported;
	/**
	 * IOVA width in bits of the paging domain Linux allocates when
	 * iommufd asks for none in particular; 0 if the IOMMU cannot
	 * translate. VT-d: first stage when SMTS and FSTS (min(MGAW, 48, or
	 * 57 with FS5LP)), else second stage (widest SAGAW table within
	 * MGAW, capped to MGAW). SMMUv3: stage 1 input size (48, 52 with VAX;
	 * Linux also caps it to the CPU's VA_BITS) when S1P, else OAS (48 if
	 * OAS is reserved, as Linux does). AMD: host table width from HATS
	 * (48, 57, 64); with HATS reserved the guest table (48, 57 with GATS
	 * 1) if GTSup and GIoSup, else 0. Linux also caps the host table to
	 * the VASize of the ACPI IVRS table, which the blob does not carry:
	 * the kernel's IOVA ranges are the final word.
	 */
	uint8_t address_width;
	/**
	 * Why valid is false: the vendor decoder's note on the first reserved
	 * encoding found; NULL when valid.
	 */
	const char *note;
};

/** Kind of a value handed out by rte_iommufd_hw_caps_foreach(). */
enum rte_iommufd_cap_kind {
	RTE_IOMMUFD_CAP_BOOL = 0, /**< 0 or 1 */
	RTE_IOMMUFD_CAP_UINT = 1, /**< unsigned number: a count, a width */
	RTE_IOMMUFD_CAP_HEX = 2,  /**< raw register or bit mask, best shown in hex */
};

/** One field visited by rte_iommufd_hw_caps_foreach(). */
struct rte_iommufd_cap_field {
	/**
	 * Stable machine name, snake_case, unique within one walk. Part of
	 * the project's JSON schema: never renamed, only added.
	 */
	const char *name;
	/**
	 * Section: "summary" for struct rte_iommufd_iommu_caps members and
	 * hw_info_type, else the vendor: "intel_vtd", "arm_smmuv3", "amd",
	 * "tegra241_cmdqv". Also stable.
	 */
	const char *group;
	enum rte_iommufd_cap_kind kind; /**< how to show value */
	uint64_t value;                 /**< the value */
	const char *desc;               /**< one line for humans, no trailing period */
};

/**
 * Callback of rte_iommufd_hw_caps_foreach().
 *
 * @param f
 *   The field; valid only during the call.
 * @param arg
 *   The argument given to rte_iommufd_hw_caps_foreach().
 * @return
 *   0 to continue the walk; any other value stops it and is returned by
 *   rte_iommufd_hw_caps_foreach().
 */
typedef int (*rte_iommufd_cap_field_cb)(const struct rte_iommufd_cap_field *f, void *arg);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Decode Intel VT-d CAP_REG and ECAP_REG.
 *
 * Every field is decoded even when another holds a reserved encoding;
 * such an encoding clears @p out->valid and sets @p out->note.
 *
 * @param cap
 *   Raw CAP_REG.
 * @param ecap
 *   Raw ECAP_REG.
 * @param out
 *   Output, fully overwritten.
 * @return
 *   0 on success (also when @p out->valid is false), or -EINVAL if @p out
 *   is NULL.
 */
__rte_iommufd_experimental
int rte_iommufd_vtd_caps_decode(uint64_t cap, uint64_t ecap,
		struct rte_iommufd_vtd_caps *out);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Decode Arm SMMUv3 IDR0..IDR5, IIDR and AIDR.
 *
 * Every field is decoded even when another holds a reserved encoding;
 * such an encoding clears @p out->valid and sets @p out->note.
 *
 * @param idr
 *   Raw IDR0..IDR5 (IDR2 and IDR4 are kept raw, not decoded).
 * @param iidr
 *   Raw IIDR.
 * @param aidr
 *   Raw AIDR.
 * @param out
 *   Output, fully overwritten.
 * @return
 *   0 on success (also when @p out->valid is false), or -EINVAL if @p idr
 *   or @p out is NULL.
 */
__rte_iommufd_experimental
int rte_iommufd_smmuv3_caps_decode(const uint32_t idr[6], uint32_t iidr, uint32_t aidr,
		struct rte_iommufd_smmuv3_caps *out);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Decode AMD EFR and EFR2.
 *
 * Every field is decoded even when another holds a reserved encoding;
 * such an encoding clears @p out->valid and sets @p out->note.
 *
 * @param efr
 *   Raw Extended Feature Register.
 * @param efr2
 *   Raw Extended Feature Register 2 (0 on IOMMUs without it).
 * @param out
 *   Output, fully overwritten.
 * @return
 *   0 on success (also when @p out->valid is false), or -EINVAL if @p out
 *   is NULL.
 */
__rte_iommufd_experimental
int rte_iommufd_amd_caps_decode(uint64_t efr, uint64_t efr2,
		struct rte_iommufd_amd_caps *out);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Summarize a vendor blob of IOMMU_GET_HW_INFO.
 *
 * Reads at most @p len bytes of @p data, with no alignment requirement, so
 * the data of struct rte_iommufd_hw_info can be passed as it is.
 *
 * @param hw_info_type
 *   The blob's type as the kernel reported it (out_data_type),
 *   RTE_IOMMUFD_HW_INFO_TYPE_*.
 * @param data
 *   The blob.
 * @param len
 *   Bytes available at @p data; at least RTE_IOMMUFD_HW_INFO_*_LEN of the
 *   type.
 * @param out
 *   Output, fully overwritten on success, untouched on failure.
 * @return
 *   0 on success (also when @p out->valid is false), or a negative errno:
 *   - -EINVAL: @p data or @p out is NULL, or @p len is shorter than the
 *     type's blob;
 *   - -EOPNOTSUPP: the type carries no IOMMU capabilities
 *     (RTE_IOMMUFD_HW_INFO_TYPE_NONE, RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV)
 *     or is unknown.
 */
__rte_iommufd_experimental
int rte_iommufd_iommu_caps_from_raw(uint32_t hw_info_type, const void *data, size_t len,
		struct rte_iommufd_iommu_caps *out);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Walk the decoded fields of a vendor blob of IOMMU_GET_HW_INFO.
 *
 * The walk visits, in a fixed order and once each: hw_info_type, then the
 * members of struct rte_iommufd_iommu_caps (group "summary"), then the
 * blob's flags, raw registers and decoded vendor fields (group of the
 * vendor). A Tegra241 CMDQV blob has no summary: hw_info_type is followed
 * by its own fields. Field names are unique within a walk.
 *
 * @param hw_info_type
 *   The blob's type, RTE_IOMMUFD_HW_INFO_TYPE_*.
 * @param data
 *   The blob; no alignment requirement.
 * @param len
 *   Bytes available at @p data; at least RTE_IOMMUFD_HW_INFO_*_LEN of the
 *   type.
 * @param cb
 *   Called for each field.
 * @param arg
 *   Passed to @p cb.
 * @return
 *   0 when every field was visited, the first non-zero value returned by
 *   @p cb, or a negative errno before any call:
 *   - -EINVAL: @p data or @p cb is NULL, or @p len is shorter than the
 *     type's blob;
 *   - -EOPNOTSUPP: RTE_IOMMUFD_HW_INFO_TYPE_NONE or an unknown type.
 */
__rte_iommufd_experimental
int rte_iommufd_hw_caps_foreach(uint32_t hw_info_type, const void *data, size_t len,
		rte_iommufd_cap_field_cb cb, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_HW_CAPS_H_ */
