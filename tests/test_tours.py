"""The main flows in a real browser: Odoo web_tour tours in headless Chromium.

Tour files: all_staff_marketing/static/tests/tours/*.js (web.assets_tests). They find
menus and buttons by xml id and field/button name only, so the same tours run for an
English user (TestTours) and a Simplified Chinese one (TestToursZh). Needs Chromium on
PATH (scripts/lib.sh installs it) and pytest-odoo's --odoo-http (scripts/test.sh).
"""

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


class TestTours(HttpCase):
    # Odoo's MetaCase sets these only under odoo.addons.* (see tests/common.py)
    test_module = "all_staff_marketing"
    test_tags = {"standard", "post_install"}
    lang = "en_US"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.lang != "en_US":
            cls.env["res.lang"]._activate_lang(cls.lang)
            installed = (
                cls.env["ir.module.module"]
                .search([("name", "in", MODULES), ("state", "=", "installed")])
                .mapped("name")
            )
            cls.env["ir.module.module"]._load_module_terms(installed, [cls.lang])
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
