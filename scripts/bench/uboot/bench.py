#!/usr/bin/env python3
"""TFTP to a real boot loader: U-Boot (QEMU's arm64 board under TCG) fetches a file from sparetire, atftpd,
dnsmasq and tftpd-hpa in turns, on the machine that runs the servers.

Everything runs inside a network namespace this script creates: a bridge with one address per server and
the VM's tap in it. U-Boot boots once; its console is driven expect-style with a bounded wait for every
answer. For each variant (blksize 512, 1468, 1468 + windowsize 8 and 16, U-Boot's defaults) every server
serves the file once per round, servers taking turns; every transfer's crc32 (computed by U-Boot over the
bytes in its memory) must be the file's. Time is measured from the console: from the Enter that starts
`tftpboot` to U-Boot's "Bytes transferred" line (U-Boot's own rate is kept too). Server CPU per block is the
delta of utime+stime in /proc/PID/stat (tftpd-hpa's is not measured: it forks a child per transfer and reaps
it only when the next request wakes it).

  sudo scripts/bench/uboot/bench.py [--runs N] [--size MiB] [--write]   (--write updates docs/benchmarks.md)
  sudo scripts/bench/uboot/bench.py --servers sparetire,atftpd --variants 1468,w16 --runs 3
"""
import argparse, os, re, select, signal, statistics, subprocess, sys, tempfile, time, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tftp"))
import bench as tftp_bench  # noqa: E402  (peer binaries, sparetire's bench server and JVM options)

REPO = tftp_bench.REPO
UBOOT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
SUBNET = "10.222.0."
VM_IP = SUBNET + "50"
TRANSFER_LIMIT = 180
# (name, tftpblocksize, tftpwindowsize). Every variant sets both: U-Boot 2023.01 keeps the last value it used
# when a variable is deleted, so an unset tftpwindowsize after a windowed run still asks for the window.
# "defaults" is what U-Boot does with neither variable ever set (CONFIG_TFTP_BLOCKSIZE 1468, window 1).
VARIANTS = [
    ("512", 512, 1),
    ("1468", 1468, 1),
    ("w8", 1468, 8),
    ("w16", 1468, 16),
    ("defaults", 1468, 1),
]
VARIANT_TITLES = {
    "512": "`tftpblocksize 512` (lockstep)",
    "1468": "`tftpblocksize 1468` (lockstep)",
    "w8": "1468 + `tftpwindowsize 8`",
    "w16": "1468 + `tftpwindowsize 16`",
    "defaults": "U-Boot defaults (1468, window 1, set explicitly)",
}


# Sends (a block in lockstep, a window otherwise) each server makes per variant before the counted rounds.
WARMUP_SENDS = 8000


