"""The web UI in a real browser: headless Chromium (Debian's `chromium` and
`chromium-driver`, driven by Selenium) against a real `sanctions serve` on a loopback port
over a real SQLite store with the real OFAC and UN lists.

One analyst's day: sign in through the form, screen "Dan Gertler", open the entity and its
list's changes, walk the alert queue by keyboard, propose a true match; a second user
approves it and finds the decision in the audit view, whose chain verifies. Every page
visited is checked with axe-core (vendored in tests/web/vendor, injected by the driver, so
the pages' CSP stays strict) for serious or critical accessibility violations. The run
saves 1280x800 screenshots into docs/ui/ (or $SANCTIONS_UI_SCREENSHOTS).

Without Chromium the test is skipped with a reason; with SANCTIONS_REQUIRE_BROWSER=1
(set by .ci/run) it fails instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from uihelpers import PASSWORD

from apiserver import ApiServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("SANCTIONS_UI_SCREENSHOTS", REPO / "docs" / "ui"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WAIT = 20.0

if not (CHROMIUM and DRIVER):
    reason = "no headless Chromium or chromedriver (apt-get install chromium chromium-driver)"
    if os.environ.get("SANCTIONS_REQUIRE_BROWSER") == "1":
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, ui_base_db: Path) -> Iterator[ApiServer]:
    db = tmp_path_factory.mktemp("browser") / "store.db"
    shutil.copyfile(ui_base_db, db)
    yield from ApiServer.running(db)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    options = Options()
    options.binary_location = CHROMIUM or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER or ""), options=options)
    driver.set_window_size(1280, 800)
    try:
        yield driver
    finally:
        driver.quit()


class Analyst:
    """The browser as one user: navigation, waits, screenshots and accessibility checks."""

    def __init__(self, driver: WebDriver, base: str) -> None:
        self.driver, self.base = driver, base
        # A page replaced mid-wait (a form post, an htmx swap) leaves stale elements: retry.
        self.wait = WebDriverWait(driver, WAIT, ignored_exceptions=[StaleElementReferenceException])
        self.axe_checked: list[str] = []

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def find(self, css: str) -> Any:
        return self.wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    def text(self, css: str) -> str:
        return str(self.find(css).text)

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SHOTS / f"{name}.png"))

    def scroll_to(self, css: str) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView(true);", self.find(css))

    def sign_in(self, user: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/ui/")
        self.wait.until(ec.url_contains("/ui/login"))
        self.find("#username").send_keys(user)
        self.find("#password").send_keys(PASSWORD)
        self.find("form button[type=submit]").click()
        self.wait.until(lambda d: "/ui/login" not in d.current_url)

    def check_accessibility(self) -> None:
        """axe-core on the current page: no serious or critical violation."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
            " help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
            ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e),"
            " nodes: []}]));"
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not bad, f"{self.driver.current_url}: {bad}"
        self.axe_checked.append(self.driver.current_url)


def test_an_analysts_day_in_a_real_browser(server: ApiServer, browser: WebDriver) -> None:
    ui = Analyst(browser, server.base)

    # Signed out: any page leads to the sign-in form, which shows no data.
    ui.open("/ui/alerts")
    ui.wait.until(ec.url_contains("/ui/login"))
    assert "GERTLER" not in browser.page_source
    ui.shot("signin")
    ui.check_accessibility()

    # A wrong password: no session, the one neutral message.
    ui.find("#username").send_keys("anna")
    ui.find("#password").send_keys("not the password")
    ui.find("form button[type=submit]").click()
    assert "unknown user or wrong password" in ui.text(".error")

    ui.sign_in("anna")
    assert "Dashboard" in ui.text("h1")
    assert "ofac-sdn" in browser.page_source
    ui.shot("dashboard")
    ui.check_accessibility()

    # Screen a name: the form swaps in the results (htmx) and the URL follows.
    ui.open("/ui/screen")
    box = ui.find("#name")
    box.send_keys("Dan Gertler")
    box.send_keys(Keys.ENTER)
    hit = ui.find("#results .hit a.entity[href='/ui/entities/ofac-sdn:23252']")
    assert "GERTLER" in hit.text
    ui.wait.until(ec.url_contains("name=Dan"))
    assert browser.find_elements(By.CSS_SELECTOR, "#results .hit mark")  # matched words marked
    ui.shot("screening")
    ui.check_accessibility()

    # The entity, with its history across the two OFAC versions.
    hit.click()
    assert "ofac-sdn:23252" in ui.text("#entity-id")
    assert "GERTLER" in ui.text("h1")
    assert browser.find_elements(By.CSS_SELECTOR, "#history li")
    ui.shot("entity")
    ui.check_accessibility()

    # The list's changes between its last two versions.
    ui.find("a[href^='/ui/changes/ofac-sdn']").click()
    ui.find("#changes")
    ui.find("#version-picker")
    assert ui.find("#modified").text
    ui.shot("changes")
    ui.check_accessibility()

    # A modified entity: its history shows what the new version changed, field by field.
    ui.find("#modified a[href^='/ui/entities/']").click()
    steps = browser.find_elements(By.CSS_SELECTOR, "#history li")
    assert len(steps) >= 2
    ui.scroll_to("#history")
    ui.shot("entity-history")
    ui.check_accessibility()

    # The alert queue by keyboard: j selects the first row, Enter opens it.
    ui.open("/ui/alerts")
    ui.find("table.queue[data-keynav] tbody tr[data-href]")
    ui.shot("alerts")
    ui.check_accessibility()
    first = browser.find_element(By.CSS_SELECTOR, "table.queue tbody tr[data-href]")
    target = first.get_attribute("data-href")
    browser.find_element(By.TAG_NAME, "body").send_keys("j")
    ui.wait.until(lambda d: "selected" in (first.get_attribute("class") or ""))
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    ui.wait.until(ec.url_to_be(server.base + str(target)))
    alert_path = str(target)

    # Propose a true match: four-eyes makes it pending approval.
    assert "Alert" in ui.text("h1")
    ui.shot("alert-review")
    ui.check_accessibility()
    Select(ui.find("#decision")).select_by_value("true_match")
    ui.find("#reason").send_keys("Same name, birth date and nationality as the listing.")
    ui.find("#decide").click()
    ui.wait.until(lambda d: "pending" in d.find_element(By.ID, "alert-state").text.lower())

    # A second user approves it.
    ui.sign_in("arno")
    ui.open(alert_path)
    assert "anna" in ui.text("#approval-form").lower() or "anna" in browser.page_source
    ui.find("#approve").click()
    ui.wait.until(lambda d: "true" in d.find_element(By.ID, "alert-state").text.lower())
    events = ui.text("#events").lower()
    assert "arno" in events and "anna" in events

    # The decision is in the audit view, and the chain verifies.
    ui.open("/ui/audit")
    entries = ui.text("#audit-entries")
    assert "arno" in entries and "alert" in entries.lower()
    ui.find("#verify").click()
    ui.wait.until(lambda d: d.find_element(By.ID, "verify-result").text.strip() != "")
    assert "intact" in ui.text("#verify-result").lower()
    ui.shot("audit")
    ui.check_accessibility()

    assert len(ui.axe_checked) >= 8
