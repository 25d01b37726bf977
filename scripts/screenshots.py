"""Screenshots of the running demo (make run) for the README.

Usage: python3 scripts/screenshots.py [http://localhost:8069] [--db asm_demo]
       [--lang zh_CN] [--campaigns]
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
With --campaigns (issue #10, zh_CN unless --lang says otherwise): creates once, as
admin, an open PK competition of three demo teams with points, a customer-referral
campaign and this month's rankings, then writes pk_kanban.png (as the participant
referrer), pk_form.png, fission_campaign.png, leaderboard.png and my_performance.png.
"""

import argparse
import datetime
import json
import pathlib
import urllib.request

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
    """JSON-RPC as admin on the demo database (methods may return None)."""

    def __init__(self, base, db):
        self.base = base
        self.db = db
        self.uid = self._call("common", "authenticate", db, "admin", "admin", {})

    def _call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
        }
        request = urllib.request.Request(
            f"{self.base}/jsonrpc",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            reply = json.load(response)
        if reply.get("error"):
            error = reply["error"].get("data", {}).get("message") or reply["error"]
            raise RuntimeError(f"{method}: {error}")
        return reply.get("result")  # absent when the method returned None

    def __call__(self, model, method, *args, **kwargs):
        return self._call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            "admin",
            model,
            method,
            list(args),
            kwargs,
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


PK_NAME = "十二月团队PK赛"
PK_TEAMS = ("雄狮队", "猛虎队", "雄鹰队")
# points recorded for each member of each team (the first member is a supervisor)
PK_POINTS = ((120, 80, 60, 40), (150, 90, 50, 30), (70, 60, 40, 20))
FISSION_NAME = "老带新 - 新客首单九折"
FISSION_REWARD = "推荐感谢券 500 元"


def prepare_campaigns(rpc):
    """A PK competition (open, with points), a fission campaign and the rankings.

    Created once: a second run finds them by name. Returns (competition id,
    campaign id).
    """
    today = datetime.date.today()
    found = rpc("asm.pk.competition", "search", [("name", "=", PK_NAME)])
    if found:
        competition = found[0]
    else:
        lin = rpc.ref("all_staff_marketing.asm_employee_lin_demo")
        zhao = rpc.ref("all_staff_marketing.asm_employee_zhao_demo")
        others = rpc(
            "hr.employee",
            "search",
            [("id", "not in", [lin, zhao]), ("user_id", "!=", rpc.uid)],
            order="id",
            limit=10,
        )
        # Lin (login referrer) is a lion, Zhao a tiger; the first of each team leads it
        teams = [[others[0], lin] + others[1:3], [others[3], zhao] + others[4:6]]
        teams.append(others[6:10])
        teams = [team for team in teams if len(team) >= 2]
        for team in teams:
            rpc("hr.employee", "write", team[:1], {"asm_pk_level": "supervisor"})
            rpc("hr.employee", "write", team[1:], {"asm_pk_level": "staff"})
        rpc("hr.employee", "write", teams[0][:1], {"asm_pk_level": "manager"})
        competition = rpc(
            "asm.pk.competition",
            "create",
            {
                "name": PK_NAME,
                "date_start": str(today - datetime.timedelta(days=7)),
                "date_end": str(today + datetime.timedelta(days=14)),
                "tz": "Asia/Shanghai",
                "sponsorship": 1000.0,
                "split_mode": "score",
                "team_ids": [
                    (
                        0,
                        0,
                        {
                            "name": name,
                            "member_ids": [(0, 0, {"employee_id": e}) for e in team],
                        },
                    )
                    for name, team in zip(PK_TEAMS, teams, strict=False)
                ],
            },
        )
        rpc("asm.pk.competition", "action_open", [competition])
        rpc(
            "asm.point.line",
            "create",
            [
                {"name": "PK 活动 - 客户拜访", "employee_id": e, "points": points}
                for team, team_points in zip(teams, PK_POINTS, strict=False)
                for e, points in zip(team, team_points, strict=False)
            ],
        )
    found = rpc("loyalty.program", "search", [("name", "=", FISSION_NAME)])
    if found:
        campaign = found[0]
    else:
        reward = rpc(
            "loyalty.program",
            "create",
            {
                "name": FISSION_REWARD,
                "program_type": "coupons",
                "reward_ids": [
                    (
                        0,
                        0,
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_point",
                            "discount": 1.0,
                            "discount_applicability": "order",
                            "required_points": 1.0,
                        },
                    )
                ],
            },
        )
        campaign = rpc(
            "loyalty.program",
            "create",
            {
                "name": FISSION_NAME,
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "date_from": str(today - datetime.timedelta(days=10)),
                "date_to": str(today + datetime.timedelta(days=80)),
                "asm_customer_referral": True,
                "asm_referrer_program_id": reward,
                "asm_referrer_points": 500.0,
                "asm_referrer_validity_days": 90,
                "rule_ids": [
                    (0, 0, {"reward_point_mode": "order", "reward_point_amount": 1.0})
                ],
                "reward_ids": [
                    (
                        0,
                        0,
                        {
                            "reward_type": "discount",
                            "discount_mode": "percent",
                            "discount": 10.0,
                            "discount_applicability": "order",
                            "required_points": 1.0,
                        },
                    )
                ],
            },
        )
    # the nightly job's work for this month and quarter (Performance > Leaderboards)
    rpc("asm.ranking", "action_asm_recompute", [])
    return competition, campaign