def warmup_transfers(size, variant, windows):
    _, blksize, window = variant
    sends = -(-size // blksize) // (window if windows else 1)
    return max(1, -(-WARMUP_SENDS // sends))


class Console:
    """The VM's serial console: everything it printed, keys typed into it, bounded waits for text."""

    def __init__(self, proc, log):
        self.proc, self.log = proc, log
        self.buf = ""
        self.mark = 0  # waits look only at output after the mark
        os.set_blocking(proc.stdout.fileno(), False)

    def _read(self, timeout):
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if r:
            chunk = self.proc.stdout.read(65536)
            if chunk:
                text = chunk.decode("latin-1")
                self.buf += text
                self.log.write(text)
                return True
        if self.proc.poll() is not None:
            raise RuntimeError("QEMU exited (%s)" % self.proc.returncode)
        return False

    def expect(self, pattern, limit):
        """Waits until the regex matches output after the mark; moves the mark past it. Returns (match, time)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + limit
        while True:
            m = rx.search(self.buf, self.mark)
            if m:
                self.mark = m.end()
                return m, time.monotonic()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no %r within %ss; console tail: %r" % (pattern, limit, self.buf[-400:]))
            self._read(min(left, 0.5))

    def type(self, text):
        self.mark = len(self.buf)
        self.proc.stdin.write(text.encode("latin-1"))
        self.proc.stdin.flush()

    def command(self, line, limit=20):
        """Types one command line and waits for the next prompt; returns what it printed."""
        self.type(line + "\n")
        start = self.mark
        self.expect(r"\n=> ", limit)
        return self.buf[start:self.mark]


class Server(tftp_bench.Server):
    """A server on port 69 of its own address in the bridge; ready when something listens there."""

    def __init__(self, name, address, cmd, windows):
        super().__init__(name, 69, cmd, windows, False)
        self.address = address

    def start(self, log):
        self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=subprocess.STDOUT)


def wait_udp_69(address, proc, limit=60):
    """Until something listens on address:69 (ss inside this namespace), or the server exits."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited: %s" % proc.returncode)
        out = subprocess.run(["ss", "-Hnul", "src", address + ":69"], stdout=subprocess.PIPE).stdout.decode()
        if out.strip():
            return
        time.sleep(0.1)
    raise RuntimeError("nothing listens on %s:69 after %ss" % (address, limit))


def run_inside(args):
    work = tempfile.mkdtemp(prefix="sparetire-uboot-bench-")
    os.chmod(work, 0o755)
    size = args.size * 1024 * 1024
    data = os.urandom(size)
    crc = "%08x" % (zlib.crc32(data) & 0xFFFFFFFF)
    roots = {}

    def root_for(name):
        r = os.path.join(work, "root-" + name)  # each server its own root, same bytes
        os.makedirs(r)
        with open(os.path.join(r, "firmware.bin"), "wb") as f:
            f.write(data)
        os.chmod(r, 0o755)
        os.chmod(os.path.join(r, "firmware.bin"), 0o644)
        roots[name] = r
        return r

    sh = tftp_bench.sh
    sh(["ip", "link", "set", "lo", "up"])
    sh(["ip", "link", "add", "br0", "type", "bridge"])
    sh(["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"])
    sh(["ip", "link", "set", "tap0", "master", "br0"])
    names = ["sparetire", "sparetire-poll", "atftpd", "dnsmasq", "tftpd-hpa"]
    addresses = {n: SUBNET + str(i + 1) for i, n in enumerate(names)}
    for a in addresses.values():
        sh(["ip", "addr", "add", a + "/24", "dev", "br0"])
    for dev in ("br0", "tap0"):
        sh(["ip", "link", "set", dev, "up"])
    cp = tftp_bench.build_ours(work)
    java = "java"
    peers = tftp_bench.PEERS
    inbox = os.path.join(work, "inbox")
    os.makedirs(inbox)

    def ours(name, extra):
        return Server(name, addresses[name], [java] + tftp_bench.JVM_FLAGS + extra
                      + ["-cp", cp, "BenchServer", root_for(name), addresses[name], "69", inbox], True)

    servers = [
        ours("sparetire", []),
        ours("sparetire-poll", ["-DreplyPollNanos=100000"]),
        Server("atftpd", addresses["atftpd"], [os.path.join(peers, "atftpd/usr/sbin/atftpd"), "--daemon", "--no-fork",
               "--port", "69", "--bind-address", addresses["atftpd"], "--user", "root", "--group", "root",
               "--logfile", "/dev/null", root_for("atftpd")], True),
        Server("dnsmasq", addresses["dnsmasq"], [os.path.join(peers, "dnsmasq-base/usr/sbin/dnsmasq"),
               "--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--enable-tftp",
               "--tftp-root=" + root_for("dnsmasq"), "--listen-address=" + addresses["dnsmasq"], "--bind-interfaces",
               "--user=root", "--pid-file=", "--log-facility=/dev/null"], False),
        Server("tftpd-hpa", addresses["tftpd-hpa"], [os.path.join(peers, "tftpd-hpa/usr/sbin/in.tftpd"), "-L", "-u",
               "root", "-B", "65464", "-a", addresses["tftpd-hpa"] + ":69", "-s", root_for("tftpd-hpa")], False),
    ]
    if args.servers:
        servers = [s for s in servers if s.name in args.servers.split(",")]
    variants = [v for v in VARIANTS if not args.variants or v[0] in args.variants.split(",")]
    results = {}  # (variant, server) -> list of (seconds, uboot rate string, cpu seconds, blocks)
    vm = None
    logs = []
    try:
        for s in servers:
            log = open(os.path.join(work, s.name + ".log"), "w")
            logs.append(log)
            s.start(log)
        for s in servers:
            wait_udp_69(s.address, s.proc)
        console_log = open(os.path.join(work, "console.log"), "w")
        logs.append(console_log)
        vm = subprocess.Popen(["qemu-system-aarch64", "-machine", "virt", "-cpu", "cortex-a57", "-m", "512",
                               "-nographic", "-no-reboot", "-bios", UBOOT,
                               "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                               "-device", "virtio-net-pci,netdev=n0"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        con = Console(vm, console_log)
        con.expect(r"Hit any key to stop autoboot", 180)
        con.type("\n")
        con.expect(r"\n=> ", 30)
        con.command("setenv autoload no; setenv ipaddr %s; setenv netmask 255.255.255.0" % VM_IP)
        print("U-Boot up; file %d MiB, crc32 %s" % (args.size, crc), flush=True)

        def transfer(s, variant):
            _, blksize, window = variant
            con.command("setenv serverip %s; setenv tftpblocksize %d; setenv tftpwindowsize %d"
                        % (s.address, blksize, window))
            before = tftp_bench.cpu_seconds(s.proc.pid)
            con.type("tftpboot ${loadaddr} firmware.bin\n")
            t0 = time.monotonic()
            try:
                m, t1 = con.expect(r"Bytes transferred = (\d+) \(|TFTP error|Retry count exceeded", TRANSFER_LIMIT)
            except TimeoutError:
                con.type("\x03")  # Ctrl-C ends U-Boot's tftp
                con.expect(r"\n=> ", 30)
                return None
            out = con.buf[con.mark - 4000 if con.mark > 4000 else 0:con.mark]
            con.expect(r"\n=> ", 30)
            cpu = tftp_bench.cpu_seconds(s.proc.pid) - before
            if m.group(1) is None or int(m.group(1)) != size:
                print("    %s: %s" % (s.name, m.group(0)), flush=True)
                return None
            rate = re.findall(r"([\d.]+ [KMG]iB/s)", out)
            check = con.command("crc32 ${loadaddr} ${filesize}")
            if "==> " + crc not in check:
                print("    %s: crc32 differs: %r" % (s.name, check), flush=True)
                return None
            return (t1 - t0, rate[-1] if rate else "?", cpu, -(-size // blksize))

        # Transfers per server and variant first, not counted: page cache, JIT, ARP. At least one, and for a
        # server that does windows enough to make WARMUP_SENDS sends: sparetire serves lockstep from threads of
        # its own and windows from its event loops, and one windowed transfer leaves that path in the JIT's
        # profiling tier (a 16 MiB file at windowsize 16 is only 714 sends).
        for v in variants:
            for s in servers:
                for _ in range(warmup_transfers(size, v, s.windows)):
                    transfer(s, v)
        for v in variants:
            for r in range(args.runs):
                # Every other round in reverse order, so no server always goes first after the previous variant's
                # last transfer or always follows the same peer.
                for s in (servers if r % 2 == 0 else servers[::-1]):
                    res = transfer(s, v)
                    results.setdefault((v[0], s.name), []).append(res)
                    print("  %s run %d %s: %s" % (v[0], r + 1, s.name,
                          "fail" if res is None else "%.2f s (U-Boot: %s), server CPU %.2f s = %.1f us/block"
                          % (res[0], res[1], res[2], res[2] * 1e6 / res[3])), flush=True)
        con.type("poweroff\n")
    finally:
        if vm is not None and vm.poll() is None:
            vm.kill()
            vm.wait(10)
        for s in servers:
            s.stop()
        for log in logs:
            log.close()
    write_table(args, servers, variants, results)
    if os.environ.get("KEEP_WORK") == "1":
        print("logs kept in", work)
    else:
        subprocess.run(["rm", "-rf", work])


def cell(runs, pick, fmt):
    if not runs or any(r is None for r in runs):
        return "fail (%d of %d)" % (sum(r is None for r in runs), len(runs)) if runs else ""
    return fmt % statistics.median(pick(r) for r in runs)


def paired(ours, theirs):
    """Rounds in which sparetire took less time than the peer, and the median of sparetire's time over the peer's
    within a round: the two served the same round a turn apart, so drift in the machine's load cancels out."""
    pairs = [(a[0], b[0]) for a, b in zip(ours, theirs) if a is not None and b is not None]
    if not pairs:
        return ""
    return "%d of %d, %.2f" % (sum(a < b for a, b in pairs), len(pairs), statistics.median(a / b for a, b in pairs))


def write_table(args, servers, variants, results):
    names = [s.name for s in servers]
    peers = [n for n in names if n != "sparetire"]
    pairs = ["| U-Boot variant | " + " | ".join("against " + n for n in peers) + " |", "|---|" + "---:|" * len(peers)]
    for v in variants:
        ours = results.get((v[0], "sparetire"), [])
        pairs.append("| %s | %s |" % (VARIANT_TITLES[v[0]], " | ".join(paired(ours, results.get((v[0], n), []))
                                                                       for n in peers)))
    head = ["| U-Boot variant | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    times, cpus = list(head), list(head)
    for v in variants:
        t, c = [], []
        for s in servers:
            runs = results.get((v[0], s.name), [])
            lock = " (lockstep)" if v[2] > 1 and not s.windows else ""
            t.append(cell(runs, lambda r: r[0], "%.2f s") + lock)
            c.append("n/a" if s.name == "tftpd-hpa" else cell(runs, lambda r: r[2] * 1e6 / r[3], "%.1f") + lock)
        times.append("| %s | %s |" % (VARIANT_TITLES[v[0]], " | ".join(t)))
        cpus.append("| %s | %s |" % (VARIANT_TITLES[v[0]], " | ".join(c)))
    cpu = open("/proc/cpuinfo").read()
    model = re.search(r"model name\s*:\s*(.*)", cpu)
    load = open("/proc/loadavg").read().split()[:3]
    text = "\n".join([
        "Measured by `sudo scripts/bench/uboot/bench.py --runs %d --size %d` on %s, %d cores, %s; load average "
        "at the end %s. U-Boot %s (Debian u-boot-qemu, qemu_arm64) in `qemu-system-aarch64 -machine virt -cpu "
        "cortex-a57` (TCG), virtio-net on a tap in a bridge inside a network namespace; the VM and the servers "
        "share the machine's cores." % (args.runs, args.size, model.group(1) if model else "unknown CPU",
                                        os.cpu_count(), time.strftime("%Y-%m-%d"), " ".join(load), uboot_version()),
        "",
        "A %d MiB random file; uncounted transfers per server and variant first (at least one, and at least %d "
        "sends for a server that does windows), then %d rounds in which the servers take turns (every other round in reverse order); medians. Every transfer's `crc32` in U-Boot equals the file's. sparetire is the "
        "TFTP service alone (scripts/bench/tftp/BenchServer.java, `%s`); `sparetire-poll` the same with "
        "`reply-poll: 100us` (polling for the ACK; off by default). `(lockstep)`: the server ignores windowsize." % (
            args.size, WARMUP_SENDS, args.runs, " ".join(tftp_bench.JVM_FLAGS)),
        "",
        "Seconds from the Enter that starts `tftpboot` to U-Boot's `Bytes transferred` line (wall time: noisy "
        "when the machine is busy with other work; compare servers within a row, they ran interleaved):",
        "",
    ] + times + [
        "",
        "Server CPU per block, µs, over the transfer (utime+stime from /proc/PID/stat: the whole process, the "
        "JVM's compiler and GC threads included; less sensitive to load than wall time; tftpd-hpa n/a: it serves "
        "from a child it forks per transfer and reaps late):",
        "",
    ] + cpus + ([
        "",
        "Round by round: in how many rounds sparetire took less time than the peer, and the median over the rounds "
        "of sparetire's time divided by the peer's (below 1: faster):",
        "",
    ] + pairs if "sparetire" in names and peers else []))
    print(text)
    if args.write:
        path = os.path.join(REPO, "docs/benchmarks.md")
        doc = open(path).read()
        start_tag, end_tag = "<!-- >>> uboot -->", "<!-- <<< uboot -->"
        if start_tag in doc:
            start, end = doc.index(start_tag), doc.index(end_tag)
            doc = doc[:start] + start_tag + "\n" + text + "\n" + doc[end:]
        else:
            anchor = doc.index("## Syslog")
            doc = doc[:anchor] + "## TFTP to U-Boot in QEMU\n" + start_tag + "\n" + text + "\n" + end_tag + "\n\n" \
                + doc[anchor:]
        open(path, "w").write(doc)


def uboot_version():
    try:
        blob = open(UBOOT, "rb").read()
        m = re.search(rb"U-Boot (\d{4}\.\d{2}[^ \x00]*)", blob)
        return m.group(1).decode() if m else "?"
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--size", type=int, default=32, help="file size in MiB")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--servers", help="comma-separated subset of sparetire,sparetire-poll,atftpd,dnsmasq,tftpd-hpa")
    ap.add_argument("--variants", help="comma-separated subset of 512,1468,w8,w16,defaults")
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inside:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        run_inside(args)
        return
    if os.geteuid() != 0:
        sys.exit("bench.py needs root (it creates a network namespace)")
    if not os.path.exists(UBOOT):
        sys.exit("no %s: apt-get install u-boot-qemu qemu-system-arm" % UBOOT)
    if args.write and (args.servers or args.variants):
        sys.exit("--write records the whole table: not with --servers or --variants")
    tftp_bench.prepare_peers()
    ns = "sptbench-uboot-%d" % os.getpid()
    tftp_bench.sh(["ip", "netns", "add", ns])
    try:
        cmd = ["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), "--inside",
               "--runs", str(args.runs), "--size", str(args.size)]
        for flag in ("servers", "variants"):
            if getattr(args, flag):
                cmd += ["--" + flag, getattr(args, flag)]
        if args.write:
            cmd.append("--write")
        tftp_bench.run_inner(cmd)
    finally:
        subprocess.run(["ip", "netns", "delete", ns])


if __name__ == "__main__":
    main()
