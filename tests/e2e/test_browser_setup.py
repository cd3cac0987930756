"""Without its browser, the browser suite says how to install it, and fails in CI."""

import pytest

from .conftest import browser_unavailable


def test_missing_browser_fails_under_ci_with_the_install_command(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="make system-deps"):
        browser_unavailable("/usr/bin/chromium est absent")


def test_missing_browser_is_skipped_locally_with_the_install_command(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"install-system-deps\.sh chromium"):
        browser_unavailable("/usr/bin/chromium est absent")
