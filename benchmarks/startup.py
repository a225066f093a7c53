"""Start-up benchmark: tuimail beside aerc and neomutt, from outside, in tmux.

    .venv/bin/python benchmarks/startup.py [--messages 100000] [--runs 3]

One run of this script measures every installed program on the same
mailbox: a private Dovecot (tests/servers/dovecot.py) on 127.0.0.1 serving
an INBOX of ``--messages`` generated messages (benchmarks/corpus.py; the
Maildir is built once and cached in ``--cache-dir``, then hard-linked into
Dovecot's folder).  Each program runs in a private tmux server at a fixed
size (120x40), and the script reads the screen the way a person does,
polling ``tmux capture-pane`` about every 10 ms:

* first screen, cold: from asking tmux to start the command until the pane
  shows the newest message's subject, with the client's state folder (its
  configuration, and its header cache) fresh; and until the program's whole
  frame is on screen, where its first screen can come before it (tuimail's
  cold paint draws the newest rows alone: until its footer shows; for the
  others the whole frame is the first screen);
* second start, warm: the same again with the state the first start left
  (tuimail's cache once it has one; aerc with ``cache-headers = true``;
  neomutt with ``header_cache``);
* second start, keys answered: in the same warm start, the program's key for
  the oldest message is sent the moment the newest subject is seen; from
  launch until the oldest message's subject is on screen (a start that draws
  before it can act on keys shows it here);
* jump to the oldest message: from sending the program's own key for it
  (``G`` in tuimail and aerc, ``*`` in neomutt) until the oldest message's
  subject is on screen;
* memory: the resident set size of the program (and any children) with the
  mailbox open, once it has settled after the first screen.

Rounds are interleaved (every program once per round, the order rotated
each round), after one unmeasured warm-up round that leaves Dovecot's index
and caches in their steady state; figures are medians over ``--runs``
rounds.  Finally tuimail is started once more with its protocol trace
(logger ``tuimail.imap.protocol``, via benchmarks/traced_tuimail.py) to
list the commands and round trips before its first screen.

``--latency-ms N`` puts every client behind a proxy (benchmarks/proxy_process.py)
that holds each chunk N ms each way, and a new connection 2N ms: the round
trips of a server on the network, which loopback hides.

``--autogroup-nice N`` (Linux, -N needs root) runs each pane's scheduling
group at niceness N, as benchmarks/demo_start.py does: each tmux pane is a
session of its own, and under autogroup scheduling a plain ``nice`` does
nothing against other sessions' processes; -15 approximates a quiet machine
when other work shares it.  The load average is printed before each round.

This is a benchmark, not a test: it prints figures and tuimail's ratio to
each peer measured in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import imaplib
import os
import platform
import pwd
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import peers  # noqa: E402
import trace_summary  # noqa: E402
from proxy_process import delaying_process  # noqa: E402
from tmux_screen import Pane, PaneDied, ScreenTimeout, TmuxServer, tmux_version  # noqa: E402

from tests.servers.dovecot import DovecotServer, find_dovecot  # noqa: E402

MEASURES = [
    ("cold", "first screen, cold (s)"),
    ("cold_cpu", "  its CPU time (s)"),
    ("cold_frame", "  the whole frame (s)"),
    ("warm", "second start, warm (s)"),
    ("warm_cpu", "  its CPU time (s)"),
    ("warm_keys", "warm, keys answered (s)"),
    ("jump", "jump to oldest (s)"),
    ("rss", "memory, RSS (MB)"),
]


@dataclass
class Results:
    figures: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, program: str, measure: str, value: float) -> None:
        self.figures.setdefault(program, {}).setdefault(measure, []).append(value)

    def median(self, program: str, measure: str) -> float | None:
        values = self.figures.get(program, {}).get(measure, [])
        return statistics.median(values) if values else None


def say(text: str) -> None:
    print(text, flush=True)


# --------------------------------------------------------------------- server


def dovecot_version(binary: str) -> str:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    return f"Dovecot {out.split()[0]}" if out else "Dovecot ?"


def mail_owner() -> tuple[int, int] | None:
    """Who owns the Maildir: Dovecot's ``dovecot`` user when run as root (as its config says)."""
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("dovecot")
    return entry.pw_uid, entry.pw_gid


