"""axe-core for the browser tests: found or installed from the npm registry once.

axe-core is a JavaScript library, not a Python package. It is looked for at
`AXE_CORE_JS` (a path to axe.min.js), then in a cache folder; if missing there and
`npm` is available, `npm install axe-core@AXE_VERSION` fills the cache (CI has npm;
.ci/run installs nothing else for it). Without it the accessibility tests skip
locally and fail under CI (`REQUIRE_BROWSER=1`), as the browser itself does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

AXE_VERSION = "4.14.1"
CACHE = Path(
    os.environ.get("AXE_CACHE_DIR", Path.home() / ".cache" / "memorial-axe-core")
)
#: Impacts that fail a page; "minor" and "moderate" are reported, not failed.
FAILING = ("serious", "critical")


def axe_source() -> str:
    """The text of axe.min.js, installing it into the cache when needed."""
    given = os.environ.get("AXE_CORE_JS")
    if given and Path(given).is_file():
        return Path(given).read_text()
    script = CACHE / AXE_VERSION / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file() and shutil.which("npm"):
        script.parent.parent.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-save", "--silent", f"axe-core@{AXE_VERSION}"],
            cwd=script.parent.parent.parent,
            check=False,
            capture_output=True,
            timeout=300,
        )
    if script.is_file():
        return script.read_text()
    message = "axe-core not found (set AXE_CORE_JS or install npm)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def serious_violations(page, source: str) -> list[str]:
    """axe's serious and critical violations on the page, one line per node."""
    page.add_script_tag(content=source)
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in FAILING:
            continue
        for node in violation["nodes"]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {node['target']} "
                f"{node['html'][:120]}"
            )
    return lines
