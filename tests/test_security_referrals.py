"""Least privilege on the referral side: what a participant may send, who sets tiers.

A participant (neither salesperson nor All-Staff Marketing officer) registers a
referral with the fields of the small referral form only; the server sets the rest.
The customer tier is computed, never typed, and only managers recompute it.
"""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common_attr import PARTICIPANT, SALESMAN, AsmAttrCase

REFERRAL_INPUT = {
    "partner_name": "Ghost Works Ltd",
    "contact_name": "Mr. Wu",
    "phone": "+86 137 0000 0001",
    "email_from": "wu@ghost.example.com",
    "referral_handle": "wx_wu",
    "description": "Wants a new warehouse",
    "referral_mode": "direct",
}


class TestParticipantReferralInput(AsmAttrCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bid_lost = cls.env.ref("all_staff_marketing.crm_lost_reason_bid_lost")
        Reward = cls.env["asm.event.reward"]
        Reward.search([]).action_archive()
        cls.reward_lost = Reward.create(
            {
                "name": "Information for a lost bid",
                "event_type": "lost",
                "lost_reason_id": cls.bid_lost.id,
                "amount": 300,
            }
        )
        cls.reward_a = Reward.create(
            {"name": "Signed deal", "event_type": "grade", "grade": "A", "amount": 1000}
        )
        cls.tag = cls.env["crm.tag"].create({"name": "VIP"})
        cls.team = cls.env["crm.team"].create({"name": "Team East"})
        cls.Line = cls.env["asm.commission.line"]

    def _create_as_alice(self, context=None, **extra):
        """What a client sends from My Referrals (the form's fields, her own
        employee as referrer, the action's context), plus ``extra``."""
        context = {"asm_my_referral": True, "default_user_id": False, **(context or {})}
        Lead = self.env["crm.lead"].with_user(self.user_alice).with_context(**context)
        lead = Lead.create({**REFERRAL_INPUT, "referrer_id": self.alice.id, **extra})
        return self.env["crm.lead"].with_context(active_test=False).browse(lead.id)

    def _assert_plain_referral(self, lead):
        """Registered as the server wants it: Alice's, open, first stage, defaults."""
        self.assertEqual(lead.referrer_id, self.alice)
        self.assertTrue(lead.active)
        self.assertFalse(lead.lost_reason_id)
        self.assertEqual(lead.stage_id, self.stage_new)
        self.assertEqual(lead.company_id, self.company)
        self.assertFalse(lead.user_id)
        self.assertEqual(lead.referral_date, fields.Date.context_today(lead))
        self.assertEqual(lead.referral_deal_type, "first")
        # the company's first-deal shares (7 : 3, DOMAIN §5), not the client's
        self.assertEqual(
            (lead.referrer_share, lead.salesperson_share, lead.service_share),
            (70.0, 30.0, 0.0),
        )
        self.assertFalse(lead.referral_excluded)
        self.assertFalse(lead.service_employee_id)
        # the stage "New" has no grade: no point, no reward line
        self.assertFalse(lead.asm_grade_id)
        self.assertEqual(lead.asm_points, 0)
        self.assertEqual(self.Line.search_count([("lead_id", "=", lead.id)]), 0)
        # and the form's own fields are kept as sent
        for fname, value in REFERRAL_INPUT.items():
            if fname == "description":
                self.assertIn(value, str(lead.description))
            else:
                self.assertEqual(lead[fname], value, fname)

    def test_lost_referral_pays_no_reward(self):
        """Hole: inactive + 'bid lost' at creation paid 300 for a never-worked lead."""
        lead = self._create_as_alice(active=False, lost_reason_id=self.bid_lost.id)
        self._assert_plain_referral(lead)

    def test_won_referral_earns_no_points(self):
        """A referral sent at stage Won, probability 100, is registered at 'New'."""
        lead = self._create_as_alice(
            stage_id=self.stage_won.id, probability=100, type="opportunity"
        )
        self._assert_plain_referral(lead)

    def test_client_shares_replaced_by_company_defaults(self):
        """Hole: referrer_share 100 on a first deal was accepted."""
        lead = self._create_as_alice(
            referrer_share=100.0,
            salesperson_share=0.0,
            service_share=0.0,
            referral_deal_type="first",
            referral_date="2020-01-01",
            referral_excluded=True,
            service_employee_id=self.service_emp.id,
            user_id=self.user_sales.id,
            team_id=self.team.id,
            tag_ids=[Command.set(self.tag.ids)],
            priority="3",
            name="Give me points",
        )
        self._assert_plain_referral(lead)
        self.assertFalse(lead.tag_ids)
        self.assertFalse(lead.team_id)
        self.assertEqual(lead.name, "Ghost Works Ltd")

    def test_context_defaults_do_not_reach_the_referral(self):
        """The same values sent as context defaults are ignored too."""
        lead = self._create_as_alice(
            context={
                "default_active": False,
                "default_lost_reason_id": self.bid_lost.id,
                "default_stage_id": self.stage_won.id,
                "default_referrer_share": 100.0,
                "default_salesperson_share": 0.0,
                "default_user_id": self.user_sales.id,
            }
        )
        self._assert_plain_referral(lead)

    def test_merge_context_does_not_bypass_ownership_protection(self):
        """A participant cannot declare a claim 'being merged' to register over it."""
        bobs = self._referral(self.bob, partner_name="Claimed Works Ltd")
        with self.assertRefused(ValidationError, "This referral is refused"):
            self._create_as_alice(
                context={"asm_merge_lead_ids": bobs.ids},
                partner_name="Claimed Works Ltd",
            )

    def test_merge_context_is_no_bypass_for_anyone(self):
        """The key of earlier versions does nothing, also for sales staff."""
        bobs = self._referral(self.bob, partner_name="Claimed Works Ltd")
        Lead = (
            self.env["crm.lead"]
            .with_user(self.user_manager)
            .with_context(asm_merge_lead_ids=bobs.ids)
        )
        with self.assertRefused(ValidationError, "This referral is refused"):
            Lead.create(
                {
                    **REFERRAL_INPUT,
                    "name": "Claimed Works warehouse",
                    "partner_name": "Claimed Works Ltd",
                    "referrer_id": self.alice.id,
                }
            )

    def test_points_release_context_does_not_reverse_points(self):
        lead = self._referral(
            self.alice, partner_name="Points Ltd", stage_id=self.stage_new.id
        )
        lead.with_user(self.user_sales).with_context(asm_points_release=True).write(
            {"stage_id": self.stage_qualified.id}
        )
        ledger = self.env["asm.point.line"].search([("lead_id", "=", lead.id)])
        self.assertTrue(ledger)
        self.assertEqual(set(ledger.mapped("kind")), {"grade"})
        self.assertGreater(sum(ledger.mapped("points")), 0)

    def test_referral_in_someone_elses_name_refused(self):
        with self.assertRaisesRegex(AccessError, r"only in your own name \(Alice\)"):
            self._create_as_alice(referrer_id=self.bob.id)
        # no referrer sent (a bare RPC call): hers, set by the server
        lead = self.env["crm.lead"].with_user(self.user_alice).create(REFERRAL_INPUT)
        self._assert_plain_referral(self.env["crm.lead"].browse(lead.id))

    def test_participant_write_of_server_fields_refused(self):
        lead = self._register_referral(self.user_alice, **REFERRAL_INPUT)
        self.assertEqual(lead.referrer_id, self.alice)
        with self.assertRaisesRegex(
            UserError,
            r"only change the details of your referral .*"
            r"set by the sales team, not by you: Active, Lost Reason\.",
        ):
            lead.write({"active": False, "lost_reason_id": self.bid_lost.id})
        with self.assertRaisesRegex(UserError, r"not by you: Referrer Share \(%\)\.$"):
            lead.write({"referrer_share": 100.0})
        with self.assertRaisesRegex(UserError, r"not by you: Stage\.$"):
            lead.write({"stage_id": self.stage_won.id})
        # nothing moved: still open, no line
        lead.invalidate_recordset()
        self.assertTrue(lead.active)
        self.assertEqual(self.Line.search_count([("lead_id", "=", lead.id)]), 0)
        # the form's fields stay the sales team's to edit (no write access)
        with self.assertRaises(AccessError):
            lead.write({"phone": "+86 137 0000 0002"})

    def test_form_registration_keeps_the_form_values(self):
        lead = self._register_referral(self.user_alice, **REFERRAL_INPUT)
        self._assert_plain_referral(self.env["crm.lead"].browse(lead.id))

    def test_sales_team_still_sets_everything(self):
        """Salespeople work on leads (stage, salesperson): their values are kept;
        the attribution (another referrer, shares) is an officer's choice."""
        values = dict(
            REFERRAL_INPUT,
            referrer_id=self.alice.id,
            user_id=self.user_sales.id,
            stage_id=self.stage_qualified.id,
            referrer_share=60.0,
            salesperson_share=40.0,
        )
        with self.assertRaisesRegex(UserError, "only an All-Staff Marketing officer"):
            self.env["crm.lead"].with_user(self.user_sales).create(values)
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_sales)
            .create(
                {
                    key: value
                    for key, value in values.items()
                    if key
                    not in (
                        "referrer_id",
                        "referral_mode",
                        "referrer_share",
                        "salesperson_share",
                    )
                }
            )
        )
        lead.with_user(self.user_manager).write(
            {
                "referrer_id": self.alice.id,
                "referrer_share": 60.0,
                "salesperson_share": 40.0,
            }
        )
        self.assertEqual(lead.user_id, self.user_sales)
        self.assertEqual(lead.stage_id, self.stage_qualified)
        self.assertEqual((lead.referrer_share, lead.salesperson_share), (60.0, 40.0))
        # grade C: 1 point (DOMAIN §3)
        self.assertEqual(lead.asm_points, 1)
        lead.with_user(self.user_sales).write({"stage_id": self.stage_won.id})
        self.assertEqual(lead.asm_points, 1 + 5 + 30)
        self.assertEqual(
            self.Line.search([("lead_id", "=", lead.id)]).mapped("amount"), [1000.0]
        )


