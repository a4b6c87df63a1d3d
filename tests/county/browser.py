"""A real browser for the workbench's tests: Chromium headless under selenium (Debian's
`chromium` and `chromium-driver`, which `python3 dev.py test` installs), with the flags it
needs on a server without a display or a sandbox, and nothing fetched from the internet."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from hub.web import assets
from tests.system_setup import missing, require_tools

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",
    "--window-size=1366,900",
)


def chromium(javascript: bool = True) -> webdriver.Chrome:
    require_tools("chromium", "chromedriver")
    if assets.vendor_file("htmx.min.js") is None:
        missing("the workbench's npm packages are not installed (packaging/hub/node_modules)")
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium never downloads a driver
    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    options.binary_location = str(shutil.which("chromium"))
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    return webdriver.Chrome(service=Service(str(shutil.which("chromedriver"))), options=options)


class Page:
    """One browser on one hub: what a person does, in a few words."""

    def __init__(self, driver: webdriver.Chrome, base: str) -> None:
        self.driver = driver
        self.base = base

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def wait(self, condition: Callable[[webdriver.Chrome], Any], seconds: float = 10) -> Any:
        return WebDriverWait(
            self.driver,
            seconds,
            ignored_exceptions=(StaleElementReferenceException, NoSuchElementException),
        ).until(condition)

    def find(self, css: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[Any]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self) -> str:
        return str(self.find("body").text)

    def type(self, css: str, text: str, enter: bool = False) -> None:
        field = self.find(css)
        field.clear()
        field.send_keys(text + (Keys.ENTER if enter else ""))

    def sign_in(self, login: str, password: str) -> None:
        self.wait(lambda d: "/county/login" in d.current_url)
        form = self.find("form")
        self.type("input[name=login]", login)
        self.type("input[name=password]", password, enter=True)
        # the answer is a new page either way (the next page, or the form with its error):
        # wait for it, so the caller never looks at the login page still on screen
        self.wait(lambda d: _gone(form))

    def see(self, words: str, seconds: float = 10) -> None:
        self.wait(lambda d: words in _body_text(d), seconds)

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def shot(self, path: os.PathLike[str] | str, most: int = 6000) -> None:
        """The page from its top, 1366 pixels wide, as high as it is (768 to `most`)."""
        self.js("window.scrollTo(0, 0)")
        height = max(768, min(int(self.js("return document.documentElement.scrollHeight")), most))
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1366, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        try:
            self.driver.save_screenshot(str(path))
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _body_text(driver: webdriver.Chrome) -> str:
    """The page's text; "" while the page is being replaced (Chromium reports a body that
    left the document either as stale or as a node that "does not belong to the document")."""
    try:
        return str(driver.find_element(By.CSS_SELECTOR, "body").text)
    except WebDriverException as exc:
        if isinstance(exc, StaleElementReferenceException) or "does not belong" in str(exc):
            return ""
        raise


def _gone(element: Any) -> bool:
    """Whether `element`'s page has been replaced (Chromium says so in one of two ways)."""
    try:
        element.is_enabled()
    except (StaleElementReferenceException, WebDriverException):
        return True
    return False