def prewarm(account: peers.Account, count: int) -> tuple[float, float]:
    """Open the INBOX once (Dovecot builds its index) and fetch every message's list
    items once (fills Dovecot's cache); check the count and the newest and oldest
    subjects.  Returns (SELECT seconds, FETCH seconds)."""
    imap = imaplib.IMAP4(account.host, account.port)
    try:
        imap.login(account.username, account.password)
        started = time.perf_counter()
        status, data = imap.select("INBOX", readonly=True)
        selected = time.perf_counter() - started
        exists = int(data[0] or 0)
        if status != "OK" or exists != count:
            raise RuntimeError(f"INBOX holds {exists} messages, not {count}")
        started = time.perf_counter()
        status, _ = imap.fetch("1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
        fetched = time.perf_counter() - started
        for seq, subject in ((str(count), corpus.NEWEST_SUBJECT), ("1", corpus.OLDEST_SUBJECT)):
            _, answer = imap.fetch(seq, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            got = answer[0][1].decode() if isinstance(answer[0], tuple) else ""
            if subject not in got:
                raise RuntimeError(f"message {seq} has {got.strip()!r}, expected {subject!r}")
        imap.logout()
    finally:
        try:
            imap.shutdown()
        except OSError:
            pass
    return selected, fetched


# --------------------------------------------------------------------- runs


def settle_rss(pane: Pane, *, least: float = 1.5, most: float = 15.0) -> int:
    """RSS once it has stopped moving (four samples over 0.75 s within 1 %), at most ``most`` s."""
    started = time.monotonic()
    samples: list[int] = []
    while True:
        samples.append(pane.rss_bytes())
        recent = samples[-4:]
        elapsed = time.monotonic() - started
        if elapsed >= least and len(recent) == 4 and max(recent) - min(recent) <= 0.01 * max(recent):
            return recent[-1]
        if elapsed >= most:
            return samples[-1]
        time.sleep(0.25)


def niced(argv: list[str], nice: int | None) -> list[str]:
    """``argv`` run with its pane's autogroup at niceness ``nice`` (None: as it is)."""
    if nice is None:
        return argv
    # The pane's shell is its session leader: its autogroup is the program's.
    return ["sh", "-c", f'echo {int(nice)} > /proc/self/autogroup && exec "$0" "$@"', *argv]


def one_program(
    tmux: TmuxServer,
    program: peers.Program,
    state: Path,
    account: peers.Account,
    args: argparse.Namespace,
    results: Results | None,
    label: str,
) -> None:
    """Cold start (+ memory + jump), then warm start, of one program; figures into ``results``."""
    shutil.rmtree(state, ignore_errors=True)
    program.prepare(state, account)
    poll = args.poll_ms / 1000
    figures: dict[str, float] = {}
    for phase in ("cold", "warm"):
        launch = program.launch(state)
        pane = tmux.launch(niced(launch.argv, args.autogroup_nice), launch.env, launch.cwd)
        try:
            seen = pane.wait_for(corpus.NEWEST_SUBJECT, timeout=args.timeout, poll=poll)
            figures[phase] = seen - pane.started
            figures[f"{phase}_cpu"] = pane.cpu_seconds()
            if phase == "cold":
                if program.frame_marker is not None:
                    seen = pane.wait_for(program.frame_marker, timeout=args.timeout, poll=poll)
                figures["cold_frame"] = seen - pane.started
                figures["rss"] = settle_rss(pane) / 1e6
                pressed = pane.send_keys(*program.jump_keys)
                seen = pane.wait_for(corpus.OLDEST_SUBJECT, timeout=args.timeout, poll=poll)
                figures["jump"] = seen - pressed
            else:
                pane.send_keys(*program.jump_keys)  # at once: is the screen already answering?
                seen = pane.wait_for(corpus.OLDEST_SUBJECT, timeout=args.timeout, poll=poll)
                figures["warm_keys"] = seen - pane.started
                time.sleep(args.linger)
        except (ScreenTimeout, PaneDied) as exc:
            message = f"{label} {program.name} {phase}: {exc}"
            if results is not None:
                results.failures.append(message)
            say(message)
            pane.stop(program.quit_keys)
            return
        if not pane.stop(program.quit_keys):
            note = f"{label} {program.name} {phase}: did not quit on {program.quit_keys}; killed"
            say(note)
            if results is not None:
                results.failures.append(note)
    shown = "  ".join(f"{k} {v:.3f}" for k, v in figures.items())
    say(f"  {label:9} {program.name:8} {shown}")
    if results is not None:
        for key, value in figures.items():
            results.add(program.name, key, value)


def traced_tuimail(
    tmux: TmuxServer, program: peers.Tuimail, state: Path, account: peers.Account, args: argparse.Namespace
) -> list[str]:
    """Start tuimail cold, then warm (same state), with its protocol trace; summarise each
    trace up to the first screen, and the ``--linger`` seconds after it."""
    shutil.rmtree(state, ignore_errors=True)
    program.prepare(state, account)
    lines: list[str] = []
    for phase in ("cold", "warm"):
        trace = state / f"protocol-{phase}.log"
        launch = program.traced_launch(state, trace)
        pane = tmux.launch(niced(launch.argv, args.autogroup_nice), launch.env, launch.cwd)
        try:
            seen = pane.wait_for(corpus.NEWEST_SUBJECT, timeout=args.timeout, poll=args.poll_ms / 1000)
        except (ScreenTimeout, PaneDied) as exc:
            pane.stop(program.quit_keys)
            return [*lines, f"traced tuimail {phase} start failed: {exc}"]
        first_screen = seen - pane.started
        time.sleep(args.linger)
        pane.stop(program.quit_keys)
        until = pane.started_wall + first_screen
        summary = trace_summary.summarise(trace, pane.started_wall, until)
        lines += trace_summary.format_summary(summary, first_screen, phase)
        after = trace_summary.summarise(trace, pane.started_wall, until + args.linger)
        lines.append(
            f"  within {args.linger:.1f} s after it: {len(after.commands) - len(summary.commands)} more "
            f"client lines, {after.envelopes - summary.envelopes} more envelopes"
        )
    return lines


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --------------------------------------------------------------------- report


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}x"


def table(results: Results, programs: list[peers.Program]) -> list[str]:
    names = [p.name for p in programs]
    peers_present = [n for n in names if n != "tuimail"]
    head = f"{'measurement':26}" + "".join(f"{n:>10}" for n in names)
    head += "".join(f"{'tuimail/' + n:>18}" for n in peers_present)
    lines = [head, "-" * len(head)]
    for key, title in MEASURES:
        values = {n: results.median(n, key) for n in names}
        digits = 1 if key == "rss" else 2 if key.endswith("_cpu") else 3
        row = f"{title:26}" + "".join(
            f"{values[n]:>10.{digits}f}" if values[n] is not None else f"{'-':>10}" for n in names
        )
        row += "".join(f"{ratio(values.get('tuimail'), values[n]):>18}" for n in peers_present)
        lines.append(row)
    return lines


def all_runs(results: Results, programs: list[peers.Program]) -> list[str]:
    lines = []
    for program in programs:
        for key, title in MEASURES:
            values = results.figures.get(program.name, {}).get(key, [])
            digits = 1 if key == "rss" else 2 if key.endswith("_cpu") else 3
            shown = ", ".join(f"{v:.{digits}f}" for v in values)
            lines.append(f"  {program.name:8} {title:26} {shown}")
    return lines


# --------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000, help="INBOX size (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="measured rounds, medians printed (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured rounds first (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=40)
    parser.add_argument("--programs", default="tuimail,aerc,neomutt", help="comma-separated (default: all)")
    parser.add_argument("--poll-ms", type=float, default=10.0, help="screen poll interval (default 10 ms)")
    parser.add_argument("--timeout", type=float, default=180.0, help="longest wait for a screen (s)")
    parser.add_argument("--linger", type=float, default=1.0, help="seconds a warm start stays up (default 1)")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()),
        help="where Dovecot's folder and the clients' state go (default the temp dir)",
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=None,
        help="where the generated Maildir is kept between runs (default WORKDIR/tuimail-bench-corpus); "
        "on the same file system as WORKDIR so it can be hard-linked",
    )
    parser.add_argument(
        "--autogroup-nice", type=int, metavar="N", help="each pane's autogroup niceness (-15: as if quiet)"
    )
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, metavar="N",
        help="clients reach the server through a proxy adding N ms each way (default none)",
    )
    parser.add_argument("--no-trace", action="store_true", help="skip tuimail's traced start")
    parser.add_argument("--keep", action="store_true", help="keep the clients' state folders")
    return parser.parse_args(argv)


