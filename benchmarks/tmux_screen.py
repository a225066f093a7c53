"""Drive programs in a private tmux server and watch their screen from outside.

One tmux server per benchmark (its own socket name, no user config); every
program runs in its own detached session of a fixed size, started through
``env -i`` with exactly the environment given.  Panes stay after their
program exits (``remain-on-exit``) so a crash leaves its last screen to show.

Times are ``time.perf_counter()`` seconds; :meth:`Pane.wait_for` polls
``capture-pane`` about every ``poll`` seconds and returns the moment the
poll that first saw the text was sent.  Polls and keys go through one tmux
control-mode client (``tmux -C``, commands over a pipe, about 0.3 ms a
poll) rather than a new tmux process each time, so watching the screen
takes little CPU from the program being measured.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class ScreenTimeout(RuntimeError):
    """The text did not appear in time (the message holds the last screen)."""


class PaneDied(RuntimeError):
    """The program exited before the text appeared (the message holds its last screen)."""


def _tmux_binary() -> str:
    found = shutil.which("tmux")
    if found is None:
        raise RuntimeError("tmux is not installed (apt-get install tmux)")
    return found


def tmux_version() -> str:
    return subprocess.run([_tmux_binary(), "-V"], capture_output=True, text=True, check=True).stdout.strip()


@dataclass
class Pane:
    """One program running in a tmux pane."""

    server: TmuxServer
    session: str
    pane_id: str
    pid: int
    started: float  # perf_counter just before tmux was asked to start it
    started_wall: float  # time.time() at the same moment
    polls: int = field(default=0)

    def screen(self) -> str:
        return self.server.control.run(f"capture-pane -p -t {self.pane_id}")[0]

    def _screen_and_dead(self) -> tuple[str, bool]:
        text, dead = self.server.control.run(
            f"capture-pane -p -t {self.pane_id}", f"display-message -p -t {self.pane_id} '#{{pane_dead}}'"
        )
        return text, dead.strip() == "1"

    def dead(self) -> bool:
        out = self.server.control.run(f"display-message -p -t {self.pane_id} '#{{pane_dead}}'")
        return out[0].strip() == "1"

    def wait_for(self, text: str, *, timeout: float, poll: float = 0.01) -> float:
        """Poll the screen until it shows ``text``; the perf_counter time of that poll."""
        deadline = time.perf_counter() + timeout
        screen = ""
        while True:
            at = time.perf_counter()
            screen, dead = self._screen_and_dead()
            self.polls += 1
            self.server.polls += 1
            self.server.poll_seconds += time.perf_counter() - at
            if text in screen:
                return at
            if dead:
                raise PaneDied(f"the program exited before {text!r} appeared; last screen:\n{screen}")
            if at > deadline:
                raise ScreenTimeout(f"{text!r} did not appear within {timeout:.0f} s; last screen:\n{screen}")
            rest = poll - (time.perf_counter() - at)
            if rest > 0:
                time.sleep(rest)

    def send_keys(self, *keys: str) -> float:
        """Send tmux key names (``G``, ``End``, ``q``...); the perf_counter time just before."""
        quoted = " ".join(_quote(key) for key in keys)
        at = time.perf_counter()
        self.server.control.run(f"send-keys -t {self.pane_id} {quoted}")
        return at

    def rss_bytes(self) -> int:
        """Resident set size of the program and all its descendants (Linux /proc)."""
        return sum(_rss(pid) for pid in _descendants(self.pid))

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the program and all its descendants (Linux /proc)."""
        return sum(_cpu(pid) for pid in _descendants(self.pid))

    def own_cpu_seconds(self) -> float:
        """User + system CPU time so far of the program's own process (its children not counted)."""
        return _cpu(self.pid)

    def stop(self, quit_keys: Sequence[str], *, timeout: float = 10.0) -> bool:
        """Quit with the program's own keys; kill it when it does not exit within ``timeout``.

        Returns True when it exited by itself.
        """
        clean = False
        if not self.dead():
            self.send_keys(*quit_keys)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.dead():
                    clean = True
                    break
                time.sleep(0.05)
            if not clean:
                for pid in reversed(_descendants(self.pid)):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        else:
            clean = True
        self.server.tmux("kill-session", "-t", self.session)
        return clean


