from lxml import etree

from odoo.exceptions import AccessError, UserError

from .common import REFERRAL_FORM
from .common_attr import PARTICIPANT, AsmAttrCase


class TestReferralAccess(AsmAttrCase):
    """Participants see only their own referrals; the sales team sees attribution."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_officer, cls.officer_emp = cls._new_employee_user(
            "asm_access_officer",
            "Olga Officer",
            groups="base.group_user,all_staff_marketing.group_officer",
        )
        cls.bob.parent_id = cls.officer_emp  # Bob is in the officer's team
        cls.bobs_referral = cls._referral(
            cls.bob, partner_name="Bob's Customer", stage_id=cls.stage_qualified.id
        )
        cls.plain_lead = cls.env["crm.lead"].create(
            {"name": "Inbound lead", "partner_name": "Web Visitor Ltd"}
        )
        cls.sales_referral = cls._referral(
            cls.bob,
            partner_name="Pipeline Customer",
            stage_id=cls.stage_proposition.id,
            user_id=cls.user_sales.id,
        )

    def _register_as_alice(self, name="Alice's Customer"):
        return self._register_referral(
            self.user_alice,
            partner_name=name,
            contact_name="Ms. Liu",
            phone="+86 139 1111 2222",
            email_from="liu@customer.example.com",
            referral_handle="liu_wechat",
            description="Needs 200 uniforms before March",
            referral_mode="handoff",
        )

    def test_participant_creates_and_reads_own(self):
        lead = self._register_as_alice()
        self.assertEqual(lead.env.user, self.user_alice)
        data = lead.read(
            ["partner_name", "referrer_id", "stage_id", "asm_grade_id", "asm_points"]
        )[0]
        self.assertEqual(data["referrer_id"][0], self.alice.id)
        self.assertEqual(data["partner_name"], "Alice's Customer")
        mine = self.env["crm.lead"].with_user(self.user_alice).search([])
        self.assertEqual(mine, lead)
        # progress: the sales team qualifies it, Alice sees grade and points
        self.env["crm.lead"].browse(lead.id).stage_id = self.stage_qualified
        lead.invalidate_recordset()
        self.assertEqual(lead.asm_grade_id.code, "C")
        self.assertEqual(lead.asm_points, 1)
        points = self.env["asm.point.line"].with_user(self.user_alice).search([])
        self.assertEqual(points.mapped("points"), [1])

    def test_participant_refused_elsewhere(self):
        Lead = self.env["crm.lead"].with_user(self.user_alice)
        with self.assertRaises(AccessError):
            Lead.browse(self.bobs_referral.id).read(["name"])
        with self.assertRaises(AccessError):
            Lead.browse(self.plain_lead.id).read(["name"])
        # no referral registered in someone else's name
        with self.assertRaises(AccessError):
            Lead.create({"partner_name": "Not mine", "referrer_id": self.bob.id})
        # registered referrals are edited by the sales team, not the participant
        lead = self._register_as_alice("Edit Me Ltd")
        with self.assertRaises(AccessError):
            lead.write({"partner_name": "Changed"})
        # nor the points of others, nor customer owners, nor the ledger itself
        with self.assertRaises(AccessError):
            self.env["asm.point.line"].with_user(self.user_alice).browse(
                self.env["asm.point.line"].search([], limit=1).id
            ).read(["points"])
        with self.assertRaises(AccessError):
            self.env["asm.customer.owner"].with_user(self.user_alice).search([])
        with self.assertRaises(AccessError):
            self.env["asm.point.line"].with_user(self.user_alice).create(
                {"name": "Free points", "employee_id": self.alice.id, "points": 99}
            )

    def test_participant_menus_and_views(self):
        menus = self.env["ir.ui.menu"].with_user(self.user_alice)._visible_menu_ids()
        self.assertIn(
            self.env.ref("all_staff_marketing.asm_referral_menu_my").id, menus
        )
        self.assertIn(
            self.env.ref("all_staff_marketing.asm_point_line_menu_my").id, menus
        )
        self.assertNotIn(
            self.env.ref("all_staff_marketing.asm_referral_menu_all").id, menus
        )
        self.assertNotIn(self.env.ref("crm.crm_menu_root").id, menus)
        views = (
            self.env["crm.lead"]
            .with_user(self.user_alice)
            .get_views(
                [
                    (
                        self.env.ref("all_staff_marketing.asm_referral_view_list").id,
                        "list",
                    ),
                    (self.env.ref(REFERRAL_FORM).id, "form"),
                ]
            )
        )
        form = etree.fromstring(views["views"]["form"]["arch"])
        # the participant's referrer field is read-only (their own employee)
        referrer = form.xpath("//field[@name='referrer_id']")
        self.assertEqual(len(referrer), 1)
        self.assertEqual(referrer[0].get("readonly"), "1")
        self.assertFalse(form.xpath("//field[@name='referral_override_reason']"))

    def test_officer_sees_team_referrals_only(self):
        alices_referral = self._referral(self.alice, partner_name="Alice's Customer")
        leads = self.bobs_referral | self.plain_lead | alices_referral
        Lead = self.env["crm.lead"].with_user(self.user_officer)
        # Bob reports to the officer; Alice does not; the inbound lead is no referral
        self.assertEqual(Lead.search([("id", "in", leads.ids)]), self.bobs_referral)
        with self.assertRaises(AccessError):
            Lead.browse(alices_referral.id).read(["name"])
        # an All-Staff Marketing manager sees every referral, still not the plain lead
        manager = self._new_user(
            "asm_access_manager", "base.group_user,all_staff_marketing.group_manager"
        )
        Manager = self.env["crm.lead"].with_user(manager)
        self.assertEqual(
            Manager.search([("id", "in", (alices_referral | self.plain_lead).ids)]),
            alices_referral,
        )
        with self.assertRaises(AccessError):
            Lead.browse(self.plain_lead.id).read(["name"])
        with self.assertRaises(AccessError):
            Lead.browse(self.bobs_referral.id).write({"partner_name": "X"})

    def test_salesperson_kanban_shows_referrer(self):
        Lead = self.env["crm.lead"].with_user(self.user_sales)
        arch = Lead.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        kanban = etree.fromstring(arch)
        referrer = kanban.xpath("//field[@name='referrer_id']")
        self.assertEqual(referrer[0].get("widget"), "many2one_avatar_employee")
        self.assertTrue(kanban.xpath("//field[@name='asm_grade_id'][@widget='badge']"))
        records = Lead.web_search_read(
            [("id", "=", self.sales_referral.id)],
            {
                "referrer_id": {"fields": {"display_name": {}}},
                "asm_grade_id": {"fields": {"display_name": {}}},
                "asm_grade_code": {},
                "asm_points": {},
            },
        )["records"]
        self.assertEqual(records[0]["referrer_id"]["display_name"], "Bob")
        self.assertEqual(records[0]["asm_grade_code"], "B")
        self.assertEqual(records[0]["asm_points"], 6)
        # search filter and group-by of the pipeline
        self.assertIn(
            self.sales_referral, Lead.search([("referrer_id", "=", self.bob.id)])
        )
        groups = Lead._read_group(
            [("id", "=", self.sales_referral.id)],
            ["referrer_id", "asm_grade_id"],
            ["__count"],
        )
        self.assertEqual(groups[0][0], self.bob)
        for view_type in ("list", "form", "search"):
            arch = Lead.get_views([(False, view_type)])["views"][view_type]["arch"]
            self.assertIn("referrer_id", arch, view_type)

    def test_participant_without_employee(self):
        user = self._new_user("asm_no_employee", PARTICIPANT)
        Lead = (
            self.env["crm.lead"]
            .with_user(user)
            .with_context(asm_my_referral=True, default_user_id=False)
        )
        with self.assertRefused(UserError, "not linked to an employee"):
            Lead.create({"partner_name": "Orphan Ltd"})