def _stop_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the clean-up below (Dovecot, tmux, folders)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGINT, _stop_on_signal)  # also when started in the background
    wanted = [n.strip() for n in args.programs.split(",") if n.strip()]
    programs = [p for p in peers.all_programs() if p.name in wanted]
    missing = [p.name for p in programs if not p.available()]
    for name in missing:
        say(f"{name} is not installed: skipped")
    programs = [p for p in programs if p.available()]
    if not any(p.name == "tuimail" for p in programs):
        say("tuimail is not installed in this Python environment (pip install -e .)")
        return 2
    binary = find_dovecot()
    if binary is None:
        say("dovecot is not installed")
        return 2

    workdir = args.workdir.resolve()
    cache_dir = (args.cache_dir or workdir / "tuimail-bench-corpus").resolve()
    cache_dir.mkdir(parents=True, exist_ok=True)
    versions = {p.name: p.version() for p in programs}
    say(f"tuimail start-up benchmark, {datetime.now():%Y-%m-%d %H:%M}")
    named = ", ".join(versions[p.name] for p in programs)
    say(f"  {named}; {dovecot_version(binary)}; {tmux_version()}")
    say(f"  Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")

    started = time.perf_counter()
    cur, built = corpus.cached_corpus(args.messages, args.seed, cache_dir)
    if built is None:
        say(f"corpus: {args.messages} messages cached in {cur.parent}")
    else:
        say(f"corpus: {args.messages} messages generated in {built:.1f} s into {cur.parent}")
    size = sum(e.stat().st_size for e in os.scandir(cur))
    say(f"  {size / 1e6:.0f} MB, {size / max(1, args.messages) / 1e3:.1f} KB a message")

    tempfile.tempdir = str(workdir)  # Dovecot's folder beside the corpus, so hard links work
    server = DovecotServer(binary)
    tmux: TmuxServer | None = None
    state_root = Path(tempfile.mkdtemp(prefix="tuimail-bench-state-", dir=workdir))
    results = Results()
    trace_lines: list[str] = []
    proxies = contextlib.ExitStack()
    try:
        server.start()
        info = server.server_info()
        account = peers.Account(info.host, info.port, info.username, info.password)
        maildir = server.mail_root / info.username / "Maildir"
        took = corpus.install(cur, maildir, mail_owner())
        say(f"  linked into Dovecot's Maildir in {took:.1f} s")
        selected, fetched = prewarm(account, args.messages)
        say(f"  Dovecot: SELECT (builds the index) {selected:.1f} s, FETCH 1:* {fetched:.1f} s")
        if args.latency_ms:
            port = proxies.enter_context(delaying_process(info.host, info.port, args.latency_ms))
            account = peers.Account(info.host, port, info.username, info.password)
            say(f"  clients connect through a proxy adding {args.latency_ms:g} ms each way")
        say(f"  {time.perf_counter() - started:.1f} s of set-up in all")

        tmux = TmuxServer(args.width, args.height)
        nice = "" if args.autogroup_nice is None else f", panes at autogroup niceness {args.autogroup_nice}"
        say(f"\nruns in tmux {args.width}x{args.height}, screen polled every {args.poll_ms:.0f} ms{nice}:")
        rounds = [("warm-up", None)] * args.warmup + [(f"run {r + 1}", results) for r in range(args.runs)]
        for index, (label, sink) in enumerate(rounds):
            shift = index % len(programs)
            say(f"  ({label}: load average {load_average()})")
            for program in programs[shift:] + programs[:shift]:
                try:
                    state = state_root / f"{program.name}-{index}"
                    one_program(tmux, program, state, account, args, sink, label)
                except Exception:  # noqa: BLE001 - one program failing must not lose the others' figures
                    message = f"{label} {program.name}: {traceback.format_exc()}"
                    say(message)
                    results.failures.append(message)
        if not args.no_trace:
            tuimail = next(p for p in programs if isinstance(p, peers.Tuimail))
            trace_lines = traced_tuimail(tmux, tuimail, state_root / "tuimail-traced", account, args)
        if tmux.polls:
            each = tmux.poll_seconds / tmux.polls * 1000
            say(f"  {tmux.polls} screen polls, {each:.1f} ms each on average")
    finally:
        if tmux is not None:
            tmux.close()
        proxies.close()
        server.stop()
        if not args.keep:
            shutil.rmtree(state_root, ignore_errors=True)
        else:
            say(f"state folders kept in {state_root}")

    say("")
    say(
        f"{args.messages} messages in a Dovecot INBOX on 127.0.0.1"
        + (f" ({args.latency_ms:g} ms away each way, by a proxy)" if args.latency_ms else "")
        + f", tmux {args.width}x{args.height}; "
        f"medians of {args.runs} interleaved runs"
        + ("" if args.autogroup_nice is None else f", panes at autogroup niceness {args.autogroup_nice}")
    )
    say("  " + ", ".join(versions[p.name] for p in programs))
    for line in table(results, programs):
        say(line)
    say("\nevery run:")
    for line in all_runs(results, programs):
        say(line)
    if trace_lines:
        say("")
        for line in trace_lines:
            say(line)
    if results.failures:
        say(f"\n{len(results.failures)} failure(s), see above")
    command = " ".join(["python", "benchmarks/startup.py", *(argv if argv is not None else sys.argv[1:])])
    say(f"\n(printed by: {command})")
    return 1 if results.failures else 0


if __name__ == "__main__":
    sys.exit(main())
