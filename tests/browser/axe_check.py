"""axe-core on the page as it is now: the serious and critical problems, in words."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SERIOUS = ("serious", "critical")
_axe = Axe()


def serious_violations(page: Page, where: str) -> list[str]:
    """One line per rule broken: its id, impact, help text and (up to five) target selectors."""
    problems = []
    for violation in _axe.run(page).response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            problems.append(
                f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}"
                f" at {targets[:5]}"
            )
    return problems
