"""``python -m tuimail.demo``: the demo server's child process (:mod:`tuimail.demo.serving`)."""

from tuimail.demo.serving import main

raise SystemExit(main())
