"""Dealer portal on one Odoo server against two Odoo servers on the same database.

    /opt/aftersales-venv/bin/python benchmarks/bench_servers.py [--claims 2000 --parts 5000
        --clients 20 --requests 100 --warmup 10 --workers 5 --rounds 2 --port 8469]

Builds the data of bench_portal.py (one dealer, 400 machines, 2,000 claims, 5,000 parts, 30 sales
orders) on a throw-away database, then serves it twice: first by one Odoo server (``--workers``
processes), then by two Odoo servers started alike on two ports, on the same database and the same
data folder (filestore and sessions), as two machines behind a proxy would be. The same portal
load is sent to each setup: 20 clients logged in once (on the first server), ``--warmup``
requests per page not counted, then ``--requests`` per page (the pages of bench_portal.py,
shuffled). With two servers each client sends its requests to the servers in turn (round robin
per client, no sticky session: a session opened on one server is used on the other). It prints,
per setup, the requests per second, the median and 95th-percentile latency, the requests each
server answered and the errors (anything but a 200), then the ratio of two servers to one.
``--rounds 2`` (the default) measures one, two, then two, one server(s): a load on the machine
that rises or falls during the run weighs on both setups alike; the ratio is that of the
requests per second summed over the rounds.

On one machine the two servers share its cores with each other, with PostgreSQL and with the
clients: the ratio says what a second server costs or gains there, not what a second machine
would give.
"""
import argparse
import http.client
import os
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from bench_portal import build_data, login, percentile, portal_pages, settle, start_server, stop_server
from harness import Measure, bench_environment, load_average


def drive(bases, pages, clients, per_page, warmup):
    """``per_page`` requests to each page from ``clients`` threads, each thread sending its
    requests to the servers of ``bases`` in turn. Returns (latencies, errors, requests per server,
    wall seconds)."""
    sessions = [login(bases[0]) for _ in range(clients)]
    for base in bases:  # the first render of a page compiles its templates
        for _label, url in pages:
            sessions[0].get(base + url, timeout=120)
    cookies = ["; ".join(f"{name}={value}" for name, value in session.cookies.items()) for session in sessions]
    servers = [(urlsplit(base).hostname, urlsplit(base).port) for base in bases]

    def send(tasks):
        local = threading.local()
        counter = iter(range(clients))
        lock = threading.Lock()
        latencies, errors, served = [], [], [0] * len(servers)

        def run(task):
            _label, url = task
            if not hasattr(local, "cookie"):
                with lock:
                    local.client = next(counter)
                local.cookie = cookies[local.client]
                local.turn = local.client  # clients start on different servers
            index = local.turn % len(servers)
            local.turn += 1
            host, port = servers[index]
            start = time.perf_counter()
            connection = http.client.HTTPConnection(host, port, timeout=60)
            try:
                connection.request("GET", url, headers={"Cookie": local.cookie})
                response = connection.getresponse()
                response.read()
                error = None if response.status == 200 else f"HTTP {response.status} {url}"
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__} {url}"
            finally:
                connection.close()
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                served[index] += 1
                if error:
                    errors.append(error)

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(run, tasks))
        return latencies, errors, served, time.perf_counter() - start

    def shuffled(count):
        tasks = [(label, url) for label, url in pages for _ in range(count)]
        random.Random(count).shuffle(tasks)
        return tasks

    if warmup:
        _latencies, warm_errors, _served, _wall = send(shuffled(warmup))
        if warm_errors:
            print(f"warm-up: {len(warm_errors)} errors: {sorted(set(warm_errors))[:5]}", flush=True)
    return send(shuffled(per_page))


def run_setup(label, db, ports, workers, pages, args):
    servers = []
    try:
        for port in ports:
            # each server its own gevent (websocket) port, as each machine would have its own
            server, base = start_server(db, port, workers, [f"--gevent-port={port + 1000}"])
            servers.append((server, base))
        print(f"\n{label}: {len(servers)} server(s) x {workers} workers; {load_average()}", flush=True)
        latencies, errors, served, wall = drive(
            [base for _server, base in servers], pages, args.clients, args.requests, args.warmup
        )
    finally:
        for server, _base in servers:
            stop_server(server)
    total = len(latencies)
    rate = total / wall
    print(f"{label}: {total} requests in {wall:.1f} s = {rate:.1f} requests/s, median "
          f"{statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 95):.0f} ms, "
          f"per server {served}, errors {len(errors)}", flush=True)
    if errors:
        print(f"    errors: {sorted(set(errors))[:10]}", flush=True)
    return rate, len(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--parts", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100, help="requests per page and setup")
    parser.add_argument("--warmup", type=int, default=10,
                        help="requests per page sent first by the clients, not counted")
    parser.add_argument("--port", type=int, default=int(os.environ.get("HTTP_PORT", 8469)),
                        help="the first server's port; the second's is the next one")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="worker processes of each server; default: Odoo's rule, 2 x cores + 1")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of both setups, in turn one-two and two-one")
    args = parser.parse_args()

    with bench_environment("servers") as env:
        with Measure(env, f"build data ({args.claims} claims, {args.parts} parts)"):
            ids = build_data(env, args.claims, args.parts)
        env.cr.commit()
        db = env.cr.dbname
        settle(db)
        pages = portal_pages(ids)
        setups = {"one server": [args.port], "two servers": [args.port, args.port + 1]}
        rates = {label: [] for label in setups}
        errors = 0
        for round_ in range(args.rounds):
            for label in (list(setups) if round_ % 2 == 0 else list(reversed(setups))):
                rate, failed = run_setup(label, db, setups[label], args.workers, pages, args)
                rates[label].append(rate)
                errors += failed

    one, two = sum(rates["one server"]), sum(rates["two servers"])
    print(f"\nRATIO two servers / one server: {two / one:.2f} x (requests/s: one server "
          f"{', '.join(f'{r:.1f}' for r in rates['one server'])}; two servers "
          f"{', '.join(f'{r:.1f}' for r in rates['two servers'])}), {args.clients} clients, "
          f"errors {errors}; {load_average()}")


if __name__ == "__main__":
    main()
