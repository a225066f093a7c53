"""tuimail's configuration: a TOML file of accounts, theme and key remaps.

The file lives at ``platformdirs.user_config_dir("tuimail")/config.toml``
(``$XDG_CONFIG_HOME/tuimail/config.toml`` on Linux) unless ``--config`` names
another.  This form must work::

    default_account = "work"
    theme = "tuimail-dark"

    [accounts.work]
    host = "imap.example.com"
    port = 993
    username = "joe"
    tls = "implicit"              # implicit | starttls | none
    password_command = "pass show mail/work"
    read_only = false

A bad file raises :class:`ConfigError` naming the file, the key and the
problem; the CLI prints it and exits with status 2.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

TLS_MODES = ("implicit", "starttls", "none")
DEFAULT_PORTS = {"implicit": 993, "starttls": 143, "none": 143}
#: ``auth = "login"`` uses the LOGIN command; anything else is a SASL mechanism.
AUTH_MECHANISMS = (
    "login",
    "plain",
    "scram-sha-256",
    "scram-sha-1",
    "cram-md5",
    "xoauth2",
    "oauthbearer",
    "external",
    "anonymous",
)


class ConfigError(Exception):
    """The configuration file is unreadable or holds a bad value."""

    def __init__(self, path: Path | str | None, key: str | None, problem: str) -> None:
        self.path = Path(path) if path is not None else None
        self.key = key
        self.problem = problem
        where = str(self.path) if self.path is not None else "<config>"
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


class PasswordError(Exception):
    """The password could not be obtained (command failed, keyring empty...)."""


def config_dir() -> Path:
    """The user's tuimail configuration folder (themes live in ``themes/`` under it)."""
    return Path(platformdirs.user_config_dir("tuimail"))


def default_config_path() -> Path:
    """Where the configuration file is looked for without ``--config``."""
    return config_dir() / "config.toml"


def default_download_folder() -> Path:
    """Where attachments are saved unless the config says otherwise."""
    downloads = platformdirs.user_downloads_dir()
    return Path(downloads) if downloads else Path.home()


@dataclass(frozen=True)
class Account:
    """One IMAP account of the configuration."""

    name: str
    host: str
    username: str
    port: int | None = None
    tls: str = "implicit"
    auth: str = "login"
    password_command: str | None = None
    keyring: str | None = None  # keyring service name, when the keyring holds the password
    password: str | None = field(default=None, repr=False)
    read_only: bool = False
    trash_folder: str = "Trash"
    archive_folder: str = "Archive"
    #: Archive into a folder per year of the message (``Archive/2026``), created when missing.
    archive_by_year: bool = False
    download_folder: Path | None = None
    ca_file: Path | None = None

    @property
    def effective_port(self) -> int:
        """The configured port, or the usual one for the TLS mode."""
        return self.port if self.port is not None else DEFAULT_PORTS[self.tls]

    @property
    def cache_key(self) -> str:
        """The account's key in the header cache (``user@host:port``)."""
        return f"{self.username}@{self.host}:{self.effective_port}"


@dataclass
class Config:
    """The whole configuration: accounts plus app-wide settings."""

    path: Path | None = None
    default_account: str | None = None
    theme: str | None = None
    accounts: dict[str, Account] = field(default_factory=dict)
    keymap: dict[str, str] = field(default_factory=dict)
    download_folder: Path | None = None
    read_only: bool = False
    #: An action on more messages than this asks first.
    bulk_threshold: int = 20
    #: The command that opens a link from a message (None: xdg-open, or open on macOS).
    link_opener: str | None = None
    #: Where the log for bug reports goes (``--log FILE`` wins); None: no log.
    log_file: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def account(self, name: str | None = None) -> Account:
        """The named account, else the default one, else the only one."""
        if name is None:
            name = self.default_account
        if name is None:
            if len(self.accounts) == 1:
                return next(iter(self.accounts.values()))
            if not self.accounts:
                raise ConfigError(self.path, "accounts", "no account is configured")
            raise ConfigError(
                self.path, "default_account", "several accounts and no default_account: use --account NAME"
            )
        try:
            return self.accounts[name]
        except KeyError:
            known = ", ".join(sorted(self.accounts)) or "none"
            raise ConfigError(self.path, "accounts", f"no account named {name!r} (known: {known})") from None


