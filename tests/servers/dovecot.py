"""A Dovecot 2.3 IMAP server for the tests, from a config written to a temp folder.

Listens on 127.0.0.1 only: a plaintext port (STARTTLS offered; plaintext
LOGIN allowed so tests can use it) and an implicit-TLS port, both with a
certificate from a ``trustme`` test CA for "localhost" only.  Users come from
a passwd-file with {PLAIN} passwords (so CRAM-MD5 and SCRAM work); a pool of
users is created up front and more are appended on demand (Dovecot re-reads
the file when it changes).  Mail is maildir in the temp folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import tls
from tests.servers.info import ServerInfo

#: SASL mechanisms enabled in the config (``auth_mechanisms``).
SASL_MECHANISMS = ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"]

#: Special-use folders of the inbox namespace (RFC 6154), all auto-subscribed.
SPECIAL_USE = {
    "Drafts": "\\Drafts",
    "Sent": "\\Sent",
    "Trash": "\\Trash",
    "Archive": "\\Archive",
    "Junk": "\\Junk",
}

# Written before Dovecot starts: users appended later were not always seen (user202 failed in CI).
POOL_SIZE = 2000
START_TIMEOUT = 30.0
#: Starts tried when a port picked as free was taken before Dovecot bound it (parallel test runs).
START_ATTEMPTS = 3


def find_dovecot() -> str | None:
    """The dovecot binary, or None when Dovecot is not installed."""
    found = shutil.which("dovecot")
    if found:
        return found
    for candidate in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def dovecot_or_skip() -> str:
    """The dovecot binary; skip the test without one, or fail when
    TUIMAIL_REQUIRE_DOVECOT=1 (CI) says Dovecot tests must run."""
    binary = find_dovecot()
    if binary is None:
        if os.environ.get("TUIMAIL_REQUIRE_DOVECOT") == "1":
            pytest.fail("TUIMAIL_REQUIRE_DOVECOT=1 but no dovecot binary was found")
        pytest.skip("dovecot is not installed (set TUIMAIL_REQUIRE_DOVECOT=1 to fail instead)")
    return binary


@contextlib.contextmanager
def running_dovecot() -> Iterator[DovecotServer]:
    """A Dovecot process of its own, stopped (and its folder removed) afterwards."""
    server = DovecotServer(dovecot_or_skip())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the test process dies (Linux),
    so a killed pytest leaves no Dovecot behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_ports(count: int) -> list[int]:
    """Ports free on 127.0.0.1 right now (the OS picks them)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class _PortTaken(RuntimeError):
    """Dovecot could not bind a port picked as free."""


