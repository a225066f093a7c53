"""Run the ``tuimail`` command with its protocol trace written to a file.

    python benchmarks/traced_tuimail.py TRACE_FILE [tuimail arguments...]

The app has no trace option (``tuimail --help``), so this attaches a file
handler to the logger ``tuimail.imap.protocol`` (DEBUG: every ``C:``/``S:``
line, credentials redacted) and then runs ``tuimail.cli.main`` exactly as
the console script does.  Each line starts with the wall-clock time of the
record (``time.time()`` seconds), which the start-up benchmark compares with
the moment the first screen appeared.
"""

from __future__ import annotations

import logging
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    handler = logging.FileHandler(sys.argv[1], encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(created).6f %(imap_connection)s %(message)s"))
    logger = logging.getLogger("tuimail.imap.protocol")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    logger.propagate = False

    from tuimail.cli import main as tuimail_main

    return tuimail_main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
