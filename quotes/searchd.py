"""A cluster of Sphinx `searchd` daemons for the SphinxQL backend (quotes/backends/sphinxql.py):
the configuration files `quotes server init` writes, and the local daemons `quotes server
start|stop|status` run, their PIDs kept in the cluster's folder.

Shard n is a real-time index `NAME_n` on its own daemon; the daemon of shard 0 also holds the
distributed index `NAME`, whose agents fan each search out to the other shards. Each daemon
speaks SphinxQL on its port and Sphinx's agent protocol on the next one up: that convention is
how the backend finds, from the distributed index's agents, where to write each shard.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import time
import unicodedata
from dataclasses import asdict, dataclass

from .errors import QuotesError

CLUSTER_FILE = "cluster.json"
SEARCHD = "searchd"
DEFAULT_PORT = 9306
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Seconds a daemon gets to answer after starting or to exit after SIGTERM (it saves its RAM chunks).
_START_WAIT = 30.0
_STOP_WAIT = 60.0

# The columns of each shard, in the order the backend writes them (`sphinxql._COLUMNS`).
FIELDS = ("text", "title", "speaker", "source")  # full text; speaker holds name and mention
ATTRIBUTES = (
    ("quote_id", "string"), ("article_id", "string"), ("article_key", "bigint"), ("kind", "string"),
    ("speaker_name", "string"), ("source_name", "string"), ("year", "uint"), ("oldest", "bigint"),
    ("newest", "bigint"), ("group_key", "bigint"), ("record", "string"), ("person", "string"),
)


@dataclass(frozen=True)
class Shard:
    """One shard: its real-time index, and where its daemon listens (SphinxQL on `port`, agents
    on `port + 1`)."""

    number: int
    host: str
    port: int
    index: str

    @property
    def folder(self) -> str:
        return f"shard{self.number}"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Cluster:
    """The layout `init` wrote in `folder`."""

    folder: str
    name: str
    shards: tuple[Shard, ...]

    @property
    def url(self) -> str:
        """The index location to give `--index` (the daemon holding the distributed index)."""
        return f"sphinxql://{self.shards[0].address}/{self.name}"

    def config(self, shard: Shard) -> str:
        return os.path.join(self.folder, shard.folder, "sphinx.conf")

    def pid_file(self, shard: Shard) -> str:
        return os.path.join(self.folder, shard.folder, "searchd.pid")


@dataclass(frozen=True)
class Status:
    shard: Shard
    pid: int | None  # None: not running here
    answers: bool  # its SphinxQL port accepts connections


def init(folder: str, shards: int, hosts: tuple[str, ...] = ("127.0.0.1",), port: int = DEFAULT_PORT,
         name: str = "quotes") -> Cluster:
    """Write the configuration of a cluster of `shards` shards, spread over `hosts` in turn
    (ports `port`, `port + 2`, ... on each host), into the empty or new `folder`."""
    if shards < 1:
        raise QuotesError(f"a cluster needs at least one shard, not {shards}")
    if not name.isidentifier():
        raise QuotesError(f"bad index name {name!r}: use letters, digits and '_'")
    if os.path.isdir(folder) and os.listdir(folder):
        raise QuotesError(f"{folder} is not empty: choose an empty or new folder for the cluster")
    folder = os.path.abspath(folder)
    layout = tuple(
        Shard(n, hosts[n % len(hosts)], port + 2 * (n // len(hosts)), f"{name}_{n}") for n in range(shards)
    )
    cluster = Cluster(folder, name, layout)
    for shard in layout:
        os.makedirs(os.path.join(folder, shard.folder, "data"))
        os.makedirs(os.path.join(folder, shard.folder, "binlog"))
        with open(cluster.config(shard), "w", encoding="utf-8") as out:
            out.write(_config(cluster, shard))
    with open(os.path.join(folder, CLUSTER_FILE), "w", encoding="utf-8") as out:
        json.dump({"name": name, "shards": [asdict(s) for s in layout]}, out, indent=1)
    return cluster


def load(folder: str) -> Cluster:
    """The cluster `init` wrote in `folder`."""
    try:
        with open(os.path.join(folder, CLUSTER_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
        return Cluster(os.path.abspath(folder), data["name"], tuple(Shard(**s) for s in data["shards"]))
    except (OSError, ValueError, KeyError, TypeError):
        raise QuotesError(f"{folder} holds no cluster: run `quotes server init {folder} --shards N`") from None


def start(cluster: Cluster) -> list[Status]:
    """Start the daemons of this host's shards that are not running; wait until they answer."""
    binary = shutil.which(SEARCHD)
    if binary is None:
        raise QuotesError("searchd is not installed (Debian: apt-get install sphinxsearch)")
    for shard in _here(cluster):
        if _pid(cluster, shard) is not None:
            continue
        done = subprocess.run([binary, "-c", cluster.config(shard)], capture_output=True, text=True)
        if done.returncode != 0:
            said = [line for line in (done.stdout + done.stderr).splitlines() if "FATAL" in line or "ERROR" in line]
            raise QuotesError(f"searchd of shard {shard.number} did not start: {(said or ['see its searchd.log'])[-1]}")
    deadline = time.monotonic() + _START_WAIT
    for shard in _here(cluster):
        while not _answers(shard):
            if time.monotonic() > deadline:
                raise QuotesError(f"searchd of shard {shard.number} does not answer on {shard.address}:"
                                  f" see {os.path.join(cluster.folder, shard.folder, 'searchd.log')}")
            time.sleep(0.05)
    return status(cluster)