class TestCustomerTierRights(AsmAttrCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_seller = cls._new_user(
            "asm_tier_seller", f"{PARTICIPANT},{SALESMAN},base.group_partner_manager"
        )
        cls.user_officer = cls._new_user(
            "asm_tier_officer",
            "base.group_user,all_staff_marketing.group_officer,"
            "base.group_partner_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tiered Customer", "is_company": True}
        )
        # the system computation set C (SQL, as the nightly job does)
        cls.company._asm_recompute_customer_tiers()
        cls.customer.sudo().asm_customer_tier = "C"

    def test_tier_not_writable_by_hand(self):
        """Hole: anyone who edits contacts could make a customer tier A."""
        customer = self.customer.with_user(self.user_seller)
        message = r"customer tier is computed .* cannot be set by hand"
        with self.assertRaisesRegex(UserError, message):
            customer.write({"asm_customer_tier": "A"})
        with self.assertRaisesRegex(UserError, message):
            customer.write({"asm_tier_amount": 9_000_000.0})
        with self.assertRaisesRegex(UserError, message):
            self.env["res.partner"].with_user(self.user_seller).create(
                {"name": "Self-made A", "asm_customer_tier": "A"}
            )
        # the manager is no exception: the tier comes from the invoices
        with self.assertRaisesRegex(UserError, message):
            customer.with_user(self.user_manager).write({"asm_customer_tier": "A"})
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.asm_customer_tier, "C")
        # other contact fields stay editable; writing the same tier changes nothing
        customer.write({"phone": "+86 21 0000 0000", "asm_customer_tier": "C"})
        # a copy is a new customer: no tier until computed
        self.assertFalse(customer.copy().asm_customer_tier)

    def test_recompute_restricted_to_managers(self):
        """Hole: any user could run the tier batch (as superuser) by RPC."""
        message = r"Only an All-Staff Marketing manager can recompute"
        for user in (self.user_seller, self.user_officer, self.user_alice):
            with self.assertRaisesRegex(AccessError, message):
                self.env["res.partner"].with_user(user).action_asm_recompute_tiers()
            with self.assertRaisesRegex(AccessError, message):
                self.company.with_user(user)._asm_recompute_customer_tiers()
        server_action = self.env.ref(
            "all_staff_marketing.res_partner_action_asm_recompute_tiers"
        )
        with self.assertRaises(AccessError):
            server_action.with_user(self.user_seller).with_context(
                active_model="res.partner", active_ids=self.customer.ids
            ).run()
        # managers (and the nightly job, as superuser) do recompute
        action = (
            self.env["res.partner"]
            .with_user(self.user_manager)
            .action_asm_recompute_tiers()
        )
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            server_action.with_user(self.user_manager)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
            .run()["tag"],
            "display_notification",
        )
        self.env["res.company"]._cron_asm_recompute_customer_tiers()
