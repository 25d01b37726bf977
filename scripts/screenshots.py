"""Screenshots of the running demo (make run) for the README.

Usage: python3 scripts/screenshots.py [http://localhost:8069] — needs the `playwright`
Python package and a Chromium (Debian: apt-get install chromium). Writes docs/*.png.
"""

import pathlib
import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
OUT = pathlib.Path(__file__).resolve().parent.parent / "docs"
SHOTS = [
    # (file, login, url path after /odoo/, text to wait for)
    (
        "my_referrals.png",
        "admin",
        "action-all_staff_marketing.crm_lead_action_my_referrals",
        None,
    ),
    ("crm_kanban.png", "admin", "action-crm.crm_lead_action_pipeline", None),
    (
        "commission_lines.png",
        "admin",
        "action-all_staff_marketing.asm_commission_line_action",
        None,
    ),
    (
        "commission_rule.png",
        "admin",
        "action-all_staff_marketing.asm_commission_rule_action",
        None,
    ),
    (
        "statements.png",
        "admin",
        "action-all_staff_marketing.asm_statement_action",
        None,
    ),
]


def main():
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 800})
        page.goto(f"{BASE}/web/login")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        page.wait_for_url("**/odoo**")
        for name, _login, path, _text in SHOTS:
            page.goto(f"{BASE}/odoo/{path}")
            page.wait_for_selector(
                ".o_action_manager .o_view_controller", timeout=20000
            )
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / name))
            print("wrote", OUT / name)
        browser.close()


if __name__ == "__main__":
    main()
