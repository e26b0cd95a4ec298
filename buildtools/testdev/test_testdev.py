#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""pasid-testdev on the host, without QEMU: this script plays the vfio-user
client (the messages QEMU 11.1 sends, and its answers to the model's DMA
requests) and checks the configuration space, BAR0, the copy engine, the
requests the model answers while it waits for a DMA reply, and a refused
DMA. TAP output. Usage: test_testdev.py PATH_TO_pasid-testdev"""

import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

EXE = sys.argv[1]
HDR = struct.Struct('<HHIII')
REQ, REPLY, NO_REPLY, ERROR = 0, 1, 0x10, 0x20
VERSION, GET_INFO, REGION_INFO, REGION_READ, REGION_WRITE = 1, 4, 5, 9, 10
DMA_READ, DMA_WRITE = 11, 12
CFG, BAR0 = 7, 0
results = []


def case(fn):
    results.append(fn)
    return fn


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


class Client:
    def __init__(self, width, flags):
        self.dir = tempfile.mkdtemp(prefix='ptd-')
        path = os.path.join(self.dir, 's')
        self.proc = subprocess.Popen([EXE, '--socket', path, '--pasid-width', str(width)] + flags,
                                     stderr=subprocess.PIPE, text=True)
        for _ in range(100):
            if os.path.exists(path):
                break
            time.sleep(0.05)
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.id = 0
        self.dma = []          # (command, iova, count, data) the model asked for
        self.memory = {}       # iova -> bytes the client serves
        self.refuse = set()    # iovas answered with ENODEV

    def recv(self):
        hdr = self.recv_exact(HDR.size)
        mid, cmd, size, flags, err = HDR.unpack(hdr)
        return mid, cmd, flags, err, self.recv_exact(size - HDR.size)

    def recv_exact(self, n):
        buf = b''
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            expect(chunk, 'model closed the socket')
            buf += chunk
        return buf

    def serve_dma(self, mid, cmd, payload):
        iova, count = struct.unpack_from('<QQ', payload)
        self.dma.append((cmd, iova, count, payload[16:16 + count]))
        if iova in self.refuse:
            self.s.sendall(HDR.pack(mid, cmd, HDR.size, REPLY | ERROR, 19))
        elif cmd == DMA_READ:
            data = self.memory.get(iova, b'\0' * count)[:count].ljust(count, b'\0')
            body = struct.pack('<QQ', iova, count) + data
            self.s.sendall(HDR.pack(mid, cmd, HDR.size + len(body), REPLY, 0) + body)
        else:
            self.memory[iova] = payload[16:16 + count]
            self.s.sendall(HDR.pack(mid, cmd, HDR.size + 16, REPLY, 0) + payload[:16])

    def call(self, cmd, payload=b'', during=None):
        """Send a request, serve the model's DMA requests until its reply.
        during(): called at the first DMA request, before answering it."""
        self.id += 1
        self.s.sendall(HDR.pack(self.id, cmd, HDR.size + len(payload), REQ, 0) + payload)
        while True:
            mid, rcmd, flags, err, body = self.recv()
            if flags & 0xf == REQ:
                if during is not None:
                    during()
                    during = None
                self.serve_dma(mid, rcmd, body)
                continue
            expect(mid == self.id and rcmd == cmd, 'reply to %d: got id %d cmd %d' % (cmd, mid, rcmd))
            return (err if flags & ERROR else 0), body

    def settle(self, during=None):
        """Serve DMA requests the model issues after a reply (engine work);
        during(): called at the first one, before answering it."""
        self.s.settimeout(0.3)
        try:
            while True:
                mid, cmd, flags, err, body = self.recv()
                self.s.settimeout(5)  # a model that does not answer fails, not hangs
                if during is not None:
                    during()
                    during = None
                self.serve_dma(mid, cmd, body)
                self.s.settimeout(0.3)
        except socket.timeout:
            pass
        self.s.settimeout(None)

    def read(self, region, off, count):
        err, body = self.call(REGION_READ, struct.pack('<QII', off, region, count))
        expect(err == 0, 'region read error %d' % err)
        return body[16:16 + count]

    def read32(self, region, off):
        return struct.unpack('<I', self.read(region, off, 4))[0]

    def write(self, region, off, data, during=None):
        err, _ = self.call(REGION_WRITE, struct.pack('<QII', off, region, len(data)) + data, during)
        expect(err == 0, 'region write error %d' % err)

    def write32(self, region, off, val):
        self.write(region, off, struct.pack('<I', val))

    def close(self):
        self.s.close()
        rc = self.proc.wait(timeout=10)
        log = self.proc.stderr.read()
        os.rmdir(self.dir)
        return rc, log


def negotiate(c):
    caps = json.dumps({'capabilities': {'max_msg_fds': 16, 'max_data_xfer_size': 1048576}})
    err, body = c.call(VERSION, struct.pack('<HH', 0, 0) + caps.encode() + b'\0')
    expect(err == 0, 'version error')
    major, minor = struct.unpack_from('<HH', body)
    expect((major, minor) == (0, 0), 'version %d.%d' % (major, minor))
    expect(body[-1:] == b'\0', 'NUL-terminated capabilities')
    doc = json.loads(body[4:-1])
    expect(doc['capabilities']['max_data_xfer_size'] == 1048576, 'max_data_xfer_size')


@case
def config_space():
    c = Client(5, ['--exec'])
    negotiate(c)
    err, body = c.call(GET_INFO, struct.pack('<IIII', 16, 0, 0, 0))
    expect(struct.unpack('<IIII', body) == (16, 3, 9, 5), 'device info %s' % (body,))
    err, body = c.call(REGION_INFO, struct.pack('<IIIIQQ', 32, 0, CFG, 0, 0, 0))
    expect(struct.unpack_from('<Q', body, 16)[0] == 4096, 'config region size')
    err, body = c.call(REGION_INFO, struct.pack('<IIIIQQ', 32, 0, 2, 0, 0, 0))
    expect(struct.unpack_from('<Q', body, 16)[0] == 0, 'no BAR2')
    cfg = c.read(CFG, 0, 4096)
    expect(struct.unpack_from('<HH', cfg, 0) == (0x1b36, 0x00f5), 'ids')
    expect(cfg[0x34] == 0x40 and cfg[0x40] == 0x10, 'PCIe capability at 0x40')
    devcap2 = struct.unpack_from('<I', cfg, 0x40 + 0x24)[0]
    expect(devcap2 & (1 << 21), 'DEVCAP2 End-End TLP prefix')
    chain, off = [], 0x100
    while off:
        h = struct.unpack_from('<I', cfg, off)[0]
        chain.append((off, h & 0xffff))
        off = h >> 20
    expect(chain == [(0x100, 0x0f), (0x110, 0x1b), (0x120, 0x13)], 'ATS, PASID, PRI: %s' % chain)
    expect(struct.unpack_from('<H', cfg, 0x114)[0] == (5 << 8 | 2), 'PASID cap: width 5, EXEC')
    expect(struct.unpack_from('<H', cfg, 0x126)[0] & 0x100, 'PRI stopped while disabled')
    # Only supported PASID modes stick; BAR0 sizing; PRI running when enabled.
    c.write(CFG, 0x116, struct.pack('<H', 7))
    expect(struct.unpack('<H', c.read(CFG, 0x116, 2))[0] == 3, 'PASID control without PRIV')
    c.write32(CFG, 0x10, 0xffffffff)
    expect(c.read32(CFG, 0x10) == 0xfffff000, 'BAR0 is 4 KiB')
    c.write(CFG, 0x124, struct.pack('<H', 1))
    expect(not struct.unpack('<H', c.read(CFG, 0x126, 2))[0] & 0x100, 'PRI not stopped')
    expect(c.read32(BAR0, 0x00) == 0x31445450, 'BAR0 ID')
    expect(c.read32(BAR0, 0x08) == 5 | 1 << 8 | 1 << 10 | 1 << 11, 'CAPS register')
    rc, log = c.close()
    expect(rc == 0, 'model exit %d: %s' % (rc, log))
    expect('PASID control 0x0000 -> 0x0003' in log, 'the model logs what the guest enables')


@case
def copy_engine():
    c = Client(16, ['--exec', '--priv'])
    negotiate(c)
    c.memory[0x1000] = struct.pack('<QQIIQ', 0x2000, 0x3000, 16, 0, 0x4000)
    c.memory[0x2000] = bytes(range(16))
    for reg, val in ((0x18, 0x1000), (0x1c, 0), (0x14, 4), (0x10, 1)):
        c.write32(BAR0, reg, val)
    status = []
    # While the model waits for its first DMA reply, a register read must
    # still be answered (QEMU's vCPU may hold the lock the DMA needs).
    c.write32(BAR0, 0x20, 1)
    c.settle(during=lambda: status.append(c.read32(BAR0, 0x0c)))
    expect(status and status[0] & 4, 'BUSY seen by a nested read: %s' % status)
    expect([d[:3] for d in c.dma] == [(DMA_READ, 0x1000, 32), (DMA_READ, 0x2000, 16),
                                      (DMA_WRITE, 0x3000, 16), (DMA_WRITE, 0x4000, 16)],
           'DMA sequence %s' % [d[:3] for d in c.dma])
    expect(c.memory[0x3000] == bytes(range(16)), 'copied')
    expect(struct.unpack('<IIQ', c.memory[0x4000]) == (1, 0, 16), 'completion record')
    expect(c.read32(BAR0, 0x24) == 1 and c.read32(BAR0, 0x38) == 1, 'HEAD and DONE')
    # A refused source read halts the engine with the client's errno.
    c.memory[0x1020] = struct.pack('<QQIIQ', 0x5000, 0x3000, 8, 0, 0x4000)
    c.refuse.add(0x5000)
    c.write32(BAR0, 0x20, 2)
    c.settle()
    expect(c.read32(BAR0, 0x0c) & 2, 'STATUS.error')
    expect(c.read32(BAR0, 0x28) == 19 and c.read32(BAR0, 0x30) == 0x5000, 'ERR_CODE, ERR_IOVA')
    expect(c.read32(BAR0, 0x24) == 1, 'HEAD stays at the failed descriptor')
    expect(struct.unpack('<IIQ', c.memory[0x4000]) == (2, 19, 0), 'completion says failed')
    c.write32(BAR0, 0x10, 2)
    expect(c.read32(BAR0, 0x0c) == 0 and c.read32(BAR0, 0x24) == 0, 'reset')
    rc, log = c.close()
    expect(rc == 0, 'model exit %d' % rc)
    expect('refused by the client: errno 19' in log, 'refusal logged')


@case
def bad_options():
    for args in (['--pasid-width', '0'], ['--pasid-width', '21'], ['--socket', 'x']):
        p = subprocess.run([EXE] + args, capture_output=True, text=True, timeout=10)
        expect(p.returncode == 2 and 'Usage' in p.stderr, '%s: exit %d' % (args, p.returncode))


print('TAP version 13\n1..%d' % len(results))
failed = 0
for i, fn in enumerate(results, 1):
    try:
        fn()
        print('ok %d - %s' % (i, fn.__name__))
    except Exception as e:  # noqa: BLE001 - report any failure as TAP
        failed += 1
        print('# %s: %s' % (fn.__name__, e))
        print('not ok %d - %s' % (i, fn.__name__))
sys.exit(1 if failed else 0)
