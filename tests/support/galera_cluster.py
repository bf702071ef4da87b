"""A disposable three-node MariaDB Galera cluster on 127.0.0.1, for the concurrency tests.

Every node has its own datadir, SQL port, group-communication port, IST port and SST port.
The first node bootstraps the cluster (`--wsrep-new-cluster`); the others join it and receive
its data by rsync state transfer. Run as root, the nodes run as the `mysql` user: rsync state
transfer drops root and then could not write a root-owned datadir.

Usage: `with ThrowawayGaleraCluster() as urls: ...` (one SQLAlchemy URL per node).
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pymysql

from tests.support.mariadb_server import DEFAULT_DATABASE, TEST_SERVER_OPTIONS, _free_port, _which

PROVIDER_PATHS = ("/usr/lib/galera/libgalera_smm.so", "/usr/lib/galera4/libgalera_smm.so",
                  "/usr/lib64/galera-4/libgalera_smm.so")
NODES = 3
SERVICE_USER = "mysql"

GALERA_OPTIONS = (
    "--wsrep-on=ON",
    "--wsrep-cluster-name=leadops_test",
    "--wsrep-sst-method=rsync",
    "--binlog-format=ROW",
    "--innodb-autoinc-lock-mode=2",
    "--default-storage-engine=InnoDB",
    "--innodb-buffer-pool-size=128M",  # three servers on a small machine
    "--wsrep-slave-threads=2",
)


def find_provider() -> str | None:
    return next((path for path in PROVIDER_PATHS if Path(path).exists()), None)


def why_unavailable() -> str | None:
    """None if this machine can run the cluster, else what is missing."""
    if _which("mariadbd") is None:
        return "no mariadbd (apt-get install mariadb-server)"
    if find_provider() is None:
        return "no Galera provider library (apt-get install galera-4)"
    if shutil.which("rsync") is None:
        return "no rsync for state transfer (apt-get install rsync)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVICE_USER)
        except KeyError:
            return f"no '{SERVICE_USER}' user to run the nodes as (it comes with mariadb-server)"
    return None


class _Node:
    def __init__(self, root: Path, index: int) -> None:
        self.index = index
        self.dir = root / f"node{index}"
        self.port = _free_port()
        self.gcomm_port = _free_port()
        self.ist_port = _free_port()
        self.sst_port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def gcomm_address(self) -> str:
        return f"127.0.0.1:{self.gcomm_port}"

    def command(self, binary: str, provider: str, peers: str, *, bootstrap: bool) -> list[str]:
        provider_options = ";".join((
            f"gmcast.listen_addr=tcp://127.0.0.1:{self.gcomm_port}",
            f"ist.recv_addr=127.0.0.1:{self.ist_port}",
            "gcache.size=64M",
            "evs.suspect_timeout=PT5S",
            "evs.inactive_timeout=PT10S",
        ))
        run_as = [f"--user={SERVICE_USER}"] if os.geteuid() == 0 else []
        return [
            binary, "--no-defaults", f"--datadir={self.dir / 'data'}",
            f"--socket={self.dir / 'mysqld.sock'}", f"--pid-file={self.dir / 'mysqld.pid'}",
            f"--log-error={self.dir / 'error.log'}", f"--port={self.port}",
            "--bind-address=127.0.0.1", "--skip-networking=0", *run_as,
            *TEST_SERVER_OPTIONS, *GALERA_OPTIONS,
            f"--wsrep-provider={provider}",
            f"--wsrep-cluster-address=gcomm://{'' if bootstrap else peers}",
            f"--wsrep-provider-options={provider_options}",
            f"--wsrep-node-name=node{self.index}",
            f"--wsrep-node-address=127.0.0.1:{self.gcomm_port}",
            f"--wsrep-sst-receive-address=127.0.0.1:{self.sst_port}",
            *(["--wsrep-new-cluster"] if bootstrap else []),
        ]

    def connect(self, timeout: float = 5) -> pymysql.Connection:
        return pymysql.connect(host="127.0.0.1", port=self.port, user="root", password="",
                               connect_timeout=timeout, read_timeout=timeout * 6,
                               write_timeout=timeout * 6, autocommit=True)

    def status(self, name: str) -> str | None:
        with self.connect() as connection, connection.cursor() as cursor:
            cursor.execute("SHOW GLOBAL STATUS LIKE %s", (name,))
            row = cursor.fetchone()
        return None if row is None else str(row[1])

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = (self.dir / "error.log").read_text(errors="replace")
        except OSError:
            return "(no error log)"
        return "\n".join(text.splitlines()[-lines:])


class ThrowawayGaleraCluster:
    """Three nodes, started one after another; `urls` address the same database on each."""

    def __init__(self, database: str = DEFAULT_DATABASE, startup_timeout: float = 120.0) -> None:
        self.database = database
        self.startup_timeout = startup_timeout
        self._root: Path | None = None
        self.nodes: list[_Node] = []

    @property
    def urls(self) -> list[str]:
        return [f"mysql+pymysql://root@127.0.0.1:{node.port}/{self.database}?charset=utf8mb4"
                for node in self.nodes]

    def start(self) -> list[str]:
        missing = why_unavailable()
        if missing:
            raise RuntimeError(f"Cannot start a Galera cluster here: {missing}.")
        binary, provider = _which("mariadbd"), find_provider()
        assert binary is not None and provider is not None
        self._root = Path(tempfile.mkdtemp(prefix="leadops-galera-"))
        self._root.chmod(0o755)  # the service user must reach its node's directory
        atexit.register(self.stop)
        try:
            self.nodes = [_Node(self._root, index) for index in range(1, NODES + 1)]
            for node in self.nodes:
                (node.dir / "data").mkdir(parents=True)
            self._install(self.nodes[0])
            self._give_to_service_user()
            peers = ",".join(node.gcomm_address for node in self.nodes)
            for node in self.nodes:
                self._launch(node, binary, provider, peers, bootstrap=node is self.nodes[0])
            self._wait_for_size(NODES)
            with self.nodes[0].connect() as connection, connection.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{self.database}` "
                               "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        except BaseException:
            self.stop()
            raise
        return self.urls

    def stop(self) -> None:
        # Joiners first, the bootstrap node last: each leaves the cluster in an orderly way.
        for node in reversed(self.nodes):
            proc, node.proc = node.proc, None
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
        atexit.unregister(self.stop)

    def __enter__(self) -> list[str]:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _install(self, node: _Node) -> None:
        install_db = _which("mariadb-install-db", ("/usr/bin", "/usr/local/bin"))
        if install_db is None:
            raise RuntimeError("mariadb-install-db is missing (apt-get install mariadb-server)")
        run_as = [f"--user={SERVICE_USER}"] if os.geteuid() == 0 else []
        command = [install_db, "--no-defaults", f"--datadir={node.dir / 'data'}",
                   "--auth-root-authentication-method=normal", "--skip-test-db", *run_as]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")

    def _give_to_service_user(self) -> None:
        if os.geteuid() != 0 or self._root is None:
            return
        user = pwd.getpwnam(SERVICE_USER)
        for path in (self._root, *self._root.rglob("*")):
            os.chown(path, user.pw_uid, user.pw_gid)

    def _launch(self, node: _Node, binary: str, provider: str, peers: str, *, bootstrap: bool) -> None:
        node.proc = subprocess.Popen(node.command(binary, provider, peers, bootstrap=bootstrap),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if node.proc.poll() is not None:
                raise RuntimeError(f"Galera node {node.index} exited during startup:\n{node.log_tail()}")
            try:
                if node.status("wsrep_local_state_comment") == "Synced":
                    return
            except pymysql.MySQLError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"Galera node {node.index} not synced after {self.startup_timeout:g}s:\n"
                           f"{node.log_tail()}")

    def _wait_for_size(self, size: int) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            sizes = {node.status("wsrep_cluster_size") for node in self.nodes}
            if sizes == {str(size)}:
                return
            time.sleep(0.3)
        raise RuntimeError(f"The cluster did not reach {size} nodes:\n"
                           + "\n".join(node.log_tail(10) for node in self.nodes))


if __name__ == "__main__":
    started = time.monotonic()
    with ThrowawayGaleraCluster() as urls:
        print(f"cluster ready after {time.monotonic() - started:.1f} s: {urls}")
    print(f"start and stop took {time.monotonic() - started:.1f} s")
