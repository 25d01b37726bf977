"""Screenshots of the running demo (make run) for the README.

Usage: python3 scripts/screenshots.py [http://localhost:8069] [--db asm_demo]
       [--lang zh_CN]
Needs the `playwright` Python package and a Chromium (Debian: apt-get install
chromium). Without --lang: writes docs/*.png (English). With --lang zh_CN: installs
Simplified Chinese on the demo database, switches the users admin and referrer to it
and writes docs/screenshots/zh_CN/*.png (1280 x 800), the wording of issue #13: the
referral form with its submit button, the rule list and the rule precedence, the
approval banner and statuses with the statement lines that explain themselves, the
approval tiers and the Pricelists setting kept on. The zh_CN run changes the demo
database like a user would: it saves the settings, makes admin a first-level
approver (the demo names nobody) and confirms the statement of the late payment so
that its review starts.
"""

import argparse
import pathlib
import xmlrpc.client

from playwright.sync_api import sync_playwright

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"
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
VIEW = ".o_action_manager .o_view_controller"
NEW_RULE = "回款 1 %"


def login(browser, base, user, width=1400):
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(f"{base}/web/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", user)
    page.click("button[type=submit]")
    page.wait_for_url("**/odoo**")
    return page


def open_action(page, base, path):
    page.goto(f"{base}/odoo/{path}")
    page.wait_for_selector(VIEW, timeout=30000)


def english_shots(browser, base):
    pages = {}
    for name, user, path in SHOTS:
        page = pages.get(user) or pages.setdefault(user, login(browser, base, user))
        open_action(page, base, path)
        # show every opportunity, not only "My Pipeline"
        for remove in page.query_selector_all(".o_searchview_facet .o_facet_remove"):
            remove.click()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(DOCS / name))
        print("wrote", DOCS / name)


class Rpc:
    """XML-RPC as admin on the demo database."""

    def __init__(self, base, db):
        self.db = db
        self.uid = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common").authenticate(
            db, "admin", "admin", {}
        )
        self.models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object")

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, "admin", model, method, list(args), kwargs
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        (data,) = self(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        return data["res_id"]


def prepare_chinese(rpc, lang):
    lang_ids = rpc(
        "res.lang", "search", [("code", "=", lang), ("active", "in", [True, False])]
    )
    wizard = rpc("base.language.install", "create", {"lang_ids": [(6, 0, lang_ids)]})
    rpc("base.language.install", "lang_install", [wizard])
    users = rpc("res.users", "search", [("login", "in", ["admin", "referrer"])])
    rpc("res.users", "write", users, {"lang": lang})
    approver = rpc.ref("all_staff_marketing.group_approver_first")
    rpc(
        "res.users",
        "write",
        [rpc.ref("base.user_admin")],
        {"groups_id": [(4, approver)]},
    )
    # the statement of the late payment: 280 - 50 % = 140 (demo)
    (line,) = rpc(
        "asm.commission.line",
        "search_read",
        [("days_late", ">", 0), ("statement_id", "!=", False)],
        fields=["statement_id"],
        limit=1,
    )
    return line["statement_id"][0]


def settings_pricelist(page, base, rpc):
    """README step 1 (save the settings), then the Pricelists setting: still on."""
    page.goto(f"{base}/odoo/settings")
    page.wait_for_selector(".o_setting_container", timeout=30000)
    page.click(".settings_tab [data-key=all_staff_marketing]")
    everyone = page.locator(".o_field_widget[name=group_asm_all_participants] input")
    if not everyone.is_checked():
        everyone.check()
    page.click(".o_control_panel .o_form_button_save")
    page.wait_for_timeout(5000)
    page.wait_for_selector(".o_setting_container", timeout=30000)
    page.fill(".o_control_panel .o_searchview input", "价格表")
    page.wait_for_timeout(1500)
    active = rpc(
        "product.pricelist", "search_count", [("asm_employee_price", "=", True)]
    )
    print("employee price lists still active after saving the settings:", active)


def rule_list(page, base, rpc):
    open_action(page, base, ACTION + "asm_commission_rule_action")


def rule_precedence(page, base, rpc):
    """A new 1 % rule tried last: the form says a rule before it always wins."""
    open_action(page, base, ACTION + "asm_commission_rule_action/new")
    page.fill(".o_field_widget[name=name] input", NEW_RULE)
    page.fill(".o_field_widget[name=rate] input", "1")
    # tried after the demo's contract-size rule (20), which matches every deal
    page.fill(".o_field_widget[name=sequence] input", "30")
    page.keyboard.press("Tab")
    page.wait_for_selector(".alert[name=shadowed]", timeout=10000)


def statement_review(page, base, rpc, statement_id):
    open_action(page, base, f"{ACTION}asm_statement_action/{statement_id}")
    confirm = page.query_selector("button[name=action_confirm]")
    if confirm:
        confirm.click()
    page.wait_for_selector("button[name=validate_tier]", timeout=20000)


def tier_definitions(page, base, rpc):
    open_action(page, base, ACTION + "tier_definition_action_asm")


def referral_form(page, base, rpc):
    open_action(page, base, ACTION + "asm_referral_action_my/new")
    page.wait_for_selector("button[name=action_asm_submit_referral]")


def chinese_shots(browser, base, db, lang):
    out = DOCS / "screenshots" / lang
    out.mkdir(parents=True, exist_ok=True)
    rpc = Rpc(base, db)
    statement_id = prepare_chinese(rpc, lang)
    admin = login(browser, base, "admin", width=1280)
    referrer = login(browser, base, "referrer", width=1280)
    shots = [
        ("settings_pricelist.png", admin, settings_pricelist, ()),
        ("rule_list.png", admin, rule_list, ()),
        ("rule_precedence.png", admin, rule_precedence, ()),
        ("statement_review.png", admin, statement_review, (statement_id,)),
        ("approval_tiers.png", admin, tier_definitions, ()),
        ("referral_form.png", referrer, referral_form, ()),
    ]
    for name, page, show, args in shots:
        show(page, base, rpc, *args)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out / name))
        print("wrote", out / name)
    # leaving the new rule's form saved it: remove it
    rules = rpc("asm.commission.rule", "search", [("name", "=", NEW_RULE)])
    rpc("asm.commission.rule", "unlink", rules)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default="http://localhost:8069")
    parser.add_argument("--db", default="asm_demo")
    parser.add_argument("--lang", help="e.g. zh_CN: docs/screenshots/<lang>/")
    options = parser.parse_args()
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        if options.lang:
            chinese_shots(browser, options.base, options.db, options.lang)
        else:
            english_shots(browser, options.base)
        browser.close()


if __name__ == "__main__":
    main()
