"""How the project launches a browser: Debian's chromium, headless, never a downloaded one.

Shared by the browser tests (tests/e2e) and `make screenshots` (scripts/screenshots.py).
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "installez-le avec « make system-deps » (ou « scripts/install-system-deps.sh chromium », "
    "soit « apt-get install chromium » sous Debian) ; le paquet Python playwright vient avec "
    "« pip install -e '.[dev]' ». Ne lancez pas « playwright install » : les tests utilisent "
    "le chromium du système."
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def launch_chromium(playwright, chromium=CHROMIUM):
    """Start the system chromium through a started Playwright."""
    return playwright.chromium.launch(
        executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
    )
