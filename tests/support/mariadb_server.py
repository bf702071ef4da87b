"""Start a private, disposable MariaDB (or MySQL) server for integration tests.

    with ThrowawayMariaDB() as url:
        engine = sqlalchemy.create_engine(url)

Everything (datadir, socket, pid file, error log) lives in one temp directory
that is deleted on stop, so tests never touch a system-wide server.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pymysql

DEFAULT_DATABASE = "leadops_test"
EXTRA_SEARCH_DIRS = ("/usr/sbin", "/usr/local/sbin", "/usr/libexec")
START_ATTEMPTS = 3  # retries cover another process grabbing our free port first
STOP_TIMEOUT = 20.0

# Small, fast settings for tests. All verified against MariaDB 10.11
# (`mariadbd --help --verbose`).
TEST_SERVER_OPTIONS = (
    "--innodb-buffer-pool-size=256M",
    "--innodb-log-file-size=64M",
    "--innodb-flush-log-at-trx-commit=2",  # don't fsync every commit
    "--skip-log-bin",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci",
    "--max-connections=200",
    "--skip-name-resolve",  # no DNS lookups per connection
    "--innodb-lock-wait-timeout=10",
    "--sql-mode=STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
)


def _which(name: str, extra_dirs: tuple[str, ...] = EXTRA_SEARCH_DIRS) -> str | None:
    """Look on PATH first, then in directories that are often not on PATH."""
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(extra_dirs))


def find_server_binary() -> str | None:
    return _which("mariadbd") or _which("mysqld")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_root_flags() -> list[str]:
    # mariadbd refuses to run as root unless told to explicitly.
    return ["--user=root"] if os.geteuid() == 0 else []


class ThrowawayMariaDB:
    def __init__(self, database: str = DEFAULT_DATABASE, startup_timeout: float = 60.0):
        self.database = database
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._proc: subprocess.Popen | None = None
        self._tmpdir: Path | None = None

    # -- public API ---------------------------------------------------------

    @property
    def url(self) -> str:
        return self.url_for(self.database)

    def url_for(self, database: str) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/{database}?charset=utf8mb4"

    def start(self) -> str:
        if self._proc is not None:
            return self.url
        binary = find_server_binary()
        if binary is None:
            raise RuntimeError("No mariadbd/mysqld binary found on PATH or in sbin dirs")
        self._tmpdir = Path(tempfile.mkdtemp(prefix="leadops-mariadb-"))
        atexit.register(self.stop)  # don't leak a server if the test run crashes
        try:
            self._init_datadir(binary)
            self._launch_with_retries(binary)
            self.create_database(self.database)
        except BaseException:
            self.stop()
            raise
        return self.url

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()  # SIGTERM = clean InnoDB shutdown
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
        atexit.unregister(self.stop)

    def create_database(self, name: str) -> str:
        quoted = name.replace("`", "``")
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(
                f"CREATE DATABASE IF NOT EXISTS `{quoted}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
        return self.url_for(name)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- internals ----------------------------------------------------------

    @property
    def _datadir(self) -> Path:
        return self._tmpdir / "data"

    @property
    def _error_log(self) -> Path:
        return self._tmpdir / "error.log"

    def _connect(self, timeout: int = 10) -> pymysql.Connection:
        return pymysql.connect(host="127.0.0.1", port=self.port, user="root",
                               password="", connect_timeout=timeout, autocommit=True)

    def _init_datadir(self, server_binary: str) -> None:
        install_db = _which("mariadb-install-db", ("/usr/bin", "/usr/local/bin"))
        if install_db:
            # "normal" gives root an empty password instead of unix_socket auth,
            # so we can log in over TCP.
            cmd = [install_db, "--no-defaults", f"--datadir={self._datadir}",
                   "--auth-root-authentication-method=normal", "--skip-test-db"]
        else:  # Oracle MySQL
            cmd = [server_binary, "--no-defaults", "--initialize-insecure",
                   f"--datadir={self._datadir}"]
        result = subprocess.run(cmd + _as_root_flags(), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"Initializing datadir failed ({' '.join(cmd)}):\n"
                               f"{result.stdout}\n{result.stderr}")

    def _launch_with_retries(self, binary: str) -> None:
        for attempt in range(1, START_ATTEMPTS + 1):
            self.port = _free_port()
            cmd = [binary, "--no-defaults", f"--datadir={self._datadir}",
                   f"--socket={self._tmpdir / 'mysqld.sock'}",
                   f"--pid-file={self._tmpdir / 'mysqld.pid'}",
                   f"--log-error={self._error_log}",
                   f"--port={self.port}", "--bind-address=127.0.0.1",
                   "--skip-networking=0", *_as_root_flags(), *TEST_SERVER_OPTIONS]
            self._proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)
            if self._wait_until_ready():
                return
            self._proc = None  # exited early, most likely port taken: retry
        raise RuntimeError(f"Server exited during startup {START_ATTEMPTS} times:\n"
                           f"{self._log_tail()}")

    def _wait_until_ready(self) -> bool:
        """True once a TCP login works; False if the process exited first."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            try:
                self._connect(timeout=1).close()
                return True
            except pymysql.MySQLError:
                time.sleep(0.1)
        raise RuntimeError(f"Server not ready after {self.startup_timeout:.0f}s:\n"
                           f"{self._log_tail()}")

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self._error_log.read_text(errors="replace")
        except OSError:
            return "(no error log)"
        return "\n".join(text.splitlines()[-lines:])


if __name__ == "__main__":
    started = time.monotonic()
    server = ThrowawayMariaDB()
    with server as url:
        print(f"URL: {url}  (ready in {time.monotonic() - started:.2f}s)")
        with pymysql.connect(host="127.0.0.1", port=server.port, user="root",
                             database=server.database) as conn, conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            print("SELECT VERSION():", cur.fetchone()[0])
    print(f"start+stop took {time.monotonic() - started:.2f}s")
