"""Screenshots of the running demo (make run) for the README.

Usage: python3 scripts/screenshots.py [http://localhost:8069] — needs the `playwright`
Python package and a Chromium (Debian: apt-get install chromium). Writes docs/*.png.
"""

import pathlib
import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
OUT = pathlib.Path(__file__).resolve().parent.parent / "docs"
ACTION = "action-all_staff_marketing."
# (file, login, url path after /odoo/)
SHOTS = [
    ("my_referrals.png", "referrer", ACTION + "asm_referral_action_my"),
    ("crm_kanban.png", "admin", "action-crm.crm_lead_action_pipeline"),
    ("commission_lines.png", "admin", ACTION + "asm_commission_line_action"),
    ("commission_rule.png", "admin", ACTION + "asm_commission_rule_action"),
    ("statements.png", "admin", ACTION + "asm_statement_action"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def login(browser, user):
    page = browser.new_context(viewport={"width": 1400, "height": 800}).new_page()
    page.goto(f"{BASE}/web/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", user)
    page.click("button[type=submit]")
    page.wait_for_url("**/odoo**")
    return page


def main():
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        pages = {}
        for name, user, path in SHOTS:
            page = pages.get(user) or pages.setdefault(user, login(browser, user))
            page.goto(f"{BASE}/odoo/{path}")
            page.wait_for_selector(
                ".o_action_manager .o_view_controller", timeout=20000
            )
            # show every opportunity, not only "My Pipeline"
            for remove in page.query_selector_all(
                ".o_searchview_facet .o_facet_remove"
            ):
                remove.click()
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / name))
            print("wrote", OUT / name)
        browser.close()


if __name__ == "__main__":
    main()
