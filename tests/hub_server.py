"""A private PostgreSQL server for the hub tests, from the Debian package's binaries.

`initdb` runs as the `postgres` user when the tests run as root (PostgreSQL refuses to run as
root), else as the current user. The server listens on a free port of 127.0.0.1 only, its
socket in its own folder, with password (SCRAM) authentication for every connection and TLS
with a self-signed certificate for 127.0.0.1 (when openssl is available). Everything lives in
one temporary folder, removed when the server stops.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

#: The superuser the server is created with.
ADMIN = "hub_admin"


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL server's bin folder, or None."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    newest = max(found, key=lambda p: int(Path(p).parent.parent.name.split(".")[0]))
    return Path(newest).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.password = secrets.token_urlsafe(16)
        self.certificate: Path | None = None  # the CA to verify the server with (self-signed)
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = list(args)
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}{log}")

    def start(self) -> None:
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._as_postgres:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            ADMIN,
            f"--pwfile={pwfile}",
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-sync",
        )
        pwfile.unlink()
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"port = {self.port}",
            f"unix_socket_directories = '{self.root}'",
            "password_encryption = 'scram-sha-256'",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "max_connections = 120",
        ]
        if self._make_certificate():
            settings += [
                "ssl = on",
                f"ssl_cert_file = '{self.root / 'server.crt'}'",
                f"ssl_key_file = '{self.root / 'server.key'}'",
            ]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "start"
        )

    def _make_certificate(self) -> bool:
        openssl = shutil.which("openssl")
        if openssl is None:
            return False
        key, crt = self.root / "server.key", self.root / "server.crt"
        subprocess.run(
            [
                openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", str(key), "-out", str(crt), "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )  # fmt: skip
        key.chmod(0o600)
        if self._as_postgres:
            shutil.chown(key, "postgres", "postgres")
            shutil.chown(crt, "postgres", "postgres")
        self.certificate = crt
        return True

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(
        self,
        database: str = "postgres",
        user: str = ADMIN,
        password: str | None = None,
        **params: str,
    ) -> str:
        """A libpq URL; the admin's password unless another is given ('' for none)."""
        secret = self.password if password is None and user == ADMIN else password
        userinfo = quote(user, safe="")
        if secret:
            userinfo += ":" + quote(secret, safe="")
        query = urlencode({"sslmode": "disable", **params})
        return f"postgresql://{userinfo}@127.0.0.1:{self.port}/{database}?{query}"