def load_config(path: Path | str | None = None) -> Config:
    """Read and check the configuration file.

    With ``path`` None the default location is used, and a missing file gives
    an empty configuration.  A named file that is missing is an error.
    """
    explicit = path is not None
    file = Path(path) if path is not None else default_config_path()
    try:
        text = file.read_bytes().decode("utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(file, None, "file not found") from None
        return Config(path=None)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(file, None, f"cannot read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, None, f"not valid TOML: {exc}") from None
    return parse_config(data, file)


def _check(path: Path | None, key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    # bool is an int subclass: refuse it where a number is wanted.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(path, key, f"must be {what}, not {type(value).__name__} {value!r}")
    return value


_TOP_KEYS = {
    "default_account",
    "theme",
    "accounts",
    "keymap",
    "download_folder",
    "read_only",
    "bulk_threshold",
    "log_file",
    "link_opener",
}
_ACCOUNT_KEYS = {
    "host",
    "port",
    "username",
    "tls",
    "auth",
    "password_command",
    "keyring",
    "password",
    "read_only",
    "trash_folder",
    "archive_folder",
    "archive_by_year",
    "download_folder",
    "ca_file",
}


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    """Turn the TOML tables into a :class:`Config`, checking every key."""
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(path, key, f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    cfg = Config(path=path)
    if "default_account" in data:
        cfg.default_account = _check(path, "default_account", data["default_account"], str, "a string")
    if "theme" in data:
        cfg.theme = _check(path, "theme", data["theme"], str, "a string")
    if "read_only" in data:
        cfg.read_only = _check(path, "read_only", data["read_only"], bool, "true or false")
    if "bulk_threshold" in data:
        cfg.bulk_threshold = _check(path, "bulk_threshold", data["bulk_threshold"], int, "a number")
        if cfg.bulk_threshold < 0:
            raise ConfigError(path, "bulk_threshold", f"must be 0 or more, not {cfg.bulk_threshold}")
    if "download_folder" in data:
        folder = _check(path, "download_folder", data["download_folder"], str, "a string")
        cfg.download_folder = Path(folder).expanduser()
    if "log_file" in data:
        log_file = _check(path, "log_file", data["log_file"], str, "a string")
        if not log_file.strip():
            raise ConfigError(path, "log_file", "must not be empty")
        cfg.log_file = Path(log_file).expanduser()
    if "link_opener" in data:
        opener = _check(path, "link_opener", data["link_opener"], str, "a string")
        if not opener.strip():
            raise ConfigError(path, "link_opener", "must not be empty")
        cfg.link_opener = opener
    keymap = _check(path, "keymap", data.get("keymap", {}), dict, "a table of binding id = keys")
    for binding_id, keys in keymap.items():
        _check(path, f"keymap.{binding_id}", keys, str, 'a string of keys such as "ctrl+n,j"')
        cfg.keymap[binding_id] = keys
    accounts = _check(path, "accounts", data.get("accounts", {}), dict, "a table of accounts")
    for name, table in accounts.items():
        _check(path, f"accounts.{name}", table, dict, "a table")
        cfg.accounts[name] = _parse_account(name, table, path, cfg)
    if cfg.default_account is not None and cfg.default_account not in cfg.accounts:
        raise ConfigError(path, "default_account", f"no account named {cfg.default_account!r} in [accounts]")
    return cfg


def _parse_account(name: str, table: dict[str, Any], path: Path | None, cfg: Config) -> Account:
    prefix = f"accounts.{name}"
    for key in table:
        if key not in _ACCOUNT_KEYS:
            known = ", ".join(sorted(_ACCOUNT_KEYS))
            raise ConfigError(path, f"{prefix}.{key}", f"unknown key (known: {known})")
    for required in ("host", "username"):
        if required not in table:
            raise ConfigError(path, f"{prefix}.{required}", "missing (required)")
    host = _check(path, f"{prefix}.host", table["host"], str, "a string")
    if not host.strip():
        raise ConfigError(path, f"{prefix}.host", "must not be empty")
    username = _check(path, f"{prefix}.username", table["username"], str, "a string")
    port = None
    if "port" in table:
        port = _check(path, f"{prefix}.port", table["port"], int, "a number")
        if not 0 < port < 65536:
            raise ConfigError(path, f"{prefix}.port", f"must be between 1 and 65535, not {port}")
    tls = _check(path, f"{prefix}.tls", table.get("tls", "implicit"), str, "a string")
    if tls not in TLS_MODES:
        raise ConfigError(path, f"{prefix}.tls", f"must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    auth = _check(path, f"{prefix}.auth", table.get("auth", "login"), str, "a string").lower()
    if auth not in AUTH_MECHANISMS:
        known = ", ".join(AUTH_MECHANISMS)
        raise ConfigError(path, f"{prefix}.auth", f"must be one of {known}, not {auth!r}")
    password_command = None
    if "password_command" in table:
        password_command = _check(
            path, f"{prefix}.password_command", table["password_command"], str, "a string"
        )
    keyring_service = None
    if "keyring" in table:
        value = _check(path, f"{prefix}.keyring", table["keyring"], (bool, str), "true or a service name")
        if value is True:
            keyring_service = "tuimail"
        elif isinstance(value, str):
            keyring_service = value
    password = None
    if "password" in table:
        password = _check(path, f"{prefix}.password", table["password"], str, "a string")
        cfg.warnings.append(
            f"{path}: {prefix}.password: a plain password in the config file is readable by anyone who "
            "can read the file; prefer password_command or keyring"
        )
    sources = [s for s in (password_command, keyring_service, password) if s is not None]
    if len(sources) > 1:
        raise ConfigError(path, prefix, "give only one of password_command, keyring and password")
    read_only = _check(path, f"{prefix}.read_only", table.get("read_only", False), bool, "true or false")
    trash = _check(path, f"{prefix}.trash_folder", table.get("trash_folder", "Trash"), str, "a string")
    archive = _check(
        path, f"{prefix}.archive_folder", table.get("archive_folder", "Archive"), str, "a string"
    )
    by_year = _check(
        path, f"{prefix}.archive_by_year", table.get("archive_by_year", False), bool, "true or false"
    )
    download = None
    if "download_folder" in table:
        download = Path(_check(path, f"{prefix}.download_folder", table["download_folder"], str, "a string"))
        download = download.expanduser()
    ca_file = None
    if "ca_file" in table:
        ca_file = Path(_check(path, f"{prefix}.ca_file", table["ca_file"], str, "a string")).expanduser()
    return Account(
        name=name,
        host=host,
        username=username,
        port=port,
        tls=tls,
        auth=auth,
        password_command=password_command,
        keyring=keyring_service,
        password=password,
        read_only=read_only,
        trash_folder=trash,
        archive_folder=archive,
        archive_by_year=by_year,
        download_folder=download,
        ca_file=ca_file,
    )


def get_password(account: Account) -> str:
    """The account's password from its command, the keyring or the file.

    Blocking (it may run a command): call it off the UI's event loop.
    """
    if account.password_command is not None:
        try:
            # Run through the shell, as mail tools' PassCmd do: pipes are common here.
            done = subprocess.run(
                account.password_command,
                shell=True,
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
                env=os.environ.copy(),
            )
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            raise PasswordError(f"password_command failed: {exc}") from None
        if done.returncode != 0:
            detail = done.stderr.strip().splitlines()[-1:] or [""]
            raise PasswordError(f"password_command exited with status {done.returncode} {detail[0]}".strip())
        lines = done.stdout.splitlines()
        if not lines or not lines[0]:
            raise PasswordError("password_command printed no password")
        return lines[0]
    if account.keyring is not None:
        import keyring
        import keyring.errors

        try:
            secret = keyring.get_password(account.keyring, account.username)
        except keyring.errors.KeyringError as exc:
            raise PasswordError(f"keyring: {exc}") from None
        if secret is None:
            raise PasswordError(
                f"no password in the keyring for service {account.keyring!r}, user {account.username!r}"
            )
        return secret
    if account.password is not None:
        return account.password
    raise PasswordError(f"account {account.name!r} has no password_command, keyring or password")
