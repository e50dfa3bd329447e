#!/usr/bin/env python3
"""Measurement helpers of bench/stages: find the topology's processes, run one stage's load, write the results.

Subcommands, called by bench/stages (every address is 127.0.0.1):
  endpoints APPHOST_PID             print "api-N URL" for every API replica of that AppHost
  measure ...                       run the wrk mix on one started stage and write the stage's JSON
  report ...                        combine stage JSON files into bench/results/stages-*.json and the docs table
  render RESULT.json ...            rewrite the docs table from an existing result file
"""

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
DATABASE_ROLES = ("postgres", "postgres-replica", "pgbouncer")
# The AppHost and DCP, which start and watch the servers.
ORCHESTRATION_ROLE = "aspire"
# The Aspire dashboard receives every service's traces, metrics and logs over OTLP.
DASHBOARD_ROLE = "dashboard"

# Architecture of each stage, and the limit of the previous stage it is meant to remove.
STAGES = {
    0: ("one API process straight to PostgreSQL (defaults), email in the request, one small machine", "none: the baseline"),
    1: ("stage 0 on a bigger machine (more CPU)", "CPU of the one machine (scale up)"),
    2: ("PostgreSQL on its own CPU set, memory settings tuned", "the API and PostgreSQL competing for one CPU set; untuned PostgreSQL"),
    3: ("YARP gateway, 3 API replicas, PgBouncer", "one API process; one database connection per API connection"),
    4: ("Redis cache-aside", "every read going to PostgreSQL"),
    5: ("edge cache for static files at the gateway", "static files served by the API replicas"),
    6: ("streaming read replica for reads", "reads competing with writes on the primary"),
    7: ("RabbitMQ and an email worker", "SMTP inside the registration request"),
    8: ("autoscaling (not built: the same as stage 7)", "fixed capacity (nothing removed yet)"),
}

# Requests per minute reported for each stage by the scaling story the stages follow. They come from
# production fleets of separate machines, not from this machine.
REFERENCE_RPM = {0: 1_000, 1: 5_000, 2: 15_000, 3: 60_000, 4: 200_000, 5: 400_000, 6: 600_000, 7: 800_000, 8: 1_000_000}

GOAL_RPM = 1_000_000

STATISTICS_SETTLE_SECONDS = 11


