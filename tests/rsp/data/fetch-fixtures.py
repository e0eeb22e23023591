#!/usr/bin/env python3
# Regenerates the QEMU target-description fixtures in this directory: starts
# each qemu-system-* with -S and its GDB stub on a unix socket, fetches
# target.xml and every annex it xi:includes (qXfer:features:read), saves them
# as <arch>/<annex>, and kills QEMU. Usage: fetch-fixtures.py [outdir]
#
# <arch>/gdb-remote-registers.txt is the independent oracle the tests compare
# against: GDB's own view of the same QEMU stub, made with
#   gdb-multiarch -nx -batch -ex 'target remote SOCK' \
#       -ex 'maint print remote-registers'
# keeping the header and the rows that have a remote number.
import os, re, socket, subprocess, sys, tempfile, time

MACHINES = {
    "i386": ["qemu-system-i386", "-M", "pc"],
    "x86_64": ["qemu-system-x86_64", "-M", "pc"],
    "aarch64": ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57"],
    # SVE, as qemu-aarch64's default CPU has: sve-registers.xml instead of
    # aarch64-fpu.xml, before the system registers
    "aarch64-sve": ["qemu-system-aarch64", "-M", "virt", "-cpu", "max"],
    "arm-m": ["qemu-system-arm", "-M", "mps2-an385"],
    "riscv64": ["qemu-system-riscv64", "-M", "virt", "-bios", "none"],
    "riscv32": ["qemu-system-riscv32", "-M", "virt", "-bios", "none"],
}

def send(s, data):
    cs = sum(data.encode()) & 0xff
    s.sendall(b"$%s#%02x" % (data.encode(), cs))

def recv(s, buf):
    while True:
        i = buf.find(b"$")
        if i >= 0:
            j = buf.find(b"#", i)
            if j >= 0 and len(buf) >= j + 3:
                pkt = buf[i + 1:j]
                del buf[:j + 3]
                s.sendall(b"+")
                return unescape(pkt)
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError
        buf += chunk

def unescape(p):
    out = bytearray(); i = 0
    while i < len(p):
        c = p[i]
        if c == 0x7d:
            out.append(p[i + 1] ^ 0x20); i += 2
        elif c == 0x2a:
            out += bytes([out[-1]]) * (p[i + 1] - 29); i += 2
        else:
            out.append(c); i += 1
    return bytes(out)

def fetch(s, buf, annex):
    data = b""
    while True:
        send(s, "qXfer:features:read:%s:%x,%x" % (annex, len(data), 0x800))
        r = recv(s, buf)
        if r[:1] not in (b"m", b"l"):
            raise RuntimeError("%s: %r" % (annex, r))
        data += r[1:]
        if r[:1] == b"l":
            return data

def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for arch, cmd in MACHINES.items():
        d = tempfile.mkdtemp()
        path = os.path.join(d, "gdb.sock")
        q = subprocess.Popen(cmd + ["-S", "-display", "none", "-nodefaults",
                                    "-gdb", "unix:%s,server=on,wait=off" % path])
        try:
            for _ in range(100):
                if os.path.exists(path):
                    break
                time.sleep(0.05)
            s = socket.socket(socket.AF_UNIX); s.connect(path)
            buf = bytearray()
            send(s, "qSupported:xmlRegisters=i386"); recv(s, buf)
            todo, seen = ["target.xml"], set()
            os.makedirs(os.path.join(out, arch), exist_ok=True)
            while todo:
                a = todo.pop(0)
                if a in seen:
                    continue
                seen.add(a)
                x = fetch(s, buf, a)
                with open(os.path.join(out, arch, a), "wb") as f:
                    f.write(x)
                todo += [m.decode() for m in re.findall(rb'href="([^"]+)"', x)]
            print(arch, sorted(seen))
            s.close()
        finally:
            q.kill(); q.wait()
            if os.path.exists(path):
                os.unlink(path)
            os.rmdir(d)

main()