class DovecotServer:
    """A Dovecot process serving IMAP on 127.0.0.1 from a temp folder."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.host = "127.0.0.1"
        self.port = 0
        self.tls_port = 0
        self.root = Path(tempfile.mkdtemp(prefix="tuimail-dovecot-"))
        self.config_path = self.root / "dovecot.conf"
        self.log_path = self.root / "dovecot.log"
        self.passwd_path = self.root / "passwd"
        self.mail_root = self.root / "mail"
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._pool_end = 0
        self._as_root = os.geteuid() == 0
        if self._as_root:
            self._login_user, self._internal_user = "dovenull", "dovecot"
        else:  # a developer's machine: everything runs as the current user
            me = pwd.getpwuid(os.geteuid()).pw_name
            self._login_user = self._internal_user = me

    # -- accounts ---------------------------------------------------------

    def _password_for(self, n: int) -> str:
        return f"pass-{n:03d}"

    def _add_users(self, start: int, end: int) -> None:
        """Append users start..end-1 to the passwd-file."""
        lines = "".join(
            f"user{n:03d}:{{PLAIN}}{self._password_for(n)}::::::nodelay=yes\n" for n in range(start, end)
        )
        with self.passwd_path.open("a") as passwd:
            passwd.write(lines)
        self._pool_end = end

    def new_account(self) -> tuple[str, str]:
        """A user never handed out before, with no mail yet."""
        with self._lock:
            n = next(self._counter)
            if n >= self._pool_end:
                self._add_users(self._pool_end, n + POOL_SIZE)
        return f"user{n:03d}", self._password_for(n)

    # -- TLS --------------------------------------------------------------

    def client_ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts the test CA (certificate for "localhost")."""
        return tls.client_context()

    # -- config -----------------------------------------------------------

    def _config_text(self) -> str:
        root = self.root
        if self._as_root:
            userdb_ids = "uid=dovecot gid=dovecot"
        else:
            userdb_ids = f"uid={os.geteuid()} gid={os.getegid()}"
        mailboxes = "".join(
            f"  mailbox {name} {{\n    special_use = {attr}\n    auto = subscribe\n  }}\n"
            for name, attr in SPECIAL_USE.items()
        )
        return f"""# Written by tuimail's tests (tests/servers/dovecot.py).
base_dir = {root}/run
state_dir = {root}/state
log_path = {self.log_path}
info_log_path = {self.log_path}
protocols = imap
listen = {self.host}
default_login_user = {self._login_user}
default_internal_user = {self._internal_user}
first_valid_uid = 1
first_valid_gid = 1
default_process_limit = 500
default_client_limit = 2000
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = {" ".join(m.lower() for m in SASL_MECHANISMS)}
auth_failure_delay = 0
auth_cache_size = 0
mail_location = maildir:~/Maildir:LAYOUT=fs
mail_plugins =
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd_path}
}}
userdb {{
  driver = static
  args = {userdb_ids} home={self.mail_root}/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
{mailboxes}}}
protocol imap {{
  mail_max_userip_connections = 500
  mail_plugins = $mail_plugins imap_zlib
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {self.host}
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""

    def _write_files(self) -> None:
        root = self.root
        cert = tls.localhost_cert()
        cert.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
        for blob in cert.cert_chain_pems[1:]:
            blob.write_to_path(str(root / "cert.pem"), append=True)
        cert.private_key_pem.write_to_path(str(root / "key.pem"))
        os.chmod(root / "key.pem", 0o600)
        self.passwd_path.touch()
        self._add_users(1, POOL_SIZE + 1)
        os.chmod(self.passwd_path, 0o644)
        self.mail_root.mkdir()
        os.chmod(root, 0o755)
        if self._as_root:
            shutil.chown(self.mail_root, "dovecot", "dovecot")
        self.config_path.write_text(self._config_text())

    # -- process ----------------------------------------------------------

    def start(self) -> None:
        """Write the config and start Dovecot; return once both ports accept.

        Free ports are picked, then bound by Dovecot: another process may take
        one in between; Dovecot then exits at once, and is started again on
        other ports (at most ``START_ATTEMPTS`` times).
        """
        self.port, self.tls_port = _free_ports(2)
        self._write_files()
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._launch()
                return
            except _PortTaken:
                if attempt == START_ATTEMPTS:
                    raise
                self.port, self.tls_port = _free_ports(2)
                self.config_path.write_text(self._config_text())

    def _launch(self) -> None:
        self._process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.config_path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        deadline = time.monotonic() + START_TIMEOUT
        pending = [self.port, self.tls_port]
        while pending:
            if self._process.poll() is not None:
                output = self._process.stdout.read().decode(errors="replace") if self._process.stdout else ""
                detail = f"dovecot exited with {self._process.returncode}:\n{output}\n{self.log_tail()}"
                if self._process.stdout is not None:
                    self._process.stdout.close()
                self._process = None
                raise (_PortTaken if "Address already in use" in detail else RuntimeError)(detail)
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dovecot did not listen within {START_TIMEOUT}s\n{self.log_tail()}")
            try:
                socket.create_connection((self.host, pending[0]), timeout=1).close()
            except OSError:
                time.sleep(0.05)
            else:
                pending.pop(0)

    def restart(self) -> None:
        """Stop the Dovecot process (its clients get BYE) and start it again on the same
        ports with the same mail, as an administrator restarting the server does."""
        process, self._process = self._process, None
        if process is not None:
            process.terminate()
            process.wait(timeout=15)
            if process.stdout is not None:
                process.stdout.close()
        self._launch()

    def log_tail(self, lines: int = 40) -> str:
        """The end of Dovecot's log, for failure messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no dovecot log)"

    def stop(self) -> None:
        """Stop Dovecot and remove the temp folder."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdout is not None:
            process.stdout.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def server_info(self) -> ServerInfo:
        """A ServerInfo for a fresh user."""
        username, password = self.new_account()
        return ServerInfo(
            name="dovecot",
            host=self.host,
            port=self.port,
            tls_port=self.tls_port,
            ssl_context=self.client_ssl_context(),
            username=username,
            password=password,
            sasl_mechanisms=list(SASL_MECHANISMS),
            new_account=self.new_account,
        )