def fail(message):
    print(f"bench/stages: {message}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------------------------------------------
# Processes

def read_process_table():
    """Return {pid: {ppid, comm, ticks}} for every process. Ticks are utime+stime+cutime+cstime."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as file:
                text = file.read()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces, so fields are counted after the last ')'.
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        table[int(name)] = {
            "ppid": int(fields[1]),
            "comm": comm,
            "ticks": sum(int(value) for value in fields[11:15]),
        }
    return table


def read_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return file.read().split(b"\0")
    except OSError:
        return []


def read_environment(pid, names):
    try:
        with open(f"/proc/{pid}/environ", "rb") as file:
            entries = file.read().split(b"\0")
    except OSError:
        return {}
    values = {}
    for entry in entries:
        key, _, value = entry.decode(errors="replace").partition("=")
        if key in names:
            values[key] = value
    return values


def descendants(table, root):
    children = {}
    for pid, info in table.items():
        children.setdefault(info["ppid"], []).append(pid)
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found, children


def find_dcp_root(table, apphost_pid):
    """Return the pid of the DCP API server that watches this AppHost. DCP runs detached from the AppHost, not as its child."""
    marker = str(apphost_pid).encode()
    for pid, info in table.items():
        if info["comm"] != "dcp":
            continue
        arguments = read_cmdline(pid)
        if b"start-apiserver" in arguments and b"--monitor" in arguments:
            index = arguments.index(b"--monitor")
            if index + 1 < len(arguments) and arguments[index + 1] == marker:
                return pid
    return None


def classify(table, pid):
    """Name the resource a process started by DCP belongs to (api-0, gateway, postgres, redis, ...)."""
    environment = read_environment(pid, ("OTEL_SERVICE_NAME", "RESOURCE_DIR"))
    if environment.get("OTEL_SERVICE_NAME"):
        return environment["OTEL_SERVICE_NAME"]
    if environment.get("RESOURCE_DIR"):
        return os.path.basename(environment["RESOURCE_DIR"].rstrip("/"))
    comm = table[pid]["comm"]
    arguments = b" ".join(read_cmdline(pid))
    if comm == "redis-server":
        return "redis"
    if comm.startswith("rabbitmq") or b"rabbitmq" in arguments:
        return "rabbitmq"
    if comm == "pgbouncer":
        return "pgbouncer"
    if b"aiosmtpd" in arguments:
        return "mail"
    if comm.startswith("Aspire.Dashboa"):
        return DASHBOARD_ROLE
    if comm == "postgres":
        return "postgres-replica" if b"postgres-replica" in arguments else "postgres"
    return comm


def topology_processes(apphost_pid):
    """Return {pid: role} for the AppHost, DCP, the dashboard and every server process of the topology."""
    table = read_process_table()
    roles = {apphost_pid: ORCHESTRATION_ROLE} if apphost_pid in table else {}
    dcp_root = find_dcp_root(table, apphost_pid)
    if dcp_root is None:
        return roles, table
    members, children = descendants(table, dcp_root)
    for pid in members:
        if table[pid]["comm"] == "dcp":
            roles[pid] = ORCHESTRATION_ROLE
            for child in children.get(pid, []):
                if table[child]["comm"] != "dcp":
                    role = classify(table, child)
                    for member in descendants(table, child)[0]:
                        roles[member] = role
    return roles, table


def cpu_affinity(pid):
    """Return the CPU lists of all threads of a process, for example {"0", "0-1"}.

    Server GC binds its threads to single CPUs, so one .NET process can show several lists; the union is its CPU set.
    """
    lists = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/status") as file:
                for line in file:
                    if line.startswith("Cpus_allowed_list:"):
                        lists.add(line.split(":", 1)[1].strip())
    except OSError:
        pass
    return lists


def expand_cpu_list(text):
    cpus = set()
    for part in text.split(","):
        if "-" in part:
            first, last = part.split("-")
            cpus.update(range(int(first), int(last) + 1))
        elif part:
            cpus.add(int(part))
    return cpus


def machine_cpu_ticks():
    """Return {"cpu": (busy, total), "cpu0": ..., ...} from /proc/stat, where idle and iowait count as not busy."""
    result = {}
    with open("/proc/stat") as file:
        for line in file:
            if not line.startswith("cpu"):
                break
            name, *values = line.split()
            numbers = [int(value) for value in values[:8]]
            idle = numbers[3] + numbers[4]
            result[name] = (sum(numbers) - idle, sum(numbers))
    return result


def cpu_snapshot(apphost_pid):
    roles, table = topology_processes(apphost_pid)
    per_role = {}
    for pid, role in roles.items():
        per_role[role] = per_role.get(role, 0) + table[pid]["ticks"]
    return {"roles": per_role, "machine": machine_cpu_ticks(), "pids": roles}


def describe_placement(roles):
    """Return {role: {"cpus": "0", "dotnet_processor_count": "1"}} as observed on the running processes."""
    placement = {}
    for pid, role in roles.items():
        if role == ORCHESTRATION_ROLE:
            continue
        entry = placement.setdefault(role, {"cpus": set(), "dotnet_processor_count": None})
        entry["cpus"].update(cpu_affinity(pid))
        count = read_environment(pid, ("DOTNET_PROCESSOR_COUNT",)).get("DOTNET_PROCESSOR_COUNT")
        if count:
            entry["dotnet_processor_count"] = count
    return {role: {"cpus": compact_cpu_list(set().union(*(expand_cpu_list(text) for text in entry["cpus"]))),
                   "dotnet_processor_count": entry["dotnet_processor_count"]}
            for role, entry in sorted(placement.items())}


def compact_cpu_list(cpus):
    """Format a set of CPU numbers as a Linux CPU list, for example {0, 1, 2, 5} as "0-2,5"."""
    parts, ordered = [], sorted(cpus)
    index = 0
    while index < len(ordered):
        end = index
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        parts.append(str(ordered[index]) if end == index else f"{ordered[index]}-{ordered[end]}")
        index = end + 1
    return ",".join(parts)


# ---------------------------------------------------------------------------------------------------
# Endpoints

def api_endpoints(apphost_pid):
    """Return {"api-0": "http://127.0.0.1:PORT", ...} from the listening sockets of the API replicas."""
    roles, table = topology_processes(apphost_pid)
    listening = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    endpoints = {}
    for line in listening.splitlines():
        columns = line.split()
        if len(columns) < 6:
            continue
        address = columns[3]
        for pid_text in re.findall(r"pid=(\d+)", line):
            pid = int(pid_text)
            role = roles.get(pid, "")
            if role.startswith("api-") and table[pid]["comm"].startswith("ScaleApp.Api") and address.startswith("127.0.0.1:"):
                endpoints.setdefault(role, f"http://{address}")
    return dict(sorted(endpoints.items(), key=lambda item: int(item[0].split("-")[1])))


def get_json(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------------
# Database statistics

def postgres_port(data_dir, resource):
    """Return the port from the 4th line of the server's postmaster.pid, or None when it is not running."""
    try:
        with open(os.path.join(data_dir, resource, "data", "postmaster.pid")) as file:
            lines = file.read().splitlines()
        return int(lines[3])
    except (OSError, IndexError, ValueError):
        return None


def transactions(port, password):
    """Return xact_commit + xact_rollback of database scaleapp, or None when the server cannot be read."""
    if port is None:
        return None
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "scaleapp", "-Atc",
         "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'scaleapp'"],
        capture_output=True, text=True, timeout=20, env={**os.environ, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "5"})
    if result.returncode != 0:
        print(f"bench/stages: reading pg_stat_database on port {port} failed: {result.stderr.strip()}", file=sys.stderr)
        return None
    return int(result.stdout.strip())


