"""Pilot tests: an unexpected error in the app still fails the test.

The app shows an unexpected error and carries on (issue 10, item 10,
:mod:`tuimail.ui.unexpected`), so Textual no longer re-raises it at the end
of ``run_test``.  This fixture records every error the app reports and fails
the test with the first one, unless the test is marked
``@pytest.mark.unexpected_errors`` (it causes them on purpose).
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator

import pytest

from tuimail.ui.unexpected import UnexpectedErrors


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "unexpected_errors: the test makes the app report unexpected errors")


@pytest.fixture(autouse=True)
def reported_errors(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[BaseException]]:
    """Every error the app reported as unexpected during the test."""
    seen: list[BaseException] = []
    report = UnexpectedErrors.report

    def recording(self: UnexpectedErrors, error: BaseException) -> None:
        seen.append(error)
        report(self, error)

    monkeypatch.setattr(UnexpectedErrors, "report", recording)
    yield seen
    if seen and request.node.get_closest_marker("unexpected_errors") is None:
        details = "".join(traceback.format_exception(seen[0]))
        pytest.fail(f"the app reported {len(seen)} unexpected error(s); the first:\n{details}", pytrace=False)
