"""tuimail.config: the TOML file, accounts, passwords, and errors that name file and key."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tuimail import config as config_module
from tuimail.config import Account, ConfigError, PasswordError, get_password, load_config, parse_config

# The issue's example, as tuimail.config's docstring shows it ("This form must work").
_DOC = config_module.__doc__ or ""
ISSUE_EXAMPLE = textwrap.dedent(_DOC.split("This form must work::\n\n")[1].split("\n\nA bad file")[0]) + "\n"


A = '[accounts.a]\nhost = "h"\nusername = "u"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_issue_example_config_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ISSUE_EXAMPLE))
    assert config.default_account == "work"
    assert config.theme == "tuimail-dark"
    account = config.account()
    assert account == Account(
        name="work",
        host="imap.example.com",
        port=993,
        username="joe",
        tls="implicit",
        password_command="pass show mail/work",
        read_only=False,
    )
    assert config.warnings == []


def test_full_account_keys_and_keymap(tmp_path: Path) -> None:
    text = """\
theme = "tuimail-light"
download_folder = "~/Downloads/mail"

[keymap]
"message.delete" = "x"

[accounts.home]
host = "mail.example.org"
username = "ann"
tls = "starttls"
auth = "SCRAM-SHA-256"
keyring = true
read_only = true
trash_folder = "Deleted Items"
archive_folder = "Old"
"""
    config = load_config(write(tmp_path, text))
    account = config.account("home")
    assert account.tls == "starttls"
    assert account.effective_port == 143
    assert account.auth == "scram-sha-256"
    assert account.keyring == "tuimail"
    assert account.read_only is True
    assert (account.trash_folder, account.archive_folder) == ("Deleted Items", "Old")
    assert config.keymap == {"message.delete": "x"}
    assert config.download_folder == Path("~/Downloads/mail").expanduser()


def test_plain_password_is_accepted_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, A + 'password = "secret"\n')
    config = load_config(path)
    assert get_password(config.account()) == "secret"
    assert len(config.warnings) == 1
    assert "accounts.a.password" in config.warnings[0] and str(path) in config.warnings[0]


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        (A + 'port = "993"\n', "accounts.a.port", "must be a number"),
        (A + 'port = 70000\n', "accounts.a.port", "between 1 and 65535"),
        (A + 'tls = "ssl"\n', "accounts.a.tls", "must be one of"),
        ('[accounts.a]\nhost = "h"\n', "accounts.a.username", "missing"),
        (A + 'read_only = "yes"\n', "accounts.a.read_only", "true or false"),
        (A + 'hots = "x"\n', "accounts.a.hots", "unknown key"),
        (A + 'auth = "magic"\n', "accounts.a.auth", "must be one of"),
        ('default_account = "b"\n' + A, "default_account", "no account"),
        ('colour = "red"\n', "colour", "unknown key"),
        ('[keymap]\n"app.quit" = 3\n', "keymap.app.quit", "must be a string"),
        (
            A + 'password = "p"\npassword_command = "c"\n',
            "accounts.a",
            "only one of",
        ),
    ],
)
def test_bad_value_error_names_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == key
    assert problem in info.value.problem
    assert str(path) in str(info.value) and key in str(info.value)


def test_invalid_toml_error_names_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[accounts.a\nhost = ")
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_missing_default_file_gives_empty_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    config = load_config(None)
    assert config.accounts == {} and config.path is None


def test_default_location_is_the_platform_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "tuimail").mkdir()
    (tmp_path / "tuimail" / "config.toml").write_text(ISSUE_EXAMPLE)
    assert load_config(None).account().host == "imap.example.com"


def test_several_accounts_without_default_asks_for_one(tmp_path: Path) -> None:
    text = A + '[accounts.b]\nhost = "h"\nusername = "u"\n'
    config = load_config(write(tmp_path, text))
    with pytest.raises(ConfigError, match="--account"):
        config.account()
    assert config.account("b").name == "b"
    with pytest.raises(ConfigError, match="no account named 'c'"):
        config.account("c")


def test_password_command_first_line_is_the_password() -> None:
    cmd = f"{sys.executable} -c \"print('s3cret'); print('ignored')\""
    assert get_password(Account("a", "h", "u", password_command=cmd)) == "s3cret"


def test_failing_password_command_raises_password_error() -> None:
    cmd = f"{sys.executable} -c \"import sys; sys.stderr.write('no such entry'); sys.exit(1)\""
    with pytest.raises(PasswordError, match="status 1 no such entry"):
        get_password(Account("a", "h", "u", password_command=cmd))


def test_keyring_password_is_read_from_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    asked: list[tuple[str, str]] = []

    def fake_get_password(service: str, user: str) -> str | None:
        asked.append((service, user))
        return "from-keyring" if service == "mail" else None

    monkeypatch.setattr(keyring, "get_password", fake_get_password)
    assert get_password(Account("a", "h", "joe", keyring="mail")) == "from-keyring"
    with pytest.raises(PasswordError, match="no password in the keyring"):
        get_password(Account("a", "h", "joe", keyring="other"))
    assert asked == [("mail", "joe"), ("other", "joe")]


def test_account_without_password_source_raises() -> None:
    with pytest.raises(PasswordError, match="no password_command"):
        get_password(Account("a", "h", "u"))


def test_readme_configuration_example_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    config = load_config(write(tmp_path, block))
    assert config.account().host == "imap.example.com"
    assert config.keymap == {"message.delete": "x,delete"}


def test_link_opener_is_read_and_an_empty_one_refused() -> None:
    assert parse_config({"link_opener": "firefox --new-tab"}).link_opener == "firefox --new-tab"
    assert parse_config({}).link_opener is None
    with pytest.raises(ConfigError, match="link_opener"):
        parse_config({"link_opener": "  "})
    with pytest.raises(ConfigError, match="link_opener"):
        parse_config({"link_opener": ["firefox"]})
