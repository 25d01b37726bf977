"""Customer refers customer (fission, 裂变) on Odoo's loyalty programs.

Campaign of the example (DOMAIN.md §9, seed 004 六(三)): customer X refers the new
customer Y; Y's first order gets 10 % off, X gets a coupon worth 500 once Y's first
invoice is paid. Figures by hand: a 10,000 order (no tax) less 10 % = 9,000 untaxed
and 9,000 to pay; the coupon is 500 points of a 1-per-point discount, so it is
worth 500 and a 2,000 order of X paid with it comes to 1,500.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .commission_common import CommissionCase

ORDER_AMOUNT = 10000.0
DISCOUNTED = 9000.0  # 10,000 - 10 %
COUPON_POINTS = 500.0


class TestFission(CommissionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.today = fields.Date.context_today(env["res.partner"])
        # no other automatic promotion of the database may change the figures
        env["loyalty.program"].search([("trigger", "=", "auto")]).action_archive()
        cls.user_salesman = cls._new_user(
            "asm_fis_sales",
            "base.group_user,sales_team.group_sale_salesman,"
            "all_staff_marketing.group_participant",
        )
        cls.x = env["res.partner"].create(
            {"name": "Xavier Old Customer", "email": "xavier@example.com"}
        )
        # X was brought in by Rita: she owns X in this company
        env["asm.customer.owner"].create(
            {
                "partner_id": cls.x.id,
                "company_id": cls.company.id,
                "referrer_id": cls.referrer.id,
                "referral_mode": "handoff",
            }
        )
        cls.reward_program = env["loyalty.program"].create(
            {
                "name": "Referral thank-you coupon",
                "program_type": "coupons",
                "company_id": cls.company.id,
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_point",
                            "discount": 1.0,
                            "discount_applicability": "order",
                            "required_points": 1.0,
                        }
                    )
                ],
            }
        )
        cls.campaign = env["loyalty.program"].create(
            {
                "name": "Spring referral campaign",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "company_id": cls.company.id,
                "date_from": cls.today - timedelta(days=10),
                "date_to": cls.today + timedelta(days=80),
                "asm_customer_referral": True,
                "asm_referrer_program_id": cls.reward_program.id,
                "asm_referrer_points": COUPON_POINTS,
                "asm_referrer_validity_days": 90,
                "rule_ids": [
                    Command.create(
                        {
                            "reward_point_mode": "order",
                            "reward_point_amount": 1.0,
                            "minimum_amount": 0.0,
                        }
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "percent",
                            "discount": 10.0,
                            "discount_applicability": "order",
                            "required_points": 1.0,
                        }
                    )
                ],
            }
        )
        cls.y = env["res.partner"].create(
            {
                "name": "Yolanda New Customer",
                "asm_referred_by_partner_id": cls.x.id,
                "asm_referral_campaign_id": cls.campaign.id,
            }
        )
        cls.Card = env["loyalty.card"].with_context(active_test=False)

    # ------------------------------------------------------------ helpers

    def _order(self, partner, amount=ORDER_AMOUNT, user=None):
        env = self.env if user is None else self.env(user=user)
        return env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def _first_invoice(self):
        """Y's first order with the campaign discount, confirmed and invoiced."""
        order = self._order(self.y)
        order.action_open_reward_wizard()
        # the referrer's whole share: 1 % of 9,000 collected = 90 for Rita
        order.write(
            {"referrer_share": 100.0, "salesperson_share": 0.0, "service_share": 0.0}
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        return order, invoice

    def _x_cards(self):
        return self.Card.search(
            [("partner_id", "=", self.x.id), ("asm_referral_campaign_id", "!=", False)]
        )

    def _refund(self, invoice):
        """Credit note of the whole invoice, posted and paid back to the customer."""
        credit_note = invoice._reverse_moves(
            [{"invoice_date": self.today, "ref": "Refund"}]
        )
        credit_note.action_post()
        self._pay(credit_note, credit_note.amount_total, self.today)
        return credit_note

    # ------------------------------------------------------------ tests

    def test_first_order_gets_campaign_discount_and_owner_as_referrer(self):
        order = self._order(self.y, user=self.user_salesman)
        self.assertEqual(order.referrer_id, self.referrer, "X's owner refers Y")
        self.assertEqual(order.referral_deal_type, "first")
        self.assertEqual(order.amount_untaxed, ORDER_AMOUNT)
        order.action_open_reward_wizard()
        self.assertEqual(order.amount_untaxed, DISCOUNTED)
        self.assertEqual(order.amount_total, DISCOUNTED)
        order.action_confirm()
        self.assertEqual(order.amount_untaxed, DISCOUNTED)
        owner = self.env["asm.customer.owner"].search(
            [("partner_id", "=", self.y.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(owner.referrer_id, self.referrer, "Y now belongs to Rita")

    def test_discount_only_for_referred_first_order(self):
        stranger = self.env["res.partner"].create({"name": "Zed Walk-in"})
        order = self._order(stranger)
        order.action_open_reward_wizard()
        self.assertEqual(order.amount_untaxed, ORDER_AMOUNT, "not referred: no 10 %")
        self.assertFalse(order.referrer_id)
        first, __ = self._first_invoice()
        self.assertEqual(first.amount_untaxed, DISCOUNTED)
        second = self._order(self.y)
        second.action_open_reward_wizard()
        self.assertEqual(second.amount_untaxed, ORDER_AMOUNT, "second order: no 10 %")
        self.assertEqual(second.referral_deal_type, "followup")
        self.assertEqual(second.referrer_id, self.referrer)

    def test_coupon_only_once_invoice_paid(self):
        __, invoice = self._first_invoice()
        self.assertEqual(invoice.amount_total, DISCOUNTED)
        self.assertFalse(self._x_cards(), "posted, not paid: no coupon")
        self._pay(invoice, 5000.0, self.today)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertFalse(self._x_cards(), "partly paid: no coupon")
        self._pay(invoice, 4000.0, self.today)  # 5,000 + 4,000 = 9,000
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        card = self._x_cards()
        self.assertEqual(len(card), 1)
        self.assertEqual(card.program_id, self.reward_program)
        self.assertEqual(card.points, COUPON_POINTS)
        self.assertEqual(card.asm_referred_partner_id, self.y)
        self.assertEqual(card.asm_referral_invoice_id, invoice)
        self.assertEqual(card.expiration_date, self.today + timedelta(days=90))
        self.assertEqual(card.asm_referral_state, "granted")
        self.assertIn(card.code, self.x.message_ids[0].body)
        # recomputing the same payments grants nothing more
        self.env["loyalty.card"]._asm_sync_referral_coupons(invoice)
        self.engine._cron_recompute()
        self.assertEqual(self._x_cards(), card)
        # Rita is Y's referrer: 1 % of the 9,000 collected
        rita = self._lines(invoice, employee_id=self.referrer.id)
        self.assertEqual(self._total(rita), 90.0)

    def test_refund_before_use_takes_coupon_back(self):
        __, invoice = self._first_invoice()
        self._pay(invoice, DISCOUNTED, self.today)
        card = self._x_cards()
        self.assertEqual(card.points, COUPON_POINTS)
        self._refund(invoice)
        self.assertFalse(card.active)
        self.assertEqual(card.points, 0.0)
        self.assertEqual(card.asm_referral_state, "taken_back")
        self.assertIn("taken back", self.x.message_ids[0].body)
        # a later reconciliation does not grant it again
        self.env["loyalty.card"]._asm_sync_referral_coupons(invoice)
        self.assertEqual(self._x_cards(), card)
        self.assertFalse(self._x_cards().filtered("active"))

    def test_refund_after_use_keeps_coupon(self):
        __, invoice = self._first_invoice()
        self._pay(invoice, DISCOUNTED, self.today)
        card = self._x_cards()
        # X spends the coupon on a 2,000 order: 2,000 - 500 = 1,500
        order = self._order(self.x, amount=2000.0)
        rewards = order._try_apply_code(card.code)
        self.assertEqual(list(rewards), [card])
        order._apply_program_reward(rewards[card], card)
        self.assertEqual(order.amount_untaxed, 1500.0)
        order.action_confirm()
        self.assertEqual(card.points, 0.0)
        self._refund(invoice)
        self.assertTrue(card.active)
        self.assertEqual(card.asm_referral_state, "kept")
        self.assertIn("already used", self.x.message_ids[0].body)

    def test_referred_by_frozen_after_first_order(self):
        other = self.env["res.partner"].create({"name": "Otto Other Customer"})
        y_as_salesman = self.y.with_user(self.user_salesman)
        # before the first order is confirmed the referral may be corrected
        y_as_salesman.write({"asm_referred_by_partner_id": other.id})
        y_as_salesman.write({"asm_referred_by_partner_id": self.x.id})
        order = self._order(self.y)
        order.action_confirm()
        with self.assertRaises(UserError):
            y_as_salesman.write({"asm_referred_by_partner_id": other.id})
        with self.assertRaises(UserError):
            self.y.write({"asm_referral_campaign_id": False})
        # a new contact of Y inherits the referral without tripping the check
        contact = self.env["res.partner"].create(
            {"name": "Yan Contact", "parent_id": self.y.id}
        )
        self.assertEqual(contact.asm_referred_by_partner_id, self.x)
        self.assertEqual(self.y.asm_referred_by_partner_id, self.x)
        self.assertEqual(self.x.asm_referred_partner_count, 1)

    def test_bad_referral_input(self):
        with self.assertRaises(ValidationError):
            self.x.write({"asm_referred_by_partner_id": self.x.id})
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create(
                {"name": "No Referrer", "asm_referral_campaign_id": self.campaign.id}
            )
        ended = self.campaign.copy(
            {"name": "Ended campaign", "date_to": self.today - timedelta(days=1)}
        )
        with self.assertRaises(UserError):
            self.env["res.partner"].create(
                {
                    "name": "Too Late",
                    "asm_referred_by_partner_id": self.x.id,
                    "asm_referral_campaign_id": ended.id,
                }
            )
        with self.assertRaises(ValidationError):
            self.campaign.asm_referrer_program_id = False

    def test_lead_of_referred_customer_credits_owner(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            .create({"name": "Yolanda's project", "partner_id": self.y.id})
        )
        self.assertEqual(lead.referrer_id, self.referrer)

    def test_participant_cannot_create_coupons(self):
        Card = self.env["loyalty.card"].with_user(self.user_referrer)
        with self.assertRaises(AccessError):
            Card.create(
                {
                    "program_id": self.reward_program.id,
                    "partner_id": self.x.id,
                    "points": COUPON_POINTS,
                }
            )
        with self.assertRaises(AccessError):
            self.env["loyalty.program"].with_user(self.user_referrer).create(
                {"name": "My own campaign", "program_type": "coupons"}
            )

    def test_marketing_manager_runs_campaign_from_menu(self):
        # loyalty programs belong to Sales: the campaigns' manager is an
        # All-Staff Marketing manager who administers Sales too
        manager = self._new_user(
            "asm_fis_mgr",
            "base.group_user,all_staff_marketing.group_manager,"
            "sales_team.group_sale_manager",
        )
        menu = self.env.ref("all_staff_marketing.loyalty_program_menu_asm_referral")
        menus = self.env["ir.ui.menu"].with_user(manager)
        self.assertIn(menu.id, menus._visible_menu_ids())
        # without Sales rights the menu is hidden rather than failing on open
        marketing_only = self._new_user(
            "asm_fis_mkt", "base.group_user,all_staff_marketing.group_manager"
        )
        self.assertNotIn(
            menu.id,
            self.env["ir.ui.menu"].with_user(marketing_only)._visible_menu_ids(),
        )
        participant_menus = self.env["ir.ui.menu"].with_user(self.user_referrer)
        self.assertNotIn(menu.id, participant_menus._visible_menu_ids())
        action = self.env.ref("all_staff_marketing.loyalty_program_action_asm_referral")
        Program = (
            self.env["loyalty.program"]
            .with_user(manager)
            .with_context(
                default_asm_customer_referral=True, default_program_type="promotion"
            )
        )
        with Form(Program) as form:
            form.name = "Autumn referral campaign"
            form.asm_referrer_program_id = self.reward_program
            form.asm_referrer_points = COUPON_POINTS
        campaign = form.record
        self.assertTrue(campaign.asm_customer_referral)
        self.assertEqual(campaign.program_type, "promotion")
        self.assertEqual(campaign.reward_ids.discount, 10.0, "promotion default 10 %")
        self.assertEqual(action.domain, "[('asm_customer_referral', '=', True)]")
