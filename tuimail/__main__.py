"""``python -m tuimail``: the same as the ``tuimail`` command."""

from tuimail.cli import main

raise SystemExit(main())