# ---------------------------------------------------------------------------------------------------
# API counters

def read_counters(endpoints):
    return {name: get_json(f"{url}/api/diagnostics/counters") for name, url in endpoints.items()}


def counter_totals(snapshots):
    """Sum cache hits, memory misses and database queries per target over the API replicas."""
    totals = {"hits": 0, "memory_misses": 0, "db_primary": 0, "db_replica": 0, "replicas_read": 0}
    for snapshot in snapshots.values():
        if not snapshot:
            continue
        totals["replicas_read"] += 1
        counters = snapshot["counters"]
        for item in counters["cacheLookups"]:
            if item["result"] == "hit":
                totals["hits"] += item["count"]
            elif item["level"] == "memory":
                totals["memory_misses"] += item["count"]
        for item in counters["databaseQueries"]:
            key = "db_replica" if item["target"] == "replica" else "db_primary"
            totals[key] += item["count"]
    return totals


# ---------------------------------------------------------------------------------------------------
# measure

def run_wrk(arguments, environment, duration_seconds):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    completed = subprocess.run(arguments, capture_output=True, text=True, env=environment, timeout=duration_seconds + 120)
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode != 0:
        fail(f"wrk exited with code {completed.returncode}: {completed.stderr.strip()[:500]}")
    line = next((line for line in completed.stdout.splitlines() if line.startswith("MIX_RESULT ")), None)
    if line is None:
        fail(f"wrk printed no MIX_RESULT line; its output:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(line[len("MIX_RESULT "):]), completed.stdout, wrk_cpu, elapsed


def registration_latencies(public_url, run_id, count):
    """POST /api/users COUNT times in a row with curl and return (latencies in ms, status counts)."""
    latencies, statuses = [], {}
    for index in range(count):
        body = json.dumps({"name": "Lab Registration", "email": f"lab-{run_id}-sequential-{index}@example.com"})
        result = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "--max-time", "30", "-w", "%{http_code} %{time_total}",
             "-H", "content-type: application/json", "-d", body, f"{public_url}/api/users"],
            capture_output=True, text=True, timeout=40)
        status, _, seconds = result.stdout.partition(" ")
        statuses[status] = statuses.get(status, 0) + 1
        if status.startswith("2"):
            latencies.append(float(seconds) * 1000)
    return latencies, statuses


def nearest_rank(values, percent):
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[int(rank) - 1]


