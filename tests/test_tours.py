"""The main flows in a real browser: Odoo web_tour tours in headless Chromium.

Tour files: all_staff_marketing/static/tests/tours/*.js (web.assets_tests). They find
menus and buttons by xml id and field/button name only, so the same tours run for an
English user (TestTours) and a Simplified Chinese one (TestToursZh). Needs Chromium on
PATH (scripts/lib.sh installs it) and pytest-odoo's --odoo-http (scripts/test.sh).
"""

import logging
import re

from odoo.tests import HttpCase, new_test_user

GROUP = "all_staff_marketing.group_%s"
PARTICIPANT = "base.group_user," + GROUP % "participant"
MODULES = [
    "web",
    "mail",
    "crm",
    "base_tier_validation",
    "all_staff_marketing",
    "all_staff_marketing_payroll",
]
# Grade points of the default data (DOMAIN §3): C = 1, B = 5, A = 30.
POINTS_AT_B = 1 + 5
POINTS_AT_A = 1 + 5 + 30


def load_language(env, lang):
    """Activate ``lang`` and load its terms for the modules the tours show."""
    env["res.lang"]._activate_lang(lang)
    installed = (
        env["ir.module.module"]
        .search([("name", "in", MODULES), ("state", "=", "installed")])
        .mapped("name")
    )
    env["ir.module.module"]._load_module_terms(installed, [lang])


class TestTours(HttpCase):
    # Odoo's MetaCase sets these only under odoo.addons.* (see tests/common.py)
    test_module = "all_staff_marketing"
    test_tags = {"standard", "post_install"}
    lang = "en_US"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.lang != "en_US":
            load_language(cls.env, cls.lang)
        cls.company = cls.env.ref("base.main_company")
        Employee = cls.env["hr.employee"]
        cls.user_participant = cls._user("asm_tour_participant", PARTICIPANT)
        cls.participant = Employee.create(
            {"name": "Tour Participant", "user_id": cls.user_participant.id}
        )
        cls.user_sales = cls._user(
            "asm_tour_sales", PARTICIPANT + ",sales_team.group_sale_salesman"
        )
        Employee.create({"name": "Tour Sales", "user_id": cls.user_sales.id})
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "Tour Opportunity",
                "type": "opportunity",
                "partner_name": "Tour Partner Co.",
                "user_id": cls.user_sales.id,
                "team_id": False,
                "stage_id": cls.env.ref("crm.stage_lead3").id,  # grade B
                "referrer_id": cls.participant.id,
                "referral_mode": "handoff",
            }
        )
        cls.user_reviewer = cls._user(
            "asm_tour_reviewer", "base.group_user," + GROUP % "approver_first"
        )
        cls.user_reviewer_2 = cls._user(
            "asm_tour_reviewer2", "base.group_user," + GROUP % "approver_second"
        )
        reviewed = Employee.create({"name": "Tour Reviewed Employee"})
        cls.statement = cls.env["asm.statement"].create(
            {
                "employee_id": reviewed.id,
                "company_id": cls.company.id,
                "date_from": "2025-03-01",
                "date_to": "2025-03-31",
            }
        )
        cls.env["asm.commission.line"].create(
            {
                "name": "Invoice 100,000: 60,000 paid on 15 March",
                "date": "2025-03-15",
                "employee_id": reviewed.id,
                "company_id": cls.company.id,
                "statement_id": cls.statement.id,
                "base_amount": 60000.0,
                "rate": 1.0,
                "gross_amount": 600.0,
                "amount": 600.0,
            }
        )
        cls.statement.action_confirm()

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env, login=login, groups=groups, name=login, lang=cls.lang
        )

    def test_participant_registers_a_referral(self):
        self.start_tour("/odoo", "asm_referral_tour", login=self.user_participant.login)
        lead = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("partner_name", "=", "Tour Customer Ltd")])
        )
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.referrer_id, self.participant)
        self.assertEqual(lead.create_uid, self.user_participant)
        self.assertEqual(
            (lead.contact_name, lead.phone, lead.referral_mode),
            ("Wang Wei", "+86 21 5555 0101", "handoff"),
        )

    def test_salesperson_wins_a_referred_deal(self):
        self.assertEqual(self.opportunity.asm_grade_id.code, "B")
        self.assertEqual(self.opportunity.asm_points, POINTS_AT_B)
        last_stage = self.env["crm.stage"].search([], order="sequence desc, id desc")[0]
        self.assertTrue(last_stage.is_won, "the tour drops the card on the last column")
        self.start_tour("/odoo", "asm_pipeline_tour", login=self.user_sales.login)
        self.env.invalidate_all()
        lead = self.opportunity
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.probability, 100)
        self.assertEqual(lead.asm_grade_id.code, "A")
        self.assertEqual(lead.asm_points, POINTS_AT_A)

    def test_reviewer_validates_a_statement(self):
        statement = self.statement
        self.assertTrue(statement.with_user(self.user_reviewer).can_review)
        self.start_tour(
            "/odoo", "asm_statement_review_tour", login=self.user_reviewer.login
        )
        self.env.invalidate_all()
        done = statement.review_ids.filtered(lambda r: r.status == "approved")
        self.assertEqual(done.done_by, self.user_reviewer)
        self.assertEqual(done.comment, "Checked against the bank")
        self.assertEqual(statement.state, "confirmed", "the second level is next")
        self.assertTrue(statement.with_user(self.user_reviewer_2).can_review)


