"""Shared helpers of the browser tests: a signed-in person per browser context, htmx saves and
workflow buttons, with every console error (CSP violations above all) collected."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def dom(code: str) -> str:
    """The CSS selector of an item on the worksheet (dots are not valid in ``#...``)."""
    return "#item-" + code.replace(".", "-")


class Browser:
    """One signed-in person: a browser context of their own, with every console error kept."""

    def __init__(self, browser, base_url: str, problems: list[str], password: str):
        self.base_url = base_url
        self.problems = problems
        self.password = password
        self.context = browser.new_context(locale="id-ID")
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))

    def _console(self, msg) -> None:
        if msg.type == "error" or "Content Security Policy" in msg.text:
            self.problems.append(f"console {msg.type}: {msg.text} @ {self.page.url}")

    def login(self, username: str) -> Browser:
        page = self.page
        page.goto(f"{self.base_url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", self.password)
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return self

    def goto(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def status(self, path: str) -> int:
        """The status of a GET with this person's session, without following redirects."""
        return self.page.request.get(self.base_url + path, max_redirects=0).status


def save(page: Page, code: str, side: str) -> None:
    """Submit the item's form of ``side`` and wait for the swapped item saying it was saved."""
    form = page.locator(f"{dom(code)} form.answer-form[data-side={side}]")
    with page.expect_response(lambda r: r.request.method == "POST" and f"/butir/{code}/simpan/" in r.url) as sent:
        form.locator("button[type=submit]").click()
    response = sent.value
    assert response.ok and response.request.headers.get("hx-request") == "true", (response.status, response.url)
    expect(page.locator(f"{dom(code)} .alert-success")).to_contain_text("Tersimpan.")


def choose(page: Page, code: str, side: str, option: str) -> None:
    page.locator(f"{dom(code)} form.answer-form[data-side={side}] input[name=answer][value='{option}']").check()
    save(page, code, side)


def transition(page: Page, action: str, state_label: str) -> None:
    page.locator(f"#actions button[data-action={action}]").click()
    expect(page.locator("#state-badge")).to_have_text(state_label)
