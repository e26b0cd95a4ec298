/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The AMD-Vi decoder on the registers of Zen 4, Genoa with SNP, a B550
 * board and QEMU's amd-iommu, against what Linux printed for them.
 */

#include <stdint.h>
#include <string.h>

#include "rte_iommufd_hw_caps.h"
#include "test.h"
#include "test_hw_caps.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------ */
/* AMD                                                                 */
/* ------------------------------------------------------------------ */

int
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

int
amd_genoa_snp(void)
{
	struct rte_iommufd_amd_caps a;
	struct rte_iommufd_iommu_caps s;
	char tokens[128];

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

	TEST_ASSERT_SUCCESS(amd_summary(GENOA_EFR, GENOA_EFR2, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.pasid_supported, 0, "no GT");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 0, "gated");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 1, "HDSup with a valid HATS");
	TEST_ASSERT_EQUAL(s.nesting, 0, "GCR3TRPMode but no GT");
	TEST_ASSERT_EQUAL(s.page_requests, 1, "PPR");
	TEST_ASSERT_EQUAL(s.address_width, 64, "host table");
	return TEST_SUCCESS;
}

int
amd_b550(void)
{
	struct rte_iommufd_amd_caps a;
	struct rte_iommufd_iommu_caps s;
	char tokens[128];

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

	TEST_ASSERT_SUCCESS(amd_summary(B550_EFR, 0, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.pasid_supported, 1, "GT, GIo, PPR, EPH");
	TEST_ASSERT_EQUAL(s.iommu_pasid_bits, 16, "PASmax + 1");
	TEST_ASSERT_EQUAL(s.linux_max_pasid_log2, 15, "PASmax");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "access bits only");
	TEST_ASSERT_EQUAL(s.address_width, 64, "host table");
	return TEST_SUCCESS;
}

int
amd_qemu(void)
{
	struct rte_iommufd_amd_caps a;
	struct rte_iommufd_iommu_caps s;
	char tokens[128];

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

	TEST_ASSERT_SUCCESS(amd_summary(QEMU_AMD_EFR, 0, &s), "from_raw");
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
	TEST_ASSERT_SUCCESS(amd_summary(QEMU_AMD_EFR_NO_DMA, 0, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.address_width, 0, "no v1, and v2 needs GIoSup");
	TEST_ASSERT_EQUAL(s.dirty_tracking, 0, "no host table");

	/* Synthetic: HATS 3 with GT and GIoSup falls back to the guest table. */
	TEST_ASSERT_SUCCESS(amd_summary(QEMU_AMD_EFR_NO_DMA | (1ull << 48), 0, &s), "from_raw");
	TEST_ASSERT_EQUAL(s.address_width, 48, "GATS reserved: 4-level guest table");

	/* Synthetic: nesting needs GT, GIoSup and EFR2 GCR3TRPMode. */
	TEST_ASSERT_SUCCESS(amd_summary(ZEN4_EFR, 1ull << 3, &s), "from_raw");
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
