#!/usr/bin/env python3
"""Helpers for bench/proxy/run.sh (stdlib only).

  probe.py ready PORT CMD...   start CMD, print ms until a TLS handshake on PORT succeeds, then stop it (SIGTERM)
  probe.py hold PORT N PIDFILE open N TLS keep-alive connections, GET /small on each, print the RSS (KiB) of the
                               processes in PIDFILE (and their children) while all N are open, then close them
  probe.py rss PIDFILE         print the summed VmRSS (KiB) of the processes in PIDFILE and their children
"""
import os, signal, socket, ssl, subprocess, sys, time

def client_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx

def pids_of(pidfile):
    roots = [int(p) for p in open(pidfile).read().split()]
    pids = set(roots)
    for root in roots:
        try:
            out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(root)], capture_output=True, text=True).stdout
            pids.update(int(p) for p in out.split())
        except OSError:
            pass
    return pids

def rss(pidfile):
    total = 0
    for pid in pids_of(pidfile):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total

def ready(port, cmd):
    ctx = client_context()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = start + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as raw:
                    with ctx.wrap_socket(raw, server_hostname="localhost"):
                        return (time.monotonic() - start) * 1000
            except OSError:
                time.sleep(0.0005)
        return float("nan")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

def hold(port, n, pidfile):
    ctx = client_context()
    conns = []
    request = b"GET /small HTTP/1.1\r\nHost: bench\r\n\r\n"
    try:
        for _ in range(n):
            raw = socket.create_connection(("127.0.0.1", port), timeout=10)
            tls = ctx.wrap_socket(raw, server_hostname="localhost")
            tls.sendall(request)
            got = b""
            while b"\r\n\r\n" not in got:
                chunk = tls.recv(65536)
                if not chunk:
                    raise OSError("connection closed before the response")
                got += chunk
            head, _, body = got.partition(b"\r\n\r\n")
            length = next(int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:"))
            while len(body) < length:
                body += tls.recv(65536)
            conns.append(tls)
        time.sleep(1)
        return rss(pidfile)
    finally:
        for c in conns:
            try:
                c.close()
            except OSError:
                pass

if __name__ == "__main__":
    verb = sys.argv[1]
    if verb == "ready":
        print(f"{ready(int(sys.argv[2]), sys.argv[3:]):.1f}")
    elif verb == "hold":
        print(hold(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
    elif verb == "rss":
        print(rss(sys.argv[2]))