class TmuxServer:
    """A private tmux server (own socket, no config file) for one benchmark run."""

    def __init__(self, width: int, height: int) -> None:
        self.binary = _tmux_binary()
        self.socket = f"tuimail-bench-{os.getpid()}"
        self.width = width
        self.height = height
        self._count = 0
        self.polls = 0  # screen polls made, and the seconds they took (one tmux client call each)
        self.poll_seconds = 0.0
        # A keeper session holds the server up between programs.
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "keeper", "-x", str(width), "-y", str(height),
                  "sleep 100000000", prefix=False)
        self.tmux("set-option", "-g", "remain-on-exit", "on")
        self.tmux("set-option", "-g", "status", "off")
        self.tmux("set-option", "-g", "default-size", f"{width}x{height}")
        self.tmux("set-option", "-g", "escape-time", "0")
        self.control = ControlClient(self.binary, self.socket, "keeper")

    def tmux(self, *args: str, prefix: bool = True) -> str:
        command = [self.binary, "-L", self.socket, *args]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")
        return done.stdout

    def launch(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> Pane:
        """Start ``argv`` in a new pane of ``width`` x ``height`` with exactly ``env``."""
        self._count += 1
        session = f"run{self._count}"
        command = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv]
        started_wall = time.time()
        started = time.perf_counter()
        out = self.tmux(
            "new-session", "-d", "-s", session, "-x", str(self.width), "-y", str(self.height),
            "-c", str(cwd), "-P", "-F", "#{pane_id} #{pane_pid} #{pane_width}x#{pane_height}",
            "--", *command,
        )
        pane_id, pid, size = out.split()
        if size != f"{self.width}x{self.height}":
            raise RuntimeError(f"tmux made a {size} pane, not {self.width}x{self.height}")
        return Pane(self, session, pane_id, int(pid), started, started_wall)

    def close(self) -> None:
        self.control.close()
        subprocess.run([self.binary, "-L", self.socket, "kill-server"], capture_output=True)


def _quote(word: str) -> str:
    """``word`` as one argument in tmux's command syntax."""
    return "'" + word.replace("'", "'\\''") + "'"


class ControlClient:
    """One ``tmux -C`` client: commands written as lines, answers read back as
    ``%begin`` ... ``%end`` blocks (tmux(1), CONTROL MODE); notifications between
    blocks are skipped."""

    _END = re.compile(rb"^%(end|error) (\d+) (\d+) (\d+)$")

    def __init__(self, binary: str, socket: str, session: str) -> None:
        self.process = subprocess.Popen(
            [binary, "-u", "-L", socket, "-C", "attach-session", "-t", session],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in, self._out = self.process.stdin, self.process.stdout
        # The attach itself answers with a block first: read until our marker comes back.
        self._in.write(b"display-message -p tuimail-bench-ready\n")
        while self._block()[0] != "tuimail-bench-ready\n":
            pass

    def _block(self) -> tuple[str, bool]:
        """The next answer block to a command written here: (output, ok).  A block whose flags
        are 0 answers the client's own attach-session, which may come after our first commands'
        answers (then every answer would be read as the next command's): it is skipped."""
        while True:
            line = self._out.readline()
            if not line:
                raise RuntimeError("the tmux control client ended")
            if line.startswith(b"%begin "):
                number, flags = line.split()[2:4]
                if flags == b"0":
                    self._skip(number)
                    continue
                break
        lines: list[bytes] = []
        ok = self._read_to_end(number, lines)
        return b"".join(lines).decode("utf-8", "replace"), ok

    def _skip(self, number: bytes) -> None:
        self._read_to_end(number, None)

    def _read_to_end(self, number: bytes, lines: list[bytes] | None) -> bool:
        """Read to the end of block ``number`` (its lines into ``lines``); True for %end, False for %error."""
        while True:
            line = self._out.readline()
            if not line:
                raise RuntimeError("the tmux control client ended")
            end = self._END.match(line.rstrip(b"\n"))
            if end is not None and end.group(3) == number:
                return end.group(1) == b"end"
            if lines is not None:
                lines.append(line)

    def run(self, *commands: str) -> list[str]:
        """Run each command (one line each, sent together); their outputs, in order."""
        self._in.write("".join(c + "\n" for c in commands).encode())
        outputs = []
        for command in commands:
            text, ok = self._block()
            if not ok:
                raise RuntimeError(f"tmux {command!r} failed: {text.strip()}")
            outputs.append(text)
        return outputs

    def close(self) -> None:
        try:
            self._in.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, parents first."""
    children = _children_map()
    out, todo = [], [pid]
    while todo:
        current = todo.pop(0)
        out.append(current)
        todo.extend(children.get(current, []))
    return out


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15 of proc(5))


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
