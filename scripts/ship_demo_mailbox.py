"""Write the demo mailbox the package ships (tuimail/demo/demo-mailbox.json.gz).

    .venv/bin/python scripts/ship_demo_mailbox.py

Run it after changing the generator (tuimail/demo/mailbox.py): until then the
shipped copy carries the old source's digest and is not used (the first demo
builds the mailbox), and tests/demo/test_shipped_mailbox.py fails.
"""

from __future__ import annotations

from pathlib import Path

import tuimail.demo.mailbox as mailbox
from tuimail.demo.stored_mailbox import SHIPPED, ship

if __name__ == "__main__":
    ship(Path(mailbox.__file__), dict(mailbox.demo_mailboxes()))
    print(f"wrote {SHIPPED} ({SHIPPED.stat().st_size:,} bytes)")