def stop(cluster: Cluster) -> list[Status]:
    """Stop this host's daemons by their PIDs (SIGTERM: each saves its RAM chunks first)."""
    running = [(shard, pid) for shard in _here(cluster) if (pid := _pid(cluster, shard)) is not None]
    for _, pid in running:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + _STOP_WAIT
    for shard, pid in running:
        while is_running(pid):
            if time.monotonic() > deadline:
                raise QuotesError(f"searchd of shard {shard.number} (PID {pid}) did not stop")
            time.sleep(0.05)
    return status(cluster)


def status(cluster: Cluster) -> list[Status]:
    """Each shard: its daemon's PID if it runs on this host, and whether its port answers."""
    return [Status(shard, _pid(cluster, shard), _answers(shard)) for shard in cluster.shards]


def free_ports(count: int, host: str = "127.0.0.1") -> int:
    """The first of `count` consecutive ports free on `host` now (for clusters of tests and
    benchmarks)."""
    rng = random.Random()
    for _ in range(200):
        first = rng.randrange(20000, 60000, 2)
        sockets: list[socket.socket] = []
        try:
            for port in range(first, first + count):
                sockets.append(socket.socket())
                sockets[-1].bind((host, port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise QuotesError(f"no {count} consecutive free ports on {host}")


def rss_mb(cluster: Cluster) -> tuple[float, float]:
    """(resident, peak resident) MB of this host's running daemons, summed."""
    now = peak = 0.0
    for shard in _here(cluster):
        pid = _pid(cluster, shard)
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except (OSError, TypeError):
            continue
        now += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
        peak += int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
    return now, peak


def cpu_seconds(cluster: Cluster) -> float:
    """CPU seconds (user and system) this host's running daemons have used, summed: what a
    benchmark on a shared machine can read where wall time says how busy the others were."""
    ticks = 0
    for shard in _here(cluster):
        try:
            with open(f"/proc/{_pid(cluster, shard)}/stat", encoding="ascii") as handle:
                ticks += sum(int(n) for n in handle.read().rsplit(")", 1)[1].split()[11:13])
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def _here(cluster: Cluster) -> list[Shard]:
    names = _LOCAL_HOSTS | {socket.gethostname()}
    return [shard for shard in cluster.shards if shard.host in names]


def _pid(cluster: Cluster, shard: Shard) -> int | None:
    """The PID in the shard's PID file, if that process is alive."""
    try:
        with open(cluster.pid_file(shard), encoding="ascii") as handle:
            pid = int(handle.read().strip())
    except (OSError, ValueError):
        return None
    return pid if is_running(pid) else None


def is_running(pid: int) -> bool:
    """Whether the process runs: a killed daemon stays a zombie until its parent (often init,
    in a container not at once) reaps it."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _answers(shard: Shard) -> bool:
    try:
        with socket.create_connection((shard.host, shard.port), timeout=0.5):
            return True
    except OSError:
        return False


def _config(cluster: Cluster, shard: Shard) -> str:
    """The sphinx.conf of one shard's daemon."""
    here = os.path.join(cluster.folder, shard.folder)
    columns = [f"    rt_field = {f}" for f in FIELDS] + [f"    rt_attr_{t} = {a}" for a, t in ATTRIBUTES]
    parts = [
        f"# quotes cluster {cluster.name!r}, shard {shard.number} of {len(cluster.shards)}"
        " (written by `quotes server init`)",
        f"index {shard.index}",
        "{",
        "    type = rt",
        f"    path = {os.path.join(here, 'data', shard.index)}",
        *columns,
        # Words as quotes.backends.whoosh_schema analyses them: stemmed (exact forms kept for
        # names), case and accents folded, no stop words, prefixes for `word*`.
        "    morphology = stem_en",
        "    dict = keywords",
        "    min_word_len = 1",
        "    min_prefix_len = 1",
        "    index_exact_words = 1",
        f"    charset_table = {CHARSET_TABLE}",
        "    rt_mem_limit = 256M",
        "}",
    ]
    if shard.number == 0:
        agents = [f"    agent = {s.host}:{s.port + 1}:{s.index}" for s in cluster.shards[1:]]
        parts += [
            f"index {cluster.name}", "{", "    type = distributed", f"    local = {shard.index}", *agents,
            "    agent_connect_timeout = 1000", "    agent_query_timeout = 30000", "}",
        ]
    parts += [
        "searchd", "{",
        f"    listen = {shard.host}:{shard.port}:mysql41",
        f"    listen = {shard.host}:{shard.port + 1}",
        f"    log = {os.path.join(here, 'searchd.log')}",
        f"    query_log = {os.path.join(here, 'query.log')}",
        f"    pid_file = {os.path.join(here, 'searchd.pid')}",
        f"    binlog_path = {os.path.join(here, 'binlog')}",
        "    workers = threads",
        "    watchdog = 0",  # one process, the one in the PID file; a supervisor restarts it
        "    read_timeout = 30",
        "}",
    ]
    return "\n".join(parts) + "\n"


def _charset_table() -> str:
    """Sphinx's charset_table folding case and accents like Whoosh's accent_map: digits,
    Latin letters (accented ones to their base letter), Greek and Cyrillic, lower-cased."""
    entries = ["0..9", "A..Z->a..z", "_", "a..z"]
    for code in list(range(0xC0, 0x250)) + list(range(0x370, 0x530)):
        char = chr(code)
        if not char.isalpha():
            continue
        base = unicodedata.normalize("NFKD", char)[0].lower()
        folded = base if base.isascii() else char.lower()
        if len(folded) != 1 or not folded.isalpha():
            folded = char
        entries.append(f"U+{code:X}" if folded == char else f"U+{code:X}->U+{ord(folded):X}")
    lines = [", ".join(entries[n : n + 8]) for n in range(0, len(entries), 8)]
    return ", \\\n        ".join(lines)  # (searchd limits the length of a line)


CHARSET_TABLE = _charset_table()