def cpu_report(before, after, wrk_cpu, seconds, cpu_count):
    """CPU seconds per resource and per tier during the load, and the busy share of each CPU set."""
    per_role = {}
    for role, ticks in after["roles"].items():
        delta = (ticks - before["roles"].get(role, ticks)) / CLOCK_TICKS
        per_role[role] = round(max(delta, 0.0), 2)
    machine = {}
    for name, (busy, total) in after["machine"].items():
        busy_before, total_before = before["machine"][name]
        machine[name] = round((busy - busy_before) / max(total - total_before, 1), 3)
    machine_busy_seconds = machine["cpu"] * seconds * cpu_count
    tiers = {"database": 0.0, "app": 0.0, "aspire": 0.0}
    for role, value in per_role.items():
        if role in DATABASE_ROLES:
            tiers["database"] += value
        elif role in (ORCHESTRATION_ROLE, DASHBOARD_ROLE):
            tiers["aspire"] += value
        else:
            tiers["app"] += value
    tiers = {name: round(value, 2) for name, value in tiers.items()}
    tiers["load_generator"] = round(wrk_cpu, 2)
    tiers["outside_topology"] = round(max(machine_busy_seconds - sum(tiers.values()), 0.0), 2)
    return {"seconds": round(seconds, 2), "process_cpu_seconds": dict(sorted(per_role.items())), "tier_cpu_seconds": tiers,
            "machine_busy_share": machine}


def cpu_sets(placement, process_cpu, seconds, cpu_count):
    """Group resources by observed CPU set and give each set's busy share from the topology's own CPU time."""
    groups = {}
    for role, entry in placement.items():
        key = entry["cpus"] or "unknown"
        groups.setdefault(key, []).append(role)
    sets = []
    for key, roles in groups.items():
        size = len(expand_cpu_list(key)) if key != "unknown" else cpu_count
        used = sum(process_cpu.get(role, 0.0) for role in roles)
        top = sorted(((process_cpu.get(role, 0.0), role) for role in roles), reverse=True)
        sets.append({
            "cpus": key,
            "size": size,
            "resources": sorted(roles),
            "cpu_seconds": round(used, 2),
            "busy_share": round(used / (seconds * size), 3) if seconds > 0 else None,
            "top": [{"resource": role, "cores": round(value / seconds, 2)} for value, role in top[:3]],
        })
    return sorted(sets, key=lambda item: -(item["busy_share"] or 0))


