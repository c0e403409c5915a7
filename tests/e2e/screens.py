"""Screenshots of the browser tests: into test-artifacts/ every run, and into docs/screenshots/ for the README.

A docs copy is made when it is missing or GATEWAY_UPDATE_SCREENSHOTS is set (else the tree would change every
run), or on every run for `docs_always`.
"""

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = REPO / "docs" / "screenshots"


def shot(page, name: str, *, folder: Path, docs_name: str | None = None, docs_always: bool = False) -> Path:
    """Save a full-page screenshot as `folder`/<name>.png, copied to docs/screenshots/<docs_name>.png if given."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if docs_name is not None:
        docs = DOCS_SCREENSHOTS / f"{docs_name}.png"
        if docs_always or os.environ.get("GATEWAY_UPDATE_SCREENSHOTS") or not docs.exists():
            docs.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, docs)
    return path