def pk_kanban(page, base, rpc, competition):
    open_action(page, base, ACTION + "asm_pk_competition_action")
    page.wait_for_selector(".o_kanban_record .o_asm_pk_ranking", timeout=20000)


def pk_form(page, base, rpc, competition):
    open_action(page, base, f"{ACTION}asm_pk_competition_action/{competition}")
    page.click(".o_notebook_headers a[name=teams]")


def fission_campaign(page, base, rpc, campaign):
    open_action(page, base, f"{ACTION}loyalty_program_action_asm_referral/{campaign}")
    page.click(".o_notebook_headers a[name=asm_customer_referral]")


def leaderboard(page, base, rpc):
    open_action(page, base, ACTION + "asm_ranking_action")
    # the action groups by period: unfold this month
    page.click(".o_group_header")
    page.wait_for_selector(".o_data_row", timeout=20000)


def my_performance(page, base, rpc):
    open_action(page, base, ACTION + "asm_performance_action_my")


def shrink(path, limit=200_000):
    """README images stay under ``limit`` bytes: fewer colours when needed."""
    if path.stat().st_size <= limit:
        return
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(256).save(path, optimize=True)


def campaign_shots(browser, base, db, lang):
    """Issue #10: the PK competition, the fission campaign and the leaderboards."""
    out = DOCS / "screenshots" / lang
    out.mkdir(parents=True, exist_ok=True)
    rpc = Rpc(base, db)
    users = rpc("res.users", "search", [("login", "in", ["admin", "referrer"])])
    rpc("res.users", "write", users, {"lang": lang})
    competition, campaign = prepare_campaigns(rpc)
    admin = login(browser, base, "admin", width=1280)
    referrer = login(browser, base, "referrer", width=1280)
    shots = [
        ("pk_kanban.png", referrer, pk_kanban, (competition,)),
        ("pk_form.png", admin, pk_form, (competition,)),
        ("fission_campaign.png", admin, fission_campaign, (campaign,)),
        ("leaderboard.png", admin, leaderboard, ()),
        ("my_performance.png", referrer, my_performance, ()),
    ]
    for name, page, show, args in shots:
        try:
            show(page, base, rpc, *args)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / name))
        except Exception as error:  # one failed view, not the rest
            print("FAILED", name, error)
            continue
        shrink(out / name)
        print("wrote", out / name, (out / name).stat().st_size, "bytes")


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
    parser.add_argument(
        "--campaigns",
        action="store_true",
        help="only the PK competition, fission campaign and leaderboard shots "
        "(issue #10; with --lang, default zh_CN)",
    )
    options = parser.parse_args()
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        if options.campaigns:
            lang = options.lang or "zh_CN"
            if lang != "en_US":
                prepare_chinese(Rpc(options.base, options.db), lang)
            campaign_shots(browser, options.base, options.db, lang)
        elif options.lang:
            chinese_shots(browser, options.base, options.db, options.lang)
        else:
            english_shots(browser, options.base)
        browser.close()


if __name__ == "__main__":
    main()