def command_measure(options):
    password = os.environ.get("SCALEAPP_BENCH_POSTGRES_PASSWORD")
    if not password:
        fail("SCALEAPP_BENCH_POSTGRES_PASSWORD is not set; bench/stages sets it to the password it gives the AppHost.")

    endpoints = api_endpoints(options.apphost_pid)
    if not endpoints:
        fail(f"no API replica of the AppHost (pid {options.apphost_pid}) listens on 127.0.0.1.")

    environment = {**os.environ, "MIX_RUN_ID": options.run_id, "MIX_POSTS": str(options.posts),
                   "MIX_USERS": str(options.users), "MIX_ASSETS": options.assets}
    wrk_arguments = ["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{options.duration}", "--latency",
                     "-s", options.mix, options.public_url]
    duration_seconds = parse_seconds(options.duration)

    primary_port = postgres_port(options.data_dir, "postgres")
    replica_port = postgres_port(options.data_dir, "postgres-replica")

    # PostgreSQL 15 keeps a backend's statistics unpublished for up to 10 s after a busy second
    # (PGSTAT_MIN_INTERVAL and PGSTAT_IDLE_INTERVAL in pgstat.c), so each reading of
    # pg_stat_database waits that long after the previous load.
    time.sleep(STATISTICS_SETTLE_SECONDS)
    counters_before = read_counters(endpoints)
    primary_before = transactions(primary_port, password)
    replica_before = transactions(replica_port, password)
    cpu_before = cpu_snapshot(options.apphost_pid)
    placement = describe_placement(cpu_before["pids"])

    mix, wrk_output, wrk_cpu, elapsed = run_wrk(wrk_arguments, environment, duration_seconds)

    cpu_after = cpu_snapshot(options.apphost_pid)
    counters_after = read_counters(endpoints)
    time.sleep(STATISTICS_SETTLE_SECONDS)
    primary_after = transactions(primary_port, password)
    replica_after = transactions(replica_port, password)

    latencies, registration_statuses = registration_latencies(options.public_url, options.run_id, options.registrations)

    seconds = mix["duration_s"]
    cpu_count = os.cpu_count() or 1
    cpu = cpu_report(cpu_before, cpu_after, wrk_cpu, elapsed, cpu_count)
    cache_before, cache_after = counter_totals(counters_before), counter_totals(counters_after)
    hits = cache_after["hits"] - cache_before["hits"]
    lookups = hits + cache_after["memory_misses"] - cache_before["memory_misses"]
    socket_errors = sum(mix["socket_errors"].values())

    def rate(before, after):
        return round((after - before) / seconds, 1) if before is not None and after is not None else None

    stage = {
        "stage": options.stage,
        "pin_cpus": options.pin_cpus == "true",
        "architecture": STAGES[options.stage][0],
        "api_replicas": sorted(endpoints),
        "startup_seconds": options.startup_seconds,
        "requests": mix["requests"],
        "requests_per_second": round(mix["requests"] / seconds, 1),
        "requests_per_minute": round(mix["requests"] / seconds * 60),
        "latency_ms": {key: round(value, 2) for key, value in mix["latency_ms"].items()},
        "errors": {"non_2xx_3xx": mix["non_2xx_3xx"], "socket": mix["socket_errors"],
                   "total": mix["non_2xx_3xx"] + socket_errors, "first_failure": mix["first_failure"]},
        "statuses": mix["statuses"],
        "requests_sent_by_kind": mix["sent"],
        "database_transactions_per_second": {"primary": rate(primary_before, primary_after),
                                             "replica": rate(replica_before, replica_after)},
        "api_database_queries_per_second": {
            "primary": round((cache_after["db_primary"] - cache_before["db_primary"]) / seconds, 1),
            "replica": round((cache_after["db_replica"] - cache_before["db_replica"]) / seconds, 1),
        },
        "cache": {"lookups": lookups, "hits": hits, "hit_ratio": round(hits / lookups, 4) if lookups else None,
                  "replicas_read": cache_after["replicas_read"]},
        "edge": {"asset_responses": mix["asset_responses"], "hits": mix["edge_hits"], "misses": mix["edge_misses"],
                 "offload": round(mix["edge_hits"] / mix["asset_responses"], 4) if mix["asset_responses"] else None},
        "registration_latency_ms": {
            "count": len(latencies), "statuses": registration_statuses,
            "median": round(statistics.median(latencies), 1) if latencies else None,
            "p95": round(nearest_rank(latencies, 95), 1) if latencies else None,
        },
        "cpu": cpu,
        "placement": placement,
        "cpu_sets": cpu_sets(placement, cpu["process_cpu_seconds"], cpu["seconds"], cpu_count),
        "wrk_output": wrk_output,
    }
    with open(options.out, "w") as file:
        json.dump(stage, file, indent=2)
    print(f"   stage {options.stage}: {stage['requests_per_second']:.0f} requests/s ({stage['requests_per_minute']:,} per minute), "
          f"p99 {stage['latency_ms']['p99']} ms, errors {stage['errors']['total']}, "
          f"primary {stage['database_transactions_per_second']['primary']} transactions/s, "
          f"cache hit ratio {stage['cache']['hit_ratio']}, edge offload {stage['edge']['offload']}, "
          f"registration median {stage['registration_latency_ms']['median']} ms")
    for entry in stage["cpu_sets"]:
        top = ", ".join(f"{item['resource']} {item['cores']}" for item in entry["top"])
        print(f"   CPU set {entry['cpus']}: {100 * (entry['busy_share'] or 0):.0f}% busy with the topology ({top} cores)")
    if mix["first_failure"]:
        print(f"   first failed response: {mix['first_failure']}")


def parse_seconds(text):
    match = re.fullmatch(r"(\d+)([smh]?)", text)
    if not match:
        fail(f"DURATION '{text}' is invalid; use wrk's form, for example 20s or 2m.")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


# ---------------------------------------------------------------------------------------------------
# report

