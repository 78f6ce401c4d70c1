#!/usr/bin/env python3
"""TFTP benchmark: sparetire against tftpd-hpa, atftpd and dnsmasq, side by side, same files, same clients.

Runs entirely inside a network namespace this script creates (loopback only; dnsmasq can only serve
TFTP on port 69, which the namespace gives it without touching the host). Peer servers come from
`apt-get download` + `dpkg -x` into a private folder (their packages conflict), are started one at a
time and stopped by PID. Every client run has a time limit; every loop is bounded.

  sudo scripts/bench/tftp/bench.py [--runs N] [--write]     (--write updates docs/benchmarks.md)
  sudo scripts/bench/tftp/bench.py --servers sparetire,tftpd-hpa --rows '65464|concurrent'   (a quick subset)
  EXTRA_JVM_OPTIONS=-DreplyPollNanos=0 sudo scripts/bench/tftp/bench.py ...   (sparetire without reply polling)
"""
import argparse, hashlib, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PEERS = "/tmp/sparetire-bench-peers"
MB = 1_000_000
BIG = 64 * 1024 * 1024
SMALL = 4 * 1024 * 1024
LIMIT = 120
# The block sizes of the curl lockstep rows; the warm-up downloads at each of them too.
LOCKSTEP_BLKSIZES = (512, 1468, 8192, 65464)
# Blocks of each size the warm-up sends at least (see warmup_downloads: 20 files at 65464, 3 at 8192, 1 below).
WARMUP_BLOCKS = 20_000
# The JVM options the launcher runs the appliance with (scripts/jvm-options), plus any for an experiment.
JVM_FLAGS = open(os.path.join(REPO, "scripts", "jvm-options")).read().split() + os.environ.get("EXTRA_JVM_OPTIONS", "").split()


# Windowed downloads (atftp, windowsize 16 at 1468) in the warm-up of each server that does windows.
WINDOW_WARMUPS = 3


