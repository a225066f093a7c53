"""The app's own CPU up to its first frame with rows, ``tuimail --demo`` in tmux.

    .venv/bin/python benchmarks/first_frame_cpu.py [--runs 10] [--autogroup-nice -15] [SRC ...]

Each run starts ``python first_frame_cpu.py --inside --demo`` in a 120x40 tmux
pane: the command as ``tuimail --demo`` runs it, with two hooks put in as the
modules are first imported (nothing is imported earlier than the command
imports it).  When the first frame after the newest rows reached the list is
written to the terminal, it appends the seconds since the process started and
the process's CPU (user + system, every thread; the demo server's child
process not counted) to a file, and the app quits.  Unlike the screen poll of
``demo_start.py`` this stops on the frame itself, and the CPU is the figure
that moves with the app's work: the start is CPU-bound on one interpreter
lock.  The demo mailbox is built in a first, unmeasured run.

With SRC folders (source checkouts, e.g. git worktrees of other commits) the
runs alternate between them, each with ``PYTHONPATH=SRC`` (the same
interpreter and packages); without, the installed tuimail.  Medians and
every run are printed per SRC.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HOOKED = ("textual.app", "tuimail.ui.screens.main")


def _inside() -> None:
    """In the pane: run the command with the hooks; write "seconds cpu" at the frame."""
    import importlib.machinery

    out = os.environ["FIRST_FRAME_OUT"]
    state: dict[str, Any] = {}

    def since_start() -> float:
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            up = float(f.read().split()[0])
        return up - start_ticks / os.sysconf("SC_CLK_TCK")

    def hook_screen(module: Any) -> None:
        on_view_changed = module.MainScreen.on_view_changed

        def wrapped(self: Any, message: Any) -> None:
            on_view_changed(self, message)
            if "done" not in state and self.message_list.summary_at(0) is not None:
                state["done"] = True
                state["app"] = self.app  # the next frame written holds the rows

        module.MainScreen.on_view_changed = wrapped

    def hook_app(module: Any) -> None:
        display = module.App._display

        def wrapped(self: Any, screen: Any, renderable: Any) -> None:
            display(self, screen, renderable)
            if renderable is not None and state.get("app") is self:
                del state["app"]
                times = os.times()
                with open(out, "a") as f:
                    f.write(f"{since_start():.3f} {times.user + times.system:.3f}\n")
                self.exit()

        module.App._display = wrapped

    hooks = {"textual.app": hook_app, "tuimail.ui.screens.main": hook_screen}

    class Finder:
        @staticmethod
        def find_spec(name: str, path: Any, target: Any = None) -> Any:
            if name not in hooks:
                return None
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def hooked(module: Any) -> None:
                exec_module(module)
                hooks[name](module)

            spec.loader.exec_module = hooked  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, Finder())
    from tuimail.cli import main

    sys.exit(main(sys.argv[2:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="measured runs per SRC")
    parser.add_argument("--autogroup-nice", type=int, metavar="N", help="as in demo_start.py")
    parser.add_argument("src", nargs="*", type=Path, help="source folders to alternate")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from tmux_screen import TmuxServer

    sources: list[Path | None] = list(args.src) or [None]
    figures: dict[Path | None, list[tuple[float, float]]] = {src: [] for src in sources}
    server = TmuxServer(120, 40)
    home = tempfile.TemporaryDirectory()
    try:
        for run in range(args.runs + 1):  # run 0 builds the demo mailbox, unmeasured
            for src in sources:
                out = Path(home.name) / "figures"
                out.unlink(missing_ok=True)
                env = {
                    "PATH": os.environ["PATH"], "HOME": home.name, "TERM": "xterm-256color",
                    "XDG_CONFIG_HOME": home.name, "XDG_CACHE_HOME": home.name,
                    "XDG_STATE_HOME": home.name, "FIRST_FRAME_OUT": str(out),
                }
                if src is not None:
                    env["PYTHONPATH"] = str(src.resolve())
                argv = [sys.executable, str(Path(__file__).resolve()), "--inside", "--demo"]
                if args.autogroup_nice is not None:
                    nice = f'echo {args.autogroup_nice} > /proc/self/autogroup && exec "$0" "$@"'
                    argv = ["sh", "-c", nice, *argv]
                pane = server.launch(argv, env, Path(home.name))
                deadline = time.monotonic() + 60
                while not out.exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.3)
                pane.stop(["q"])
                if run and out.exists():
                    seconds, cpu = out.read_text().split()
                    figures[src].append((float(seconds), float(cpu)))
    finally:
        server.close()
        home.cleanup()
    print(f"tuimail --demo, the app's process to its first frame with rows "
          f"(load average {os.getloadavg()[0]:.1f}):")
    for src, runs in figures.items():
        name = str(src) if src is not None else "installed"
        if not runs:
            print(f"  {name}: no run finished")
            continue
        print(f"  {name}: median {statistics.median(s for s, _ in runs):.3f} s, "
              f"CPU {statistics.median(c for _, c in runs):.3f} s ({len(runs)} runs)")
        print("    " + " ".join(f"{s:.2f}/{c:.2f}" for s, c in runs))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inside"]:
        _inside()
    else:
        main()
