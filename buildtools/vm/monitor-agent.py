#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Serve a guest's requests for QEMU's human monitor (run-vm.sh --monitor).

The guest cannot reach the host's monitor socket, but it can write to the
run directory it shares over 9p. A request is a file NAME.req holding one
monitor command (buildtools/vm/vm-monitor.sh writes it); the agent sends
the command to QEMU's monitor and writes what the monitor answered to
NAME.rep (through a temporary file, so that the guest never reads half an
answer). The agent ends when QEMU closes the monitor.

Usage: monitor-agent.py SOCKET DIRECTORY
"""

import os
import socket
import sys
import time

PROMPT = b"(qemu) "


def read_until_prompt(sock, buf):
    """Read until the monitor prints its prompt; return (text, rest)."""
    while PROMPT not in buf:
        data = sock.recv(65536)
        if not data:
            raise EOFError("QEMU closed the monitor")
        buf += data
    text, _, rest = buf.partition(PROMPT)
    return text, rest


def connect(path, deadline):
    while True:
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def clean(text, command):
    # HMP echoes the command line, with terminal escapes; keep the answer.
    lines = text.decode(errors="replace").replace("\r", "").split("\n")
    out = [ln for ln in lines if "\x1b" not in ln and ln.strip() != command.strip()]
    return "\n".join(ln for ln in out if ln).strip() + "\n"


def main():
    if len(sys.argv) != 3:
        print("usage: monitor-agent.py SOCKET DIRECTORY", file=sys.stderr)
        return 2
    path, reqdir = sys.argv[1], sys.argv[2]
    sock = connect(path, time.monotonic() + 60)
    buf = b""
    try:
        _, buf = read_until_prompt(sock, buf)
        while True:
            names = sorted(n for n in os.listdir(reqdir) if n.endswith(".req"))
            if not names:
                time.sleep(0.05)
                # A closed monitor means QEMU is gone: stop then.
                sock.setblocking(False)
                try:
                    if sock.recv(65536, socket.MSG_PEEK) == b"":
                        return 0
                except BlockingIOError:
                    pass
                finally:
                    sock.setblocking(True)
                continue
            for name in names:
                req = os.path.join(reqdir, name)
                with open(req) as f:
                    command = f.read().strip()
                os.unlink(req)
                sock.sendall(command.encode() + b"\n")
                text, buf = read_until_prompt(sock, buf)
                base = os.path.join(reqdir, name[:-4])
                with open(base + ".tmp", "w") as f:
                    f.write(clean(text, command))
                os.rename(base + ".tmp", base + ".rep")
                print(f"monitor-agent: {command!r}: {clean(text, command).strip()!r}",
                      file=sys.stderr, flush=True)
    except (EOFError, ConnectionError):
        return 0


if __name__ == "__main__":
    sys.exit(main())
