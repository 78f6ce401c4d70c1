#!/usr/bin/env python3
"""TFTP under packet loss: sparetire against atftpd, the same clients over the same lossy link, in turns.

Two network namespaces this script creates, joined by a veth pair (server 10.163.0.1, client 10.163.0.2).
The kernel here has no netem, so the loss is made by nftables: a `numgen random` rule on each namespace's
input drops the given share of the UDP packets from the other side (DATA at the client, ACKs and requests
at the server), independently per packet. Both servers run at once in the server's namespace on their own ports and take
turns: for each run, each client and each loss rate, one download from each (the order swapped every run).
Each download has a time limit; one that hits it is stopped and counted with the bytes it had. Peer
servers come from `apt-get download` + `dpkg -x` (see bench.py); nftables is installed if missing.

  sudo scripts/bench/tftp/loss.py [--runs 3] [--size 1MiB] [--limit 30] [--losses 5,20] [--write]
"""
import argparse, hashlib, os, shutil, signal, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (build_ours, prepare_peers, JVM_FLAGS, PEERS, REPO)

SERVER_IP, CLIENT_IP = "10.163.0.1", "10.163.0.2"
PORTS = {"sparetire": 6969, "atftpd": 6971}
CLIENTS = ("busybox", "tftp-hpa", "curl", "atftp windowsize 8")


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def parse_size(text):
    units = {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
    for u, m in units.items():
        if text.endswith(u):
            return int(float(text[:-len(u)]) * m)
    return int(text)


def client_cmd(client, port, name, out):
    if client == "busybox":
        return ["busybox", "tftp", "-g", "-r", name, "-l", out, SERVER_IP, str(port)]
    if client == "tftp-hpa":
        return ["tftp", "-m", "octet", SERVER_IP, str(port), "-c", "get", name, out]
    if client == "curl":
        return ["curl", "-sS", "-o", out, "tftp://%s:%d/%s" % (SERVER_IP, port, name)]
    if client.startswith("atftp"):
        return ["atftp", "--option", "blksize 1468", "--option", "windowsize 8", "-g", "-r", name, "-l", out,
                SERVER_IP, str(port)]
    raise ValueError(client)


class Net:
    def __init__(self):
        tag = os.getpid()
        self.srv, self.cli = "sptloss-s-%d" % tag, "sptloss-c-%d" % tag
        sh("ip", "netns", "add", self.srv)
        sh("ip", "netns", "add", self.cli)
        sh("ip", "link", "add", "sptl%d" % tag, "netns", self.srv, "type", "veth", "peer", "name", "sptl%dc" % tag,
           "netns", self.cli)
        for ns, dev, ip in ((self.srv, "sptl%d" % tag, SERVER_IP), (self.cli, "sptl%dc" % tag, CLIENT_IP)):
            self.ns(ns, "ip", "addr", "add", ip + "/30", "dev", dev)
            self.ns(ns, "ip", "link", "set", dev, "up")
            self.ns(ns, "ip", "link", "set", "lo", "up")
        # Dropped on the way in on both sides: a packet dropped on its way out would fail the sender's
        # sendto() with EPERM instead of vanishing on the wire.
        for ns in (self.srv, self.cli):
            self.ns(ns, "nft", "add", "table", "inet", "loss")
            self.ns(ns, "nft", "add", "chain", "inet", "loss", "in", "{ type filter hook input priority 0; }")

    @staticmethod
    def ns(name, *cmd):
        return sh("ip", "netns", "exec", name, *cmd)

    def loss(self, permille):
        for ns in (self.srv, self.cli):
            self.ns(ns, "nft", "flush", "chain", "inet", "loss", "in")
            if permille:
                self.ns(ns, "nft", "add", "rule", "inet", "loss", "in", "ip", "saddr",
                        CLIENT_IP if ns == self.srv else SERVER_IP, "meta", "l4proto", "udp",
                        "numgen", "random", "mod", "1000", "<", str(permille), "drop")

    def close(self):
        subprocess.run(["ip", "netns", "delete", self.cli])
        subprocess.run(["ip", "netns", "delete", self.srv])


def download(net, client, port, name, out, expect, limit):
    """(seconds, bytes, complete) for one download, stopped at the time limit."""
    if os.path.exists(out):
        os.remove(out)
    cmd = ["ip", "netns", "exec", net.cli] + client_cmd(client, port, name, out)
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.path.dirname(out),
                         start_new_session=True)
    try:
        rc = p.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(10)
        rc = None
    secs = time.monotonic() - start
    size = os.path.getsize(out) if os.path.exists(out) else 0
    return secs, size, rc == 0 and os.path.exists(out) and sha(out) == expect


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--size", default="1MiB")
    ap.add_argument("--limit", type=float, default=30.0, help="seconds one download may take")
    ap.add_argument("--losses", default="5,20", help="loss in percent per packet and direction")
    ap.add_argument("--clients", default=",".join(CLIENTS))
    ap.add_argument("--write", action="store_true", help="put the table into docs/benchmarks.md")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("loss.py needs root (it creates network namespaces)")
    if not shutil.which("nft"):
        subprocess.run(["apt-get", "install", "-y", "-q", "nftables"], check=True, stdout=subprocess.DEVNULL)
    bench.prepare_peers()
    size = parse_size(args.size)
    losses = [float(x) for x in args.losses.split(",")]
    clients = args.clients.split(",")
    work = tempfile.mkdtemp(prefix="sparetire-tftp-loss-")
    root, inbox = os.path.join(work, "root"), os.path.join(work, "inbox")
    out_dir = tempfile.mkdtemp(prefix="sparetire-tftp-loss-out-", dir="/dev/shm")
    for d in (root, inbox):
        os.makedirs(d)
    os.chmod(work, 0o755)
    os.chmod(root, 0o777)
    os.chmod(out_dir, 0o777)
    name = "image.bin"
    with open(os.path.join(root, name), "wb") as f:
        f.write(os.urandom(size))
    open(os.path.join(root, "ready.txt"), "w").write("ready\n")
    for n in os.listdir(root):
        os.chmod(os.path.join(root, n), 0o666)
    expect = sha(os.path.join(root, name))
    cp = bench.build_ours(work)
    net = Net()
    procs = {}
    log = open(os.path.join(work, "servers.log"), "w")
    results = {}
    try:
        java = shutil.which("java")
        procs["sparetire"] = subprocess.Popen(
            ["ip", "netns", "exec", net.srv, java] + bench.JVM_FLAGS
            + ["-cp", cp, "BenchServer", root, SERVER_IP, str(PORTS["sparetire"]), inbox], stdout=log, stderr=log)
        procs["atftpd"] = subprocess.Popen(
            ["ip", "netns", "exec", net.srv, os.path.join(bench.PEERS, "atftpd/usr/sbin/atftpd"), "--daemon",
             "--no-fork", "--port", str(PORTS["atftpd"]), "--bind-address", SERVER_IP, "--user", "root", "--group",
             "root", "--logfile", "/dev/null", root], stdout=log, stderr=log)
        ready = os.path.join(out_dir, "ready.txt")
        for server, port in PORTS.items():
            deadline = time.monotonic() + 60
            while not download(net, "busybox", port, "ready.txt", ready, sha(os.path.join(root, "ready.txt")), 2)[2]:
                if time.monotonic() > deadline or procs[server].poll() is not None:
                    sys.exit("%s did not start (see %s)" % (server, log.name))
        # Warm-up without loss, so the JIT has compiled the transfer path before anything is timed.
        for client in clients:
            for _ in range(3):
                download(net, client, PORTS["sparetire"], name, os.path.join(out_dir, "dl.bin"), expect, 60)
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        t0 = time.monotonic()
        for run in range(args.runs):
            for loss in losses:
                net.loss(int(round(loss * 10)))
                for client in clients:
                    order = list(PORTS) if run % 2 == 0 else list(reversed(list(PORTS)))
                    for server in order:
                        r = download(net, client, PORTS[server], name, os.path.join(out_dir, "dl.bin"), expect,
                                     args.limit)
                        results.setdefault((client, loss, server), []).append(r)
                        print("run %d loss %g%% %-20s %-9s %6.1f s %8d bytes %s" % (
                            run + 1, loss, client, server, r[0], r[1], "ok" if r[2] else "INCOMPLETE"), flush=True)
        net.loss(0)
        elapsed = time.monotonic() - t0
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)
        net.close()
        log.close()
        shutil.rmtree(out_dir, ignore_errors=True)
        if os.environ.get("KEEP_WORK") == "1":  # the servers' log stays for a look (one line per transfer)
            print("server log kept in", log.name)
        else:
            shutil.rmtree(work, ignore_errors=True)

    def cell(runs):
        done = [r for r in runs if r[2]]
        secs = statistics.median(r[0] for r in runs)
        kbs = statistics.median(r[1] / r[0] / 1000 for r in runs)
        text = "%.1f s, %.0f kB/s" % (secs, kbs)
        if len(done) < len(runs):
            text += " (%d of %d complete in %.0f s)" % (len(done), len(runs), args.limit)
        return text

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    lines = [
        "`sudo scripts/bench/tftp/loss.py --runs %d --size %s --limit %g --losses %s` — %s, %s, %d cores, "
        "load average before the run %s; took %.0f min." % (args.runs, args.size, args.limit, args.losses, started,
                                                            cpu, os.cpu_count(), open("/proc/loadavg").read().split()[0],
                                                            elapsed / 60),
        "",
        "| client | loss per packet and direction | sparetire | atftpd |",
        "|---|---|---|---|",
    ]
    for client in clients:
        for loss in losses:
            lines.append("| %s | %g %% | %s | %s |" % (client, loss, cell(results[(client, loss, "sparetire")]),
                                                      cell(results[(client, loss, "atftpd")])))
    table = "\n".join(lines)
    print(table)
    if args.write:
        path = os.path.join(bench.REPO, "docs", "benchmarks.md")
        doc = open(path).read()
        begin, end = "<!-- >>> tftp-loss -->", "<!-- <<< tftp-loss -->"
        if begin in doc:
            head, rest = doc.split(begin, 1)
            doc = head + begin + "\n" + table + "\n" + end + rest.split(end, 1)[1]
            open(path, "w").write(doc)
        else:
            print("docs/benchmarks.md has no %s section; table not written" % begin)


if __name__ == "__main__":
    main()
