"""How long ``tuimail --demo`` takes to its first screen, seen from outside in tmux.

    .venv/bin/python benchmarks/demo_start.py [--runs 5] [--autogroup-nice N]

Each run starts ``tuimail --demo`` in a fresh 120x40 tmux pane and waits for
the newest demo message's subject on the screen.  The first run has empty
HOME and XDG folders, as a new user has (the demo mailbox is read from the
copy the package ships, or built if that is another generator's, then kept in
the cache folder); the others share that folder, as a second start does.
It prints every run's seconds and CPU seconds (the program and its
demo server child; and the program's own process alone, the critical path
since the server runs on the other CPU), the median of the later runs, and
the ratio to issue 11's target of about a second.  The
demo has no peer (aerc and neomutt have no demo): the target is the
reference.

``--autogroup-nice N`` (Linux, -N needs root) runs each pane's scheduling group
at niceness N.  With other work on the machine (other tests, other
benchmarks) ``-15`` approximates a quiet machine: each tmux pane is a session
of its own, and under autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``)
a plain ``nice`` does nothing against other sessions' processes.  The
figures printed say which was used.
"""

from __future__ import annotations

import argparse
import email
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from tmux_screen import TmuxServer  # noqa: E402

from tuimail.demo.mailbox import demo_mailboxes  # noqa: E402
from tuimail.mail.headers import decode_text  # noqa: E402

TARGET_SECONDS = 1.0


def newest_subject() -> str:
    inbox = demo_mailboxes()["INBOX"]
    newest = max(inbox, key=lambda message: message.internaldate)
    return decode_text(email.message_from_bytes(newest.raw)["Subject"])[:20]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--autogroup-nice", type=int, metavar="N", help="each pane's autogroup niceness (-15: as if quiet)"
    )
    args = parser.parse_args()
    subject = newest_subject()
    binary = Path(sys.executable).with_name("tuimail")
    seconds: list[float] = []
    cpu: list[float] = []
    own_cpu: list[float] = []
    server = TmuxServer(120, 40)
    home_folder = tempfile.TemporaryDirectory()
    try:
        home = home_folder.name  # one HOME for every run: the first builds, the others reuse
        env = {
            "PATH": os.environ["PATH"],
            "HOME": home,
            "TERM": "xterm-256color",
            "XDG_CONFIG_HOME": home,
            "XDG_CACHE_HOME": home,
            "XDG_STATE_HOME": home,
        }
        argv = [str(binary), "--demo"]
        if args.autogroup_nice is not None:
            # The pane's shell is its session leader: its autogroup is the program's (and the demo server's).
            argv = ["sh", "-c", f'echo {args.autogroup_nice} > /proc/self/autogroup && exec "$0" "$@"', *argv]
        for _ in range(args.runs):
            pane = server.launch(argv, env, Path.cwd())
            shown = pane.wait_for(subject, timeout=60)
            seconds.append(shown - pane.started)
            cpu.append(pane.cpu_seconds())
            own_cpu.append(pane.own_cpu_seconds())
            pane.stop(["q"])
            time.sleep(0.2)
    finally:
        server.close()
        home_folder.cleanup()
    later = seconds[1:] or seconds
    median = statistics.median(later)
    load = f"load average {os.getloadavg()[0]:.1f}"
    if args.autogroup_nice is not None:
        load += f", autogroup nice {args.autogroup_nice}"
    print(f"tuimail --demo to its first screen ({args.runs} runs, {load}):")
    print("  runs (s):        " + " ".join(f"{s:.2f}" for s in seconds))
    print("  CPU (s):         " + " ".join(f"{s:.2f}" for s in cpu))
    print("  app's own CPU:   " + " ".join(f"{s:.2f}" for s in own_cpu)
          + f"   (later runs' median {statistics.median(own_cpu[1:] or own_cpu):.2f} s)")
    print(f"  first run:       {seconds[0]:.2f} s (empty HOME: the mailbox read from the package)")
    ratio = median / TARGET_SECONDS
    print(f"  later (median):  {median:.2f} s   ({ratio:.2f}x the {TARGET_SECONDS:.0f} s target)")


if __name__ == "__main__":
    main()