class TestToursZh(TestTours):
    """The same tours for a user whose language is Simplified Chinese."""

    lang = "zh_CN"

    def test_user_interface_is_chinese(self):
        env = self.env(user=self.user_participant, context={"lang": "zh_CN"})
        self.assertEqual(self.user_participant.lang, "zh_CN")
        self.assertEqual(env.ref("all_staff_marketing.menu_root").name, "全员营销")


class TestFirstHourZh(HttpCase):
    """Issue #13 in a real browser, in Simplified Chinese, one user after the other.

    An admin (English at first, no employee: the simple preferences dialog) switches
    the UI to 简体中文, then sets up the farm-produce scheme: 1 % of the collected
    amount and the late brackets 30/60/180 days -> 20/50/100 %, on a company whose
    schedule is not entered yet (a fresh database already has these defaults). A
    participant submits a referral with 提交推荐, a salesperson finds it in the
    pipeline with its referrer. Every step asserts the Chinese labels; the farm
    screens must show no English word at all (asm_first_hour_zh_tour.js).
    """

    test_module = "all_staff_marketing"
    test_tags = {"standard", "post_install"}

    CUSTOMER = "绿野农场合作社"
    RULE = "农产品回款提成"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_language(cls.env, "zh_CN")
        cls.company = cls.env.ref("base.main_company")
        cls.company.asm_default_referral_mode = "handoff"
        cls.user_admin = new_test_user(
            cls.env,
            login="asm_zh_admin",
            groups="base.group_user,base.group_system,"
            + GROUP % "manager"
            + ",sales_team.group_sale_manager",
            name="周经理",
            lang="en_US",
            tz="Asia/Shanghai",  # the preferences dialog requires a timezone
        )
        Employee = cls.env["hr.employee"]
        cls.user_participant = new_test_user(
            cls.env, login="asm_zh_participant", groups=PARTICIPANT, lang="zh_CN"
        )
        cls.participant = Employee.create(
            {"name": "王小明", "user_id": cls.user_participant.id}
        )
        cls.user_sales = new_test_user(
            cls.env,
            login="asm_zh_sales",
            groups=PARTICIPANT + ",sales_team.group_sale_salesman",
            name="李销售",
            lang="zh_CN",
        )
        Employee.create({"name": "李销售", "user_id": cls.user_sales.id})
        cls.Bracket = cls.env["asm.late.bracket"]
        cls.Bracket.search([("company_id", "=", cls.company.id)]).unlink()

    def _effort(self, tour, login):
        """Run ``tour``; (clicks, keystrokes) it logged (effort() in the tour)."""
        pattern = re.compile(rf"{tour} effort: (\d+) clicks, (\d+) keystrokes")
        found = []

        class Collect(logging.Handler):
            def emit(self, record):
                match = pattern.search(record.getMessage())
                if match:
                    found.append((int(match[1]), int(match[2])))

        handler = Collect(logging.INFO)
        logging.getLogger().addHandler(handler)
        try:
            self.start_tour("/odoo", tour, login=login)
        finally:
            logging.getLogger().removeHandler(handler)
        (effort,) = found
        return effort

    def test_first_hour_in_chinese(self):
        Rule = self.env["asm.commission.rule"]
        rules_before = Rule.search([])
        # 1. the admin switches the UI to Chinese in the preferences
        self.start_tour(
            "/odoo", "asm_zh_switch_language_tour", login=self.user_admin.login
        )
        self.env.invalidate_all()
        self.assertEqual(self.user_admin.lang, "zh_CN")
        # 2. the farm-produce scheme
        clicks, keys = self._effort("asm_zh_farm_scheme_tour", self.user_admin.login)
        self.env.invalidate_all()
        rule = Rule.search([]) - rules_before
        self.assertEqual(len(rule), 1)
        self.assertEqual(rule.with_context(lang="zh_CN").name, self.RULE)
        self.assertEqual(
            (rule.base, rule.rate, rule.role, rule.company_id),
            ("collected", 1.0, False, self.company),
        )
        brackets = self.Bracket.search([("company_id", "=", self.company.id)])
        self.assertEqual(
            [(b.days_over, b.deduction) for b in brackets],
            [(30, 20.0), (60, 50.0), (180, 100.0)],
        )
        # counted by hand: apps, app, 配置, 提成规则, 新建, name, rate, save (8);
        # 配置, 逾期扣减 (2); per bracket 新建, days, deduction, save (3 x 4).
        # Keys: 7 characters of the name, "1", then 30 20 60 50 180 100 (14).
        self.assertEqual((clicks, keys), (8 + 2 + 3 * 4, 7 + 1 + 14))
        # 3. a participant submits a referral with 提交推荐
        self.start_tour(
            "/odoo", "asm_zh_referral_submit_tour", login=self.user_participant.login
        )
        lead = self.env["crm.lead"].search([("partner_name", "=", self.CUSTOMER)])
        self.assertEqual(len(lead), 1)
        self.assertEqual(
            (lead.referrer_id, lead.create_uid, lead.referral_mode, lead.type),
            (self.participant, self.user_participant, "handoff", "opportunity"),
        )
        self.assertEqual((lead.contact_name, lead.phone), ("李娜", "+86 571 5555 0102"))
        # 4. a salesperson finds it in the CRM pipeline with its referrer
        self.start_tour(
            "/odoo", "asm_zh_crm_referrer_tour", login=self.user_sales.login
        )
