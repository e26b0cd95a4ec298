/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The PASID test device: what a driver sees. A PCIe endpoint (a test
 * asset, served by buildtools/testdev/pasid-testdev over vfio-user) with
 * PASID, ATS and PRI extended capabilities and a small copy engine in
 * BAR0. Shared by the device model, the tests and any driver.
 *
 * Programming model (all registers 32-bit, little endian, BAR0 4 KiB):
 *   1. write RING_LO/RING_HI (IOVA of the descriptor ring, 32-byte
 *      aligned) and RING_SIZE (entries, a power of two, 1..1024);
 *   2. set CTRL.ENABLE;
 *   3. fill descriptors, then write TAIL (free-running producer index);
 *   4. poll HEAD (free-running consumer index) or the completion records.
 * The engine copies LEN bytes from SRC to DST by IOVA, then writes a
 * completion record at COMPL. A refused DMA (the IOVA is not mapped for
 * the device's requester ID) sets STATUS.ERROR, ERR_* and halts the engine
 * until CTRL.RESET. The vfio-user protocol carries no PASID on DMA: every
 * access is an untagged request of the device's RID.
 */

#ifndef _PASID_TESTDEV_H_
#define _PASID_TESTDEV_H_

#include <stdint.h>

/* PCI identity (test only: Red Hat's QEMU vendor id, a device id no QEMU
 * device uses). */
#define PTD_VENDOR_ID 0x1b36
#define PTD_DEVICE_ID 0x00f5
#define PTD_CLASS 0x088000 /* system peripheral, other */
#define PTD_REVISION 1

/* Configuration space layout. */
#define PTD_CFG_PCIE 0x40      /* PCI Express capability (version 2) */
#define PTD_CFG_ATS 0x100      /* ATS extended capability */
#define PTD_CFG_PASID 0x110    /* PASID extended capability */
#define PTD_CFG_PRI 0x120      /* PRI extended capability */
#define PTD_BAR0_SIZE 0x1000

/* BAR0 registers. */
#define PTD_REG_ID 0x00         /* RO PTD_ID */
#define PTD_REG_VERSION 0x04    /* RO 1 */
#define PTD_REG_CAPS 0x08       /* RO PTD_CAPS_* (what the instance was given) */
#define PTD_REG_STATUS 0x0c     /* RO PTD_STATUS_* */
#define PTD_REG_CTRL 0x10       /* RW PTD_CTRL_* */
#define PTD_REG_RING_SIZE 0x14  /* RW entries, power of two, 1..PTD_RING_MAX */
#define PTD_REG_RING_LO 0x18    /* RW ring IOVA, bits 31:0 */
#define PTD_REG_RING_HI 0x1c    /* RW ring IOVA, bits 63:32 */
#define PTD_REG_TAIL 0x20       /* RW doorbell: producer index */
#define PTD_REG_HEAD 0x24       /* RO consumer index */
#define PTD_REG_ERR_CODE 0x28   /* RO errno the client answered to the failed DMA */
#define PTD_REG_ERR_DESC 0x2c   /* RO consumer index of the failed descriptor */
#define PTD_REG_ERR_IOVA_LO 0x30 /* RO IOVA of the failed DMA */
#define PTD_REG_ERR_IOVA_HI 0x34
#define PTD_REG_DONE 0x38       /* RO descriptors completed */
#define PTD_REG_ERRORS 0x3c     /* RO refused DMA requests */
#define PTD_REG_BYTES_LO 0x40   /* RO bytes copied */
#define PTD_REG_BYTES_HI 0x44

#define PTD_ID 0x31445450u      /* "PTD1" */
#define PTD_CAPS_WIDTH_MASK 0x1fu /* PASID width given to the instance */
#define PTD_CAPS_EXEC (1u << 8)
#define PTD_CAPS_PRIV (1u << 9)
#define PTD_CAPS_ATS (1u << 10)
#define PTD_CAPS_PRI (1u << 11)
#define PTD_STATUS_ENABLED (1u << 0)
#define PTD_STATUS_ERROR (1u << 1)  /* halted on a refused DMA */
#define PTD_STATUS_BUSY (1u << 2)   /* descriptors in flight */
#define PTD_CTRL_ENABLE (1u << 0)
#define PTD_CTRL_RESET (1u << 1)    /* self-clearing: ring state, errors, counters */
#define PTD_RING_MAX 1024
#define PTD_COPY_MAX (1u << 20)     /* largest LEN of one descriptor */

/* A descriptor (32 bytes, little endian). */
struct ptd_desc {
	uint64_t src;    /* source IOVA */
	uint64_t dst;    /* destination IOVA */
	uint32_t len;    /* bytes, 1..PTD_COPY_MAX */
	uint32_t flags;  /* 0 */
	uint64_t compl;  /* IOVA of a struct ptd_compl, 0 for none */
};

/* A completion record (16 bytes), written after the copy. */
struct ptd_compl {
	uint32_t status; /* PTD_COMPL_* */
	uint32_t error;  /* errno the client answered, 0 on success */
	uint64_t bytes;  /* bytes copied */
};

#define PTD_COMPL_DONE 1u
#define PTD_COMPL_FAILED 2u

#endif /* _PASID_TESTDEV_H_ */
