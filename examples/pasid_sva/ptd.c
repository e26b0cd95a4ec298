/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>
#include <rte_vfio.h>

#include <pasid_testdev.h>

#include "ptd.h"

#define RING_ENTRIES 64
#define WAIT_US (5 * 1000 * 1000)

struct ptd {
	char bdf[32];
	int fd;				/* VFIO device */
	volatile uint8_t *bar0;
	size_t bar0_len;
	struct ptd_desc *ring;		/* DPDK memory */
	uint64_t ring_iova;
	uint32_t tail;
	rte_spinlock_t lock;		/* the ring, between workers */
};

static uint32_t
reg_read(struct ptd *ptd, uint32_t off)
{
	return *(volatile uint32_t *)(ptd->bar0 + off);
}

static void
reg_write(struct ptd *ptd, uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(ptd->bar0 + off) = val;
}

/* Turn bus mastering on in the command register (config space region). */
static int
bus_master(struct ptd *ptd)
{
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	uint16_t cmd;

	if (ioctl(ptd->fd, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0)
		return -errno;
	if (pread(ptd->fd, &cmd, sizeof(cmd), cfg.offset + PCI_COMMAND) != sizeof(cmd))
		return -EIO;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(ptd->fd, &cmd, sizeof(cmd), cfg.offset + PCI_COMMAND) != sizeof(cmd))
		return -EIO;
	return 0;
}

static int
map_bar0(struct ptd *ptd)
{
	struct vfio_region_info bar = { .argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX };
	void *p;

	if (ioctl(ptd->fd, VFIO_DEVICE_GET_REGION_INFO, &bar) < 0)
		return -errno;
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || bar.size < PTD_BAR0_SIZE)
		return -ENOTSUP;
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, ptd->fd, bar.offset);
	if (p == MAP_FAILED)
		return -errno;
	ptd->bar0 = p;
	ptd->bar0_len = bar.size;
	return 0;
}

int
ptd_open(const char *bdf, struct ptd **ptdp)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct ptd *ptd;
	int ret;

	ptd = calloc(1, sizeof(*ptd));
	if (ptd == NULL)
		return -ENOMEM;
	snprintf(ptd->bdf, sizeof(ptd->bdf), "%s", bdf);
	rte_spinlock_init(&ptd->lock);
	ptd->fd = -1;
	ret = rte_vfio_setup_device("/sys/bus/pci/devices", bdf, &ptd->fd, &info);
	if (ret != 0) {
		fprintf(stderr, "pasid_sva: %s: rte_vfio_setup_device failed (%d): is it bound to vfio-pci?\n",
			bdf, ret);
		free(ptd);
		return -ENODEV;
	}
	ret = map_bar0(ptd);
	if (ret == 0 && reg_read(ptd, PTD_REG_ID) != PTD_ID) {
		fprintf(stderr, "pasid_sva: %s is not the PASID test device (BAR0 ID 0x%08x)\n",
			bdf, reg_read(ptd, PTD_REG_ID));
		ret = -ENODEV;
	}
	if (ret == 0)
		ret = bus_master(ptd);
	if (ret == 0) {
		ptd->ring = rte_zmalloc("ptd_ring", RING_ENTRIES * sizeof(*ptd->ring), 4096);
		if (ptd->ring == NULL)
			ret = -ENOMEM;
	}
	if (ret != 0) {
		ptd_close(ptd);
		return ret;
	}
	ptd->ring_iova = rte_malloc_virt2iova(ptd->ring);
	reg_write(ptd, PTD_REG_CTRL, PTD_CTRL_RESET);
	reg_write(ptd, PTD_REG_RING_SIZE, RING_ENTRIES);
	reg_write(ptd, PTD_REG_RING_LO, (uint32_t)ptd->ring_iova);
	reg_write(ptd, PTD_REG_RING_HI, (uint32_t)(ptd->ring_iova >> 32));
	reg_write(ptd, PTD_REG_CTRL, PTD_CTRL_ENABLE);
	ptd->tail = reg_read(ptd, PTD_REG_HEAD);
	*ptdp = ptd;
	return 0;
}

int
ptd_work(struct ptd *ptd, unsigned int lcore, uint32_t pasid, uint32_t len)
{
	volatile struct ptd_compl *compl;
	uint8_t *src, *dst;
	uint64_t deadline;
	uint32_t i;
	int ret = 0;

	src = rte_malloc("ptd_src", len, 64);
	dst = rte_zmalloc("ptd_dst", len, 64);
	compl = rte_zmalloc("ptd_compl", sizeof(*compl), 64);
	if (src == NULL || dst == NULL || compl == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < len; i++)
		src[i] = (uint8_t)(lcore * 31 + pasid * 7 + i);

	rte_spinlock_lock(&ptd->lock);
	ptd->ring[ptd->tail % RING_ENTRIES] = (struct ptd_desc){
		.src = rte_malloc_virt2iova(src),
		.dst = rte_malloc_virt2iova(dst),
		.len = len,
		.compl = rte_malloc_virt2iova((const void *)compl),
	};
	rte_wmb();
	reg_write(ptd, PTD_REG_TAIL, ++ptd->tail);
	rte_spinlock_unlock(&ptd->lock);

	deadline = rte_get_timer_cycles() + rte_get_timer_hz() / 1000000 * WAIT_US;
	while (compl->status == 0) {
		if (reg_read(ptd, PTD_REG_STATUS) & PTD_STATUS_ERROR) {
			fprintf(stderr, "pasid_sva: %s refused a DMA at IOVA 0x%08x%08x (errno %u)\n",
				ptd->bdf, reg_read(ptd, PTD_REG_ERR_IOVA_HI),
				reg_read(ptd, PTD_REG_ERR_IOVA_LO), reg_read(ptd, PTD_REG_ERR_CODE));
			ret = -EIO;
			goto out;
		}
		if (rte_get_timer_cycles() > deadline) {
			ret = -ETIMEDOUT;
			goto out;
		}
		rte_pause();
	}
	rte_rmb();
	if (compl->status != PTD_COMPL_DONE || compl->bytes != len)
		ret = -EIO;
	else if (memcmp(src, dst, len) != 0)
		ret = -EBADMSG;
out:
	rte_free(src);
	rte_free(dst);
	rte_free((void *)compl);
	return ret;
}

uint64_t
ptd_bytes(struct ptd *ptd)
{
	return ((uint64_t)reg_read(ptd, PTD_REG_BYTES_HI) << 32) | reg_read(ptd, PTD_REG_BYTES_LO);
}

void
ptd_close(struct ptd *ptd)
{
	if (ptd->bar0 != NULL) {
		reg_write(ptd, PTD_REG_CTRL, PTD_CTRL_RESET);
		munmap((void *)ptd->bar0, ptd->bar0_len);
	}
	rte_free(ptd->ring);
	if (ptd->fd >= 0)
		rte_vfio_release_device("/sys/bus/pci/devices", ptd->bdf, ptd->fd);
	free(ptd);
}
