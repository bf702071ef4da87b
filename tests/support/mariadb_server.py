"""A private, disposable MariaDB (or MySQL) server for integration tests.

Usage: `with ThrowawayMariaDB() as url: engine = sqlalchemy.create_engine(url)`.
Datadir, socket, pid file and error log live in one temp dir deleted on stop.
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
SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/usr/libexec")
START_ATTEMPTS = 3  # another process may grab our "free" port before the server binds it

# Small and fast for tests; each option verified with `mariadbd --help --verbose` (10.11).
TEST_SERVER_OPTIONS = (
    "--innodb-buffer-pool-size=256M",
    "--innodb-log-file-size=64M",
    "--innodb-flush-log-at-trx-commit=2",  # no fsync per commit
    "--skip-log-bin",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci",
    "--max-connections=200",
    "--skip-name-resolve",  # no DNS lookup per connection
    "--innodb-lock-wait-timeout=10",
    "--sql-mode=STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
)


def _which(name: str, extra_dirs: tuple[str, ...] = SBIN_DIRS) -> str | None:
    """Look on PATH first, then in directories that are often missing from PATH."""
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(extra_dirs))


def find_server_binary() -> str | None:
    return _which("mariadbd") or _which("mysqld")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _root_flags() -> list[str]:
    # mariadbd (and its bootstrap) refuse to run as root unless told explicitly.
    return ["--user=root"] if os.geteuid() == 0 else []


class ThrowawayMariaDB:
    def __init__(self, database: str = DEFAULT_DATABASE, startup_timeout: float = 60.0,
                 extra_options: tuple[str, ...] = ()):
        """`extra_options` come after the test options, so they win (e.g. a larger buffer
        pool for a benchmark)."""
        self.database = database
        self.extra_options = extra_options
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._proc: subprocess.Popen | None = None
        self._tmpdir: Path | None = None

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
            raise RuntimeError("No mariadbd/mysqld found on PATH or in " + ", ".join(SBIN_DIRS))
        self._tmpdir = Path(tempfile.mkdtemp(prefix="leadops-mariadb-"))
        atexit.register(self.stop)  # don't leak a server if the test session crashes
        try:
            self._init_datadir(binary)
            self._launch(binary)
            self.create_database(self.database)
        except BaseException:
            self.stop()
            raise
        return self.url

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()  # SIGTERM = clean shutdown
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
        atexit.unregister(self.stop)

    def kill(self) -> None:
        """The server dies at once (SIGKILL), as in a crash; its data stays for start_again()."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def start_again(self) -> None:
        """Restart a killed server on its own data directory and port (InnoDB recovers)."""
        binary = find_server_binary()
        if binary is None or self._tmpdir is None or self.port is None:
            raise RuntimeError("start() this server before starting it again")
        self._proc = subprocess.Popen(self._command(binary), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True)
        if not self._wait_until_ready():
            raise RuntimeError(f"MariaDB did not come back:\n{self._log_tail()}")

    def create_database(self, name: str) -> str:
        quoted = name.replace("`", "``")
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE IF NOT EXISTS `{quoted}` "
                        "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        return self.url_for(name)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _connect(self, timeout: float = 30) -> pymysql.Connection:
        # read_timeout matters: a non-MySQL listener on our port would otherwise
        # accept the TCP connection and hang the handshake forever.
        return pymysql.connect(host="127.0.0.1", port=self.port, user="root", password="",
                               connect_timeout=timeout, read_timeout=timeout,
                               write_timeout=timeout, autocommit=True)

    def _init_datadir(self, server_binary: str) -> None:
        datadir = f"--datadir={self._tmpdir / 'data'}"
        install_db = _which("mariadb-install-db", ("/usr/bin", "/usr/local/bin"))
        if install_db:
            # "normal" = root with empty password (not unix_socket), so TCP login works.
            cmd = [install_db, "--no-defaults", datadir,
                   "--auth-root-authentication-method=normal", "--skip-test-db"]
        else:  # Oracle MySQL
            cmd = [server_binary, "--no-defaults", "--initialize-insecure", datadir]
        cmd += _root_flags()
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")

    def _launch(self, binary: str) -> None:
        for _ in range(START_ATTEMPTS):
            self.port = _free_port()
            # Own session: a Ctrl-C aimed at pytest shouldn't kill the server mid-test.
            self._proc = subprocess.Popen(self._command(binary), stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)
            if self._wait_until_ready():
                return
            self._proc = None
            if "Address already in use" not in self._log_tail():
                break  # a real failure; a new port won't help
        raise RuntimeError(f"MariaDB exited during startup:\n{self._log_tail()}")

    def _command(self, binary: str) -> list[str]:
        assert self._tmpdir is not None
        return [binary, "--no-defaults", f"--datadir={self._tmpdir / 'data'}",
                f"--socket={self._tmpdir / 'mysqld.sock'}", f"--pid-file={self._tmpdir / 'mysqld.pid'}",
                f"--log-error={self._error_log}", f"--port={self.port}",
                "--bind-address=127.0.0.1", "--skip-networking=0",
                *_root_flags(), *TEST_SERVER_OPTIONS, *self.extra_options]

    def _wait_until_ready(self) -> bool:
        """True once a TCP login works; False if the server process exited first."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            try:
                self._connect(timeout=1).close()
                return True
            except pymysql.MySQLError:
                time.sleep(0.1)
        raise RuntimeError(f"MariaDB not ready after {self.startup_timeout:g}s:\n"
                           f"{self._log_tail()}")

    @property
    def _error_log(self) -> Path:
        return self._tmpdir / "error.log"

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self._error_log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no error log)"


if __name__ == "__main__":
    started = time.monotonic()
    server = ThrowawayMariaDB()
    with server as url:
        print(f"URL: {url}  (ready after {time.monotonic() - started:.2f}s)")
        with server._connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            print("SELECT VERSION():", cur.fetchone()[0])
    print(f"start+stop took {time.monotonic() - started:.2f}s")
