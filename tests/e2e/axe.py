"""axe-core (npm, tests/browser_assets) in the browser tests: no serious or critical accessibility violation.

`install(context)` adds axe to every page of a Playwright context as an init script (init scripts are not
subject to the page's Content-Security-Policy, so the gateway's policy stays as it is); `violations(page)`
runs it on the page as it is now and lists what is serious or critical (WCAG 2.1 A and AA rules).
bin/test installs axe-core; without it these tests fail rather than pass unchecked.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parents[1] / "browser_assets" / "node_modules" / "axe-core" / "axe.min.js"
RUN = """async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  // No preload: axe would fetch the admin stylesheets' @import (widgets.css) against the page's URL (a 404).
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, preload: false});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(
      n => n.target.join(" ") + " " + (n.failureSummary || "").split("\\n").slice(1, 2).join("")),
  }));
}"""


def install(context) -> None:
    assert AXE.exists(), f"axe-core is missing ({AXE}): run bin/test, or npm ci in tests/browser_assets"
    context.add_init_script(path=str(AXE))


def violations(page) -> list[str]:
    """Serious and critical violations on `page`, one line each (empty: none)."""
    found = page.evaluate(RUN)
    return [
        f"{v['impact']} {v['id']} ({v['help']}): {'; '.join(v['nodes'])}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page, where: str) -> None:
    problems = violations(page)
    assert not problems, f"axe-core on {where} ({page.url}):\n" + "\n".join(problems)
