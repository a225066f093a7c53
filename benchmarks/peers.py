"""The mail programs the start-up benchmark runs: tuimail, aerc and neomutt.

Each gets its own state folder (configuration, and the client's cache under
``cache/``), made fresh for a cold start and kept for the warm start after
it.  Every program talks to the private Dovecot on 127.0.0.1 in plaintext,
as the same user, with its password in its configuration file, and runs
with exactly the environment built here (``HOME``, ``XDG_*`` inside the
state folder, ``TERM=tmux-256color``, ``LANG=C.UTF-8``).

How each one is set up:

* tuimail: ``tuimail --config config.toml`` (README "Configuration"),
  ``tls = "none"``; its cache (once it has one) goes to
  ``$XDG_CACHE_HOME``.  ``G`` jumps to the oldest message, ``q`` quits.
* aerc: ``[general] unsafe-accounts-conf = true`` in ``aerc.conf`` and an
  ``accounts.conf`` (mode 0600) with ``source = imap+insecure://...`` and
  ``cache-headers = true`` (its header cache, in ``$XDG_CACHE_HOME/aerc``);
  default key bindings: ``G`` is ``:select -1``, ``q`` is ``:quit``.
* neomutt: ``neomutt -n -F muttrc`` (no system config) with
  ``header_cache`` set, ``ssl_starttls = no`` and ``sort = reverse-date``
  so that, like the other two, it shows the newest message at the top;
  ``*`` (``<last-entry>``) jumps to the oldest, ``q`` quits.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Account:
    host: str
    port: int
    username: str
    password: str


@dataclass(frozen=True)
class Launch:
    argv: list[str]
    env: dict[str, str]
    cwd: Path


def base_env(state: Path) -> dict[str, str]:
    return {
        "HOME": str(state / "home"),
        "XDG_CONFIG_HOME": str(state / "config"),
        "XDG_CACHE_HOME": str(state / "cache"),
        "XDG_DATA_HOME": str(state / "data"),
        "XDG_STATE_HOME": str(state / "statehome"),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "TERM": "tmux-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLORTERM": "truecolor",
    }


def _make_dirs(state: Path) -> None:
    for sub in ("home", "config", "cache", "data", "statehome"):
        (state / sub).mkdir(parents=True, exist_ok=True)


class Program:
    """A mail program as the benchmark drives it."""

    name = ""
    jump_keys: tuple[str, ...] = ()
    quit_keys: tuple[str, ...] = ("q",)
    #: Text that only the program's own whole frame shows, when its first screen can come before
    #: it (tuimail's cold paint draws the newest rows alone); None: the first screen is the frame.
    frame_marker: str | None = None

    def available(self) -> bool:
        raise NotImplementedError

    def version(self) -> str:
        raise NotImplementedError

    def prepare(self, state: Path, account: Account) -> None:
        """Write the configuration into a fresh ``state`` folder."""
        raise NotImplementedError

    def launch(self, state: Path) -> Launch:
        raise NotImplementedError


class Tuimail(Program):
    name = "tuimail"
    jump_keys = ("G",)
    quit_keys = ("q",)
    frame_marker = "? Help"  # the footer

    def __init__(self, executable: Path | None = None) -> None:
        self.executable = executable or Path(sys.executable).parent / "tuimail"

    def available(self) -> bool:
        return self.executable.exists()

    def version(self) -> str:
        done = subprocess.run([str(self.executable), "--version"], capture_output=True, text=True)
        out = done.stdout.strip()
        git = ["git", "-C", str(REPO)]
        # the last commit that changed the app, and whether the app is edited since
        commit = subprocess.run(
            [*git, "log", "-1", "--format=%h", "--", "tuimail"], capture_output=True, text=True
        ).stdout.strip()
        edited = subprocess.run([*git, "diff", "--quiet", "HEAD", "--", "tuimail"]).returncode
        return f"{out} (tuimail/ at {commit}{', edited' if edited else ''})" if commit else out

    def prepare(self, state: Path, account: Account) -> None:
        _make_dirs(state)
        config = state / "tuimail.toml"
        config.write_text(
            'default_account = "bench"\n\n'
            "[accounts.bench]\n"
            f'host = "{account.host}"\n'
            f"port = {account.port}\n"
            f'username = "{account.username}"\n'
            'tls = "none"\n'
            f'password = "{account.password}"\n'
        )
        config.chmod(0o600)

    def launch(self, state: Path) -> Launch:
        return Launch([str(self.executable), "--config", str(state / "tuimail.toml")], base_env(state), state)

    def traced_launch(self, state: Path, trace: Path) -> Launch:
        """The same start with the protocol trace (logger ``tuimail.imap.protocol``) written to ``trace``."""
        script = Path(__file__).resolve().parent / "traced_tuimail.py"
        argv = [sys.executable, str(script), str(trace), "--config", str(state / "tuimail.toml")]
        return Launch(argv, base_env(state), state)


class Aerc(Program):
    name = "aerc"
    jump_keys = ("G",)
    quit_keys = ("q",)

    def available(self) -> bool:
        return shutil.which("aerc") is not None

    def version(self) -> str:
        out = subprocess.run(["aerc", "-v"], capture_output=True, text=True).stdout.strip()
        match = re.search(r"aerc ([\w.\-]+)", out)
        return f"aerc {match.group(1)}" if match else out

    def prepare(self, state: Path, account: Account) -> None:
        _make_dirs(state)
        folder = state / "config" / "aerc"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "aerc.conf").write_text("[general]\nunsafe-accounts-conf = true\n")
        accounts = folder / "accounts.conf"
        accounts.write_text(
            "[bench]\n"
            f"source = imap+insecure://{account.username}:{account.password}@{account.host}:{account.port}\n"
            "outgoing = /bin/false\n"
            "default = INBOX\n"
            "from = Bench User <bench@example.org>\n"
            "cache-headers = true\n"
        )
        accounts.chmod(0o600)

    def launch(self, state: Path) -> Launch:
        return Launch(["aerc"], base_env(state), state)


class Neomutt(Program):
    name = "neomutt"
    jump_keys = ("*",)
    quit_keys = ("q",)

    def available(self) -> bool:
        return shutil.which("neomutt") is not None

    def version(self) -> str:
        out = subprocess.run(["neomutt", "-v"], capture_output=True, text=True).stdout
        return out.splitlines()[0].strip() if out else "neomutt ?"

    def prepare(self, state: Path, account: Account) -> None:
        _make_dirs(state)
        (state / "cache" / "neomutt").mkdir(parents=True, exist_ok=True)
        muttrc = state / "muttrc"
        muttrc.write_text(
            f'set folder = "imap://{account.username}@{account.host}:{account.port}/"\n'
            'set spoolfile = "+INBOX"\n'
            f'set imap_user = "{account.username}"\n'
            f'set imap_pass = "{account.password}"\n'
            "set ssl_starttls = no\n"
            "set ssl_force_tls = no\n"
            f'set header_cache = "{state / "cache" / "neomutt"}/"\n'
            "set sort = reverse-date\n"
            "set mail_check_stats = no\n"
            "set imap_check_subscribed = no\n"
            "set sleep_time = 0\n"
            "set charset = utf-8\n"
            "set move = no\n"
            'set record = ""\n'
            f'set postponed = "{state / "home" / "postponed"}"\n'
            f'set mbox = "{state / "home" / "mbox"}"\n'
        )
        muttrc.chmod(0o600)

    def launch(self, state: Path) -> Launch:
        return Launch(["neomutt", "-n", "-F", str(state / "muttrc")], base_env(state), state)


def all_programs() -> list[Program]:
    return [Tuimail(), Aerc(), Neomutt()]