def warmup_downloads(blksize):
    """Downloads of the big file that send at least WARMUP_BLOCKS blocks of this size."""
    return max(1, -(-WARMUP_BLOCKS * blksize // BIG))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def prepare_peers():
    os.makedirs(PEERS, exist_ok=True)
    for pkg, probe in (("tftpd-hpa", "usr/sbin/in.tftpd"), ("atftpd", "usr/sbin/atftpd"), ("dnsmasq-base", "usr/sbin/dnsmasq")):
        root = os.path.join(PEERS, pkg)
        if os.path.exists(os.path.join(root, probe)):
            continue
        sh(["apt-get", "download", "-q", pkg], cwd=PEERS, stdout=subprocess.DEVNULL)
        deb = [f for f in os.listdir(PEERS) if f.startswith(pkg.replace("-base", "-base") + "_") and f.endswith(".deb")][0]
        sh(["dpkg", "-x", os.path.join(PEERS, deb), root])


def build_ours(work):
    cp_file = os.path.join(work, "cp.txt")
    # -am and a compile phase: a fresh clone has no sparetire module in ~/.m2 to resolve against.
    sh(["mvn", "-B", "-q", "-pl", "modules/tftp", "-am", "compile", "dependency:build-classpath",
        "-Dmdep.includeScope=compile", "-Dmdep.outputFile=" + cp_file], cwd=REPO, stdout=subprocess.DEVNULL)
    cp = os.path.join(REPO, "modules/tftp/target/classes") + ":" + open(cp_file).read().strip()
    classes = os.path.join(work, "bench-classes")
    os.makedirs(classes, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    sh(["javac", "-d", classes, "-cp", cp, os.path.join(here, "BenchServer.java"), os.path.join(here, "BenchClient.java")])
    return cp + ":" + classes


def rrq(sock, port, name):
    sock.sendto(b"\x00\x01" + name.encode() + b"\x00octet\x00", ("127.0.0.1", port))


def wait_ready(port, proc, limit=30.0):
    """Time until the server answers an RRQ (any answer), polling every 5 ms."""
    start = time.monotonic()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.005)
    try:
        while time.monotonic() - start < limit:
            if proc.poll() is not None:
                raise RuntimeError("server exited: %s" % proc.returncode)
            rrq(s, port, "ready.txt")
            try:
                s.recvfrom(70000)
                return time.monotonic() - start
            except socket.timeout:
                pass
    finally:
        s.close()
    raise RuntimeError("server not ready within %ss" % limit)


def vm_hwm(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return -1


def cpu_seconds(pid):
    """utime+stime of a process (all its threads) plus its reaped children's, from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # stat(5) fields 14-17


# Rows whose server CPU per block is reported too (a row of its own, median over the runs): lockstep at
# U-Boot's default block size, and a window of 16 of them.
CPU_ROWS = {"curl lockstep blksize 1468 (MB/s)": 1468, "atftp windowsize 16, blksize 1468 (MB/s)": 1468}


def timed(cmd, limit=LIMIT):
    start = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=limit)
    return time.monotonic() - start, r


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


class Server:
    def __init__(self, name, port, cmd, windows, uploads):
        self.name, self.port, self.cmd, self.windows, self.uploads = name, port, cmd, windows, uploads
        self.proc = None

    def start(self, log):
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=subprocess.STDOUT)
        self.ready = wait_ready(self.port, self.proc)
        return self.ready

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def run_inside(args):
    work = tempfile.mkdtemp(prefix="sparetire-tftp-bench-")
    root = os.path.join(work, "root")
    inbox = os.path.join(work, "inbox")
    # The clients' downloads go to tmpfs when there is one: writing 64 MiB per run to the disk leaves dirty
    # pages whose writeback competes with the next runs, and that noise is no server's doing.
    out_on_tmpfs = os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK)
    out = tempfile.mkdtemp(prefix="sparetire-tftp-bench-out-", dir="/dev/shm") if out_on_tmpfs else os.path.join(work, "out")
    for d in (root, inbox, out):
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o777)
    os.chmod(work, 0o755)
    with open(os.path.join(root, "big.bin"), "wb") as f:
        f.write(os.urandom(BIG))
    with open(os.path.join(root, "small.bin"), "wb") as f:
        f.write(os.urandom(SMALL))
    open(os.path.join(root, "ready.txt"), "w").write("ready\n")
    for n in os.listdir(root):
        os.chmod(os.path.join(root, n), 0o666)
    big_sha, small_sha = sha(os.path.join(root, "big.bin")), sha(os.path.join(root, "small.bin"))
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # tftpd-hpa resolves its bind address with AI_ADDRCONFIG, which ignores loopback: give the namespace
    # one non-loopback address on a veth pair that stays inside it (no traffic is sent there).
    subprocess.run(["ip", "link", "add", "bench0", "type", "veth", "peer", "name", "bench1"], check=True)
    subprocess.run(["ip", "addr", "add", "10.255.255.1/32", "dev", "bench0"], check=True)
    for dev in ("bench0", "bench1"):
        subprocess.run(["ip", "link", "set", dev, "up"], check=True)
    cp = build_ours(work)
    java = shutil.which("java")
    servers = [
        Server("sparetire", 6969, [java] + JVM_FLAGS + ["-cp", cp, "BenchServer", root, "127.0.0.1", "6969", inbox], True, True),
        Server("tftpd-hpa", 6970, [os.path.join(PEERS, "tftpd-hpa/usr/sbin/in.tftpd"), "-L", "-c", "-p", "-u", "root",
                                   "-B", "65464", "-a", "127.0.0.1:6970", "-s", root], False, True),
        Server("atftpd", 6971, [os.path.join(PEERS, "atftpd/usr/sbin/atftpd"), "--daemon", "--no-fork", "--port", "6971",
                                "--bind-address", "127.0.0.1", "--user", "root", "--group", "root", "--maxthread", "300",
                                "--logfile", "/dev/null", root], True, True),
        Server("dnsmasq", 69, [os.path.join(PEERS, "dnsmasq-base/usr/sbin/dnsmasq"), "--keep-in-foreground",
                               "--conf-file=/dev/null", "--port=0", "--enable-tftp", "--tftp-root=" + root,
                               "--listen-address=127.0.0.1", "--bind-interfaces", "--tftp-max=300", "--user=root",
                               "--pid-file=", "--log-facility=/dev/null"], False, False),
    ]
    if args.servers:
        wanted = args.servers.split(",")
        servers = [s for s in servers if s.name in wanted]
    row_filter = re.compile(args.rows) if args.rows else None

    def want(row):
        return row_filter is None or row_filter.search(row) is not None

    curl, atftp, tftp_hpa, busybox = (shutil.which(p) for p in ("curl", "atftp", "tftp", "busybox"))
    rows = {}
    notes = []

    def record(row, server, value):
        rows.setdefault(row, {})[server] = value

    def one_download(cmd, path, expect):
        """Seconds for one checked download, or None when it failed or the file differs."""
        if os.path.exists(path):
            os.remove(path)
        try:
            secs, r = timed(cmd)
        except subprocess.TimeoutExpired:
            return None
        return secs if r.returncode == 0 and os.path.exists(path) and sha(path) == expect else None

    dst = os.path.join(out, "dl.bin")

    def curl_get(b):
        return lambda s: one_download([curl, "-sS", "--tftp-blksize", str(b), "-o", dst, s.url + "big.bin"], dst, big_sha)

    def hpa_get(s):
        return one_download([tftp_hpa, "-m", "octet", "127.0.0.1", str(s.port), "-c", "get", "big.bin", dst], dst, big_sha)

    def busybox_get(s):
        return one_download([busybox, "tftp", "-g", "-b", "1468", "-r", "big.bin", "-l", dst, "127.0.0.1", str(s.port)],
                            dst, big_sha)

    def atftp_get(w):
        return lambda s: one_download([atftp, "--option", "blksize 1468", "--option", "windowsize %d" % w, "-g", "-r",
                                       "big.bin", "-l", dst, "127.0.0.1", str(s.port)], dst, big_sha)

    def our_client_get(w):
        def run(s):
            # One JVM, a warm-up transfer and a measured one, timed inside the JVM (start-up excluded).
            try:
                _, r = timed([java, "-cp", cp, "BenchClient", "127.0.0.1", str(s.port), "get", "big.bin", dst, "1468",
                              str(w), "2"])
            except subprocess.TimeoutExpired:
                return None
            if r.returncode != 0 or sha(dst) != big_sha:
                return None
            return [float(l.split()[0]) for l in r.stdout.decode().split("\n") if l.strip()][-1] / 1000
        return run

    uploads_done = [0]

    def upload(s):
        if not s.uploads:
            return "n/a"
        uploads_done[0] += 1
        name = "up-%s-%d.bin" % (s.name, uploads_done[0])
        target = os.path.join(root if s.name in ("tftpd-hpa", "atftpd") else inbox, name)
        if s.name == "atftpd":  # atftpd writes only over an existing, writable file
            open(target, "w").close()
            os.chmod(target, 0o666)
        try:
            secs, r = timed([curl, "-sS", "--tftp-blksize", "1468", "-T", os.path.join(root, "big.bin"), s.url + name])
            ok = r.returncode == 0 and os.path.exists(target) and sha(target) == big_sha
        except subprocess.TimeoutExpired:
            ok = False
        if os.path.exists(target):
            os.remove(target)
        return secs if ok else None

    def concurrent(n):
        def run(s):
            start = time.monotonic()
            procs = [subprocess.Popen([curl, "-sS", "--tftp-blksize", "1468", "-o", os.path.join(out, "c%d.bin" % i),
                                       s.url + "small.bin"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for i in range(n)]
            fails = 0
            # One deadline for the whole row: waiting LIMIT for each client in turn let a few hung clients
            # (tftpd-hpa's, at 200) hold the row for LIMIT each, over 20 minutes in one run.
            deadline = start + LIMIT
            for i, p in enumerate(procs):
                try:
                    rc = p.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                    rc = -1
                f = os.path.join(out, "c%d.bin" % i)
                if rc != 0 or not os.path.exists(f) or sha(f) != small_sha:
                    fails += 1
                if os.path.exists(f):
                    os.remove(f)
            secs = time.monotonic() - start
            failures[(n, s.name)] = failures.get((n, s.name), 0) + fails
            return secs
        return run

    failures = {}
    # (row title, measure one run -> seconds | None on failure | "n/a", bytes per run, runs, windowed?)
    plan = [("curl lockstep blksize %d (MB/s)" % b, curl_get(b), BIG, args.runs, False) for b in LOCKSTEP_BLKSIZES]
    plan += [("tftp-hpa lockstep 512 (MB/s)", hpa_get, BIG, args.runs, False),
             ("busybox lockstep 1468 (MB/s)", busybox_get, BIG, args.runs, False)]
    for w in (4, 8, 16, 64):
        plan += [("atftp windowsize %d, blksize 1468 (MB/s)" % w, atftp_get(w), BIG, args.runs, True),
                 ("sparetire client windowsize %d, blksize 1468 (MB/s)" % w, our_client_get(w), BIG, args.runs, True)]
    plan += [("curl upload blksize 1468 (MB/s)", upload, BIG, args.runs, False)]
    plan += [("%d concurrent curl, 4 MiB each: aggregate MB/s" % n, concurrent(n), n * SMALL, min(args.runs, 3), False)
             for n in (50, 200)]

    # Every server is started (and timed to ready) first and then stays up, idle but for its turn: each row
    # then runs its servers in turn, run after run, so a machine whose load drifts treats them all alike.
    running = []
    try:
        for s in servers:
            s.log = open(os.path.join(work, s.name + ".log"), "w")
            s.url = "tftp://127.0.0.1:%d/" % s.port
            readies = []
            for attempt in range(3):
                readies.append(s.start(s.log))
                if attempt < 2:
                    s.stop()
            running.append(s)
            record("time to ready (ms)", s.name, "%.0f" % (min(readies) * 1000))
            # Warm-up (page cache for everyone, JIT for the JVM): not counted. Downloads at every block size the
            # rows use, at least WARMUP_BLOCKS blocks of each, then two at 1468: the JIT then compiles the send
            # path with all of them in its profile. Warmed at 1468 only, the first 64 KiB transfer takes a branch
            # the compiled code never saw and that code is thrown away; and one 64 MiB file at 64 KiB is only
            # 1024 blocks, too few for the JIT to finish compiling it again, so with one warm-up download per
            # block size the 64 KiB row still measured the JVM's profiling tier rather than the server.
            warmups = [(b, warmup_downloads(b)) for b in sorted((b for b in LOCKSTEP_BLKSIZES if b != 1468),
                                                                 reverse=True)] + [(1468, 2)]
            if args.warmup_1468 is not None:  # rows at 1468 only: that many downloads at 1468
                warmups = [(1468, args.warmup_1468)]
            for b, n in warmups:
                for _ in range(n):
                    timed([curl, "-sS", "--tftp-blksize", str(b), "-o", dst, s.url + "big.bin"])
            # sparetire serves lockstep reads from threads of their own and windows from its event loops, so the
            # lockstep downloads above leave the window path cold: a few windowed downloads compile it too.
            if s.windows:
                for _ in range(WINDOW_WARMUPS):
                    timed([atftp, "--option", "blksize 1468", "--option", "windowsize 16", "-g", "-r", "big.bin",
                           "-l", dst, "127.0.0.1", str(s.port)])
        for title, measure, size, runs, windowed in plan:
            if not want(title):
                continue
            times = {s.name: [] for s in servers}
            cpus = {s.name: [] for s in servers}
            for _ in range(runs):
                for s in servers:
                    before = cpu_seconds(s.proc.pid)
                    times[s.name].append(measure(s))
                    cpus[s.name].append(cpu_seconds(s.proc.pid) - before)
            if title in CPU_ROWS:
                blocks = -(-size // CPU_ROWS[title])
                cpu_title = title.replace("(MB/s)", "server CPU per block (µs)")
                for s in servers:
                    # tftpd-hpa serves from a child it forks per transfer and reaps only when woken again.
                    record(cpu_title, s.name, "n/a" if s.name == "tftpd-hpa" or None in times[s.name]
                           else "%.1f" % (statistics.median(cpus[s.name]) * 1e6 / blocks))
            cells = []
            for s in servers:
                t = times[s.name]
                if "n/a" in t:
                    v = "n/a (no uploads)"
                elif None in t:
                    v = "fail"
                else:
                    v = "%.0f" % (size / MB / min(t))
                    n = int(title.split()[0]) if "concurrent" in title else 0
                    if failures.get((n, s.name)):
                        v += " (%d failed)" % failures[(n, s.name)]
                    if windowed and not s.windows:
                        v += " (lockstep)"
                record(title, s.name, v)
                cells.append("%s %s" % (s.name, v))
            print("  %s: %s" % (title, ", ".join(cells)), flush=True)
        for s in servers:
            record("peak RSS (MiB)", s.name, str(vm_hwm(s.proc.pid)))
    finally:
        for s in running:
            s.stop()
            s.log.close()
        if out_on_tmpfs:
            shutil.rmtree(out, ignore_errors=True)
    names = [s.name for s in servers]
    table = ["| test | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for row, vals in rows.items():
        table.append("| %s | %s |" % (row, " | ".join(vals.get(n, "") for n in names)))
    cpu = open("/proc/cpuinfo").read()
    model = re.search(r"model name\s*:\s*(.*)", cpu)
    text = "\n".join([
        "Measured by `scripts/bench/tftp/bench.py --runs %d` on %s, %d cores, %s; %s." % (
            args.runs, model.group(1) if model else "unknown CPU", os.cpu_count(), time.strftime("%Y-%m-%d"),
            subprocess.run([java, "-version"], stderr=subprocess.PIPE).stderr.decode().split("\n")[0]),
        "Everything runs on loopback inside a private network namespace; 64 MiB random file (4 MiB for the",
        "concurrent rows), best of %d runs (3 for the concurrent rows); all four servers stay up and take turns" % args.runs,
        "within each row, run after run, so load that drifts during the run treats them alike. Warm-up: downloads",
        ("of at least %d blocks per server at each lockstep blksize (%d files at 65464), then two at 1468." % (
            WARMUP_BLOCKS, warmup_downloads(65464)) if args.warmup_1468 is None
         else "%d downloads per server at 1468 (`--warmup-1468 %d`)." % (args.warmup_1468, args.warmup_1468)),
        "Then %d downloads with atftp at windowsize 16 for the servers that do windows." % WINDOW_WARMUPS,
        "Time to ready is the best of 3 starts; every download SHA-256 checked.",
        "The clients write their downloads to %s." % ("tmpfs (/dev/shm), so no disk writeback adds noise" if out_on_tmpfs else "the disk"),
        "MB = 10^6 bytes. Client process wall time, except the sparetire-client rows, which time the second",
        "transfer inside one JVM (start-up excluded). `(lockstep)`: the server ignores windowsize.",
        "Server CPU per block: utime+stime of the server process from /proc/PID/stat over each download (the",
        "JVM's compiler and GC threads included), median of the runs, divided by the blocks of the file.",
        "Servers: sparetire with `" + " ".join(JVM_FLAGS) + "`; tftpd-hpa `-B 65464`; atftpd `--maxthread 300`;",
        "dnsmasq `--tftp-max=300` (no upload support). Peer binaries from `apt-get download` (Debian packages).",
        "",
    ] + table)
    print(text)
    if args.write:
        path = os.path.join(REPO, "docs/benchmarks.md")
        doc = open(path).read()
        start, end = doc.index("<!-- >>> tftp -->"), doc.index("<!-- <<< tftp -->")
        doc = doc[:start] + "<!-- >>> tftp -->\n" + text + "\n" + doc[end:]
        open(path, "w").write(doc)
    if os.environ.get("KEEP_WORK") == "1":  # the servers' logs stay for a look (one line per transfer)
        print("server logs kept in", work)
    else:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--servers", help="comma-separated subset of sparetire,tftpd-hpa,atftpd,dnsmasq")
    ap.add_argument("--rows", help="regular expression: only rows whose title matches (time to ready and RSS always)")
    ap.add_argument("--warmup-1468", type=int, help="warm up with this many downloads at blksize 1468 only "
                    "(for a quick look at the 1468 rows; not with --write)")
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inside:
        # SIGTERM unwinds through the finally blocks, which stop every server this run started.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        run_inside(args)
        return
    if os.geteuid() != 0:
        sys.exit("bench.py needs root (it creates a network namespace)")
    prepare_peers()
    ns = "sptbench-tftp-%d" % os.getpid()
    sh(["ip", "netns", "add", ns])
    try:
        cmd = ["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), "--inside", "--runs", str(args.runs)]
        if args.write:
            if args.servers or args.rows:
                sys.exit("--write records the whole table: not with --servers or --rows")
            cmd.append("--write")
        if args.servers:
            cmd += ["--servers", args.servers]
        if args.rows:
            cmd += ["--rows", args.rows]
        if args.warmup_1468 is not None:
            if args.write:
                sys.exit("--write records the whole table: not with --warmup-1468")
            cmd += ["--warmup-1468", str(args.warmup_1468)]
        run_inner(cmd)
    finally:
        subprocess.run(["ip", "netns", "delete", ns])


def run_inner(cmd, limit=3600):
    """Runs the part of a benchmark inside its namespace; exits with its code when it fails."""
    inner = subprocess.Popen(cmd)
    # Stopping this script stops the run inside the namespace the same way, so it can clean up.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: inner.send_signal(signal.SIGTERM))
    try:
        rc = inner.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        inner.send_signal(signal.SIGTERM)
        rc = inner.wait(timeout=60)
    if rc != 0:
        sys.exit(rc)


if __name__ == "__main__":
    main()