def bottleneck(stage):
    """Describe the busiest CPU set of the topology and what used it, from the measured CPU seconds."""
    sets = [entry for entry in stage["cpu_sets"] if entry["busy_share"] is not None]
    if not sets:
        return "no CPU figures"
    busiest = sets[0]
    top = ", ".join(f"{item['resource']} {item['cores']:.2f}" for item in busiest["top"] if item["cores"] >= 0.05)
    tiers = stage["cpu"]["tier_cpu_seconds"]
    seconds = stage["cpu"]["seconds"]
    text = f"CPU {busiest['cpus']} {100 * busiest['busy_share']:.0f}% busy ({top} cores)"
    for other in sets[1:]:
        names = ", ".join(item["resource"] for item in other["top"] if item["cores"] >= 0.05) or "idle"
        text += f"; CPU {other['cpus']} {100 * other['busy_share']:.0f}% ({names})"
    return text + f"; wrk {tiers['load_generator'] / seconds:.2f} cores"


def format_rpm(value):
    return f"{value:,.0f}"


def markdown_table(stages):
    lines = [
        "| stage | architecture | measured RPM | p99 ms | errors | reference RPM | expected bottleneck removed | measured bottleneck (CPU cores used during the load) |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for stage in stages:
        number = stage["stage"]
        name = str(number) if stage["pin_cpus"] else f"{number}, whole machine"
        lines.append(
            f"| {name} | {STAGES[number][0]} | {format_rpm(stage['requests_per_minute'])} | {stage['latency_ms']['p99']:.1f} | "
            f"{stage['errors']['total']} | {format_rpm(REFERENCE_RPM[number])} | {STAGES[number][1]} | {bottleneck(stage)} |")
    return "\n".join(lines)


def detail_table(stages):
    lines = [
        "| stage | requests/s | p50 ms | p95 ms | primary transactions/s | replica transactions/s | cache hit ratio | edge offload | registration median / p95 ms | CPU s: app, database, Aspire, wrk, outside |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]

    def share(value):
        return "n/a" if value is None else f"{100 * value:.0f}%"

    def number(value):
        return "n/a" if value is None else f"{value:,.0f}"

    for stage in stages:
        name = str(stage["stage"]) if stage["pin_cpus"] else f"{stage['stage']}, whole machine"
        database = stage["database_transactions_per_second"]
        registration = stage["registration_latency_ms"]
        tiers = stage["cpu"]["tier_cpu_seconds"]
        replica = number(database["replica"]) if stage["stage"] >= 6 else "none"
        lines.append(
            f"| {name} | {stage['requests_per_second']:,.0f} | {stage['latency_ms']['p50']:.1f} | {stage['latency_ms']['p95']:.1f} | "
            f"{number(database['primary'])} | {replica} | {share(stage['cache']['hit_ratio'])} | {share(stage['edge']['offload'])} | "
            f"{registration['median']} / {registration['p95']} | "
            f"{tiers['app']:.1f}, {tiers['database']:.1f}, {tiers['aspire']:.1f}, {tiers['load_generator']:.1f}, "
            f"{tiers['outside_topology']:.1f} |")
    return "\n".join(lines)


def machine_description():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory_gib": memory_gib, "kernel": f"{platform.system()} {platform.release()}"}


def command_report(options):
    stages = []
    for path in options.stage_files:
        with open(path) as file:
            stages.append(json.load(file))
    if not stages:
        fail("no stage was measured, so there is nothing to report.")

    goal_stage = next((stage for stage in stages if not stage["pin_cpus"]), None)
    result = {
        "date_utc": options.stamp,
        "machine": machine_description(),
        "load_average": {"start": options.load_start, "end": " ".join(open("/proc/loadavg").read().split()[:3])},
        "command": options.command,
        "settings": json.loads(options.settings),
        "goal": {
            "target_requests_per_minute": GOAL_RPM,
            "measured_requests_per_minute": goal_stage["requests_per_minute"] if goal_stage else None,
            "measured_share": round(goal_stage["requests_per_minute"] / GOAL_RPM, 4) if goal_stage else None,
            "run": "stage 8 without CPU pinning" if goal_stage else "not run",
        },
        "reference_requests_per_minute": {str(key): value for key, value in REFERENCE_RPM.items()},
        "stages": stages,
    }
    with open(options.out, "w") as file:
        json.dump(result, file, indent=2)
    write_results_block(result, os.path.relpath(options.out, options.repository_root), options.docs)


def command_render(options):
    with open(options.result) as file:
        result = json.load(file)
    write_results_block(result, os.path.relpath(options.result, options.repository_root), options.docs)


def write_results_block(result, result_path, docs):
    """Print the run's Markdown summary and tables, and put them between the results markers of DOCS."""
    stages = result["stages"]
    goal_stage = next((stage for stage in stages if not stage["pin_cpus"]), None)
    machine = result["machine"]
    summary = (
        f"- Date: {result['date_utc']}; results: `{result_path}`\n"
        f"- Machine: {machine['cpu']}, {machine['cpus']} CPUs, {machine['memory_gib']} GiB RAM, {machine['kernel']}; "
        f"load average (1, 5, 15 min) {result['load_average']['start']} at the start, {result['load_average']['end']} at the end\n"
        f"- Command: `{result['command']}`\n")
    if goal_stage:
        summary += (f"- Goal: {format_rpm(goal_stage['requests_per_minute'])} requests per minute measured for stage 8 on the "
                    f"whole machine, {100 * goal_stage['requests_per_minute'] / GOAL_RPM:.1f}% of the goal of {format_rpm(GOAL_RPM)} "
                    f"(16,667 requests/s), p99 {goal_stage['latency_ms']['p99']:.1f} ms\n")
    block = f"{summary}\n{markdown_table(stages)}\n\nDetails of the same run:\n\n{detail_table(stages)}\n"
    print(block)

    if not docs:
        return
    text = open(docs).read() if os.path.exists(docs) else ""
    begin, end = "<!-- bench/stages results: begin -->", "<!-- bench/stages results: end -->"
    if begin not in text or end not in text:
        print(f"bench/stages: {docs} has no results markers, so only the result file was written.", file=sys.stderr)
        return
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(docs, "w") as file:
        file.write(f"{head}{begin}\n{block}{end}{tail}")


# ---------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="action", required=True)

    endpoints = commands.add_parser("endpoints", help="print the API replicas' addresses")
    endpoints.add_argument("apphost_pid", type=int)

    measure = commands.add_parser("measure", help="run the load on one stage and write its JSON")
    measure.add_argument("--apphost-pid", type=int, required=True)
    measure.add_argument("--public-url", required=True, help="the public endpoint, http://127.0.0.1:PORT")
    measure.add_argument("--data-dir", required=True, help="the stage's ScaleApp:DataDirectory")
    measure.add_argument("--stage", type=int, required=True, choices=range(9))
    measure.add_argument("--pin-cpus", required=True, choices=("true", "false"))
    measure.add_argument("--run-id", required=True, help="makes registration emails unique")
    measure.add_argument("--mix", required=True, help="path of mix.lua")
    measure.add_argument("--assets", default="", help="space-separated asset paths from the page /")
    measure.add_argument("--users", type=int, required=True, help="seeded users")
    measure.add_argument("--posts", type=int, required=True, help="seeded posts")
    measure.add_argument("--duration", default="20s", help="wrk duration, for example 20s")
    measure.add_argument("--threads", type=int, default=2)
    measure.add_argument("--connections", type=int, default=64)
    measure.add_argument("--registrations", type=int, default=30, help="sequential registrations timed after the load")
    measure.add_argument("--startup-seconds", type=int, help="seconds from the AppHost's start until the load could begin")
    measure.add_argument("--out", required=True)

    report = commands.add_parser("report", help="write the run's result file and the docs table")
    report.add_argument("--stamp", required=True)
    report.add_argument("--command", required=True)
    report.add_argument("--settings", required=True, help="JSON object of the run's settings")
    report.add_argument("--load-start", required=True)
    report.add_argument("--repository-root", required=True)
    report.add_argument("--out", required=True)
    report.add_argument("--docs", help="Markdown file whose results block is replaced")
    report.add_argument("stage_files", nargs="*")

    render = commands.add_parser("render", help="rewrite the docs table from an existing result file")
    render.add_argument("--repository-root", required=True)
    render.add_argument("--docs", help="Markdown file whose results block is replaced")
    render.add_argument("result", help="a bench/results/stages-*.json file")

    options = parser.parse_args()
    if options.action == "endpoints":
        for name, url in api_endpoints(options.apphost_pid).items():
            print(name, url)
    elif options.action == "measure":
        command_measure(options)
    elif options.action == "render":
        command_render(options)
    else:
        command_report(options)


if __name__ == "__main__":
    main()
