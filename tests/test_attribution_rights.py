"""Who chooses the attribution: only All-Staff Marketing officers and managers.

Issue #18: a Sales Administrator (a group Odoo's default user template gives every
new user) reassigned referrers and shares on leads and draft orders, and an
accountant on draft invoices. Now anybody else gets what the system derives (the
opportunity's referral, the customer's owner, the reversed invoice): a form that
sends the derived values back passes, a value chosen by hand is refused.

Figures: the company's first-deal shares are 70 / 30 / 0 (``AsmAttrCase``).
"""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form

from .common_attr import PARTICIPANT, AsmAttrCase

RIGHTS_MESSAGE = r"only an All-Staff Marketing officer or manager chooses"


class TestAttributionRights(AsmAttrCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_sales_admin = cls._new_user(
            "asm_rights_sales_admin", "base.group_user,sales_team.group_sale_manager"
        )
        cls.user_accountant = cls._new_user(
            "asm_rights_accountant", "base.group_user,account.group_account_manager"
        )
        cls.user_officer, cls.officer_emp = cls._new_employee_user(
            "asm_rights_officer",
            "Olga Officer",
            groups=f"{PARTICIPANT},sales_team.group_sale_salesman_all_leads,"
            "all_staff_marketing.group_officer",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Rights Customer"})
        cls.lead = cls._referral(cls.alice, partner_id=cls.customer.id)

    def _draft_invoice(self, **vals):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 1,
                            "price_unit": 1000.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
                **vals,
            }
        )

    # ------------------------------------------------------------------ leads
    def test_sales_admin_cannot_reassign_a_referral(self):
        lead = self.lead.with_user(self.user_sales_admin)
        for vals in (
            {"referrer_id": self.bob.id},
            {"referrer_share": 10.0, "salesperson_share": 90.0},
            {"service_employee_id": self.service_emp.id, "service_share": 0.0},
            {"referral_excluded": True, "referral_exclusion_reason": "mine now"},
        ):
            with self.assertRefused(UserError, RIGHTS_MESSAGE):
                lead.write(vals)
        lead_now = self.lead
        self.assertEqual(
            (lead_now.referrer_id, lead_now.referrer_share, lead_now.referral_excluded),
            (self.alice, 70.0, False),
        )
        # the same values sent back (a form saving other fields) pass
        lead.write({"referrer_id": self.alice.id, "referrer_share": 70.0, "name": "X"})
        self.assertEqual(self.lead.name, "X")
        # an officer reassigns
        self.lead.with_user(self.user_officer).write({"referrer_id": self.bob.id})
        self.assertEqual(self.lead.referrer_id, self.bob)

    def test_sales_admin_cannot_create_a_referral_for_a_colleague(self):
        Lead = self.env["crm.lead"].with_user(self.user_sales_admin)
        with self.assertRefused(UserError, RIGHTS_MESSAGE):
            Lead.create({"name": "For Bob", "referrer_id": self.bob.id})
        with self.assertRefused(UserError, RIGHTS_MESSAGE):
            Lead.create({"name": "Shares", "salesperson_share": 100.0})
        lead = Lead.create({"name": "Plain lead"})
        self.assertFalse(lead.referrer_id)
        # a salesperson's own referral in his own name, with its mode, is his
        own = (
            self.env["crm.lead"]
            .with_user(self.user_sales)
            .create(
                {
                    "name": "My contact",
                    "referrer_id": self.sales_emp.id,
                    "referral_mode": "direct",
                }
            )
        )
        self.assertEqual(
            (own.referrer_id, own.referral_mode, own.referrer_share),
            (self.sales_emp, "direct", 70.0),
        )
        own.with_user(self.user_sales).write({"referral_mode": "handoff"})
        self.assertEqual(own.referral_mode, "handoff")
        with self.assertRefused(UserError, RIGHTS_MESSAGE):
            own.with_user(self.user_sales).write({"salesperson_share": 100.0})

    def test_form_shows_attribution_read_only_to_others(self):
        self.assertFalse(
            self.lead.with_user(self.user_sales_admin).asm_can_edit_attribution
        )
        self.assertTrue(self.lead.with_user(self.user_officer).asm_can_edit_attribution)
        with Form(self.lead.with_user(self.user_sales_admin)) as form:
            with self.assertRaises(AssertionError):
                form.referrer_id = self.bob

    # ------------------------------------------------------------------ orders
    def test_quotation_derives_the_opportunitys_referral(self):
        """The salesperson's quotation form sends the derived values: accepted."""
        self.lead.with_user(self.user_officer).write(
            {"referrer_share": 60.0, "salesperson_share": 40.0}
        )
        with Form(
            self.env["sale.order"]
            .with_user(self.user_sales_admin)
            .with_context(default_opportunity_id=self.lead.id)
        ) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product
        order = form.record
        self.assertEqual(
            (order.referrer_id, order.referrer_share, order.salesperson_share),
            (self.alice, 60.0, 40.0),
        )
        as_admin = order.with_user(self.user_sales_admin)
        for vals in (
            {"referrer_id": self.bob.id},
            {"referrer_share": 0.0, "salesperson_share": 100.0},
            {"asm_landmark": True},
            {"referral_excluded": True, "referral_exclusion_reason": "no"},
        ):
            with self.assertRefused(UserError, RIGHTS_MESSAGE):
                as_admin.write(vals)
        with self.assertRefused(UserError, RIGHTS_MESSAGE):
            self._order(
                self.customer,
                referrer_id=self.bob.id,
                ctx={},
            ).with_user(self.user_sales_admin).copy({"referrer_id": self.bob.id})
        # a copy made by a salesperson derives its attribution again
        copy = as_admin.copy()
        self.assertEqual((copy.referrer_id, copy.referrer_share), (self.alice, 60.0))
        # the officer chooses
        order.with_user(self.user_officer).write({"asm_landmark": True})
        self.assertTrue(order.asm_landmark)

    def test_new_quotation_with_a_hand_picked_referrer_is_refused(self):
        Order = self.env["sale.order"].with_user(self.user_sales_admin)
        values = {
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product.id})],
        }
        with self.assertRefused(UserError, RIGHTS_MESSAGE):
            Order.create({**values, "referrer_id": self.bob.id})
        order = Order.create(values)
        self.assertFalse(order.referrer_id)
        officer_order = (
            self.env["sale.order"]
            .with_user(self.user_officer)
            .create({**values, "referrer_id": self.bob.id})
        )
        self.assertEqual(
            (officer_order.referrer_id, officer_order.referrer_share),
            (self.bob, 70.0),
        )

    # ---------------------------------------------------------------- invoices
    def test_accountant_cannot_attribute_a_draft_invoice(self):
        Move = self.env["account.move"].with_user(self.user_accountant)
        invoice = self._draft_invoice()
        with self.assertRefused(UserError, RIGHTS_MESSAGE):
            invoice.with_user(self.user_accountant).write(
                {"referrer_id": self.bob.id, "referral_mode": "direct"}
            )
        with self.assertRefused(UserError, RIGHTS_MESSAGE):
            Move.create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "referrer_id": self.bob.id,
                }
            )
        self.assertFalse(invoice.referrer_id)

    def test_credit_note_keeps_the_invoice_attribution(self):
        invoice = self._draft_invoice(
            referrer_id=self.alice.id,
            referral_mode="handoff",
            referrer_share=60.0,
            salesperson_share=40.0,
        )
        invoice.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.user_accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Returned"})
        )
        reversal.refund_moves()
        refund = invoice.reversal_move_ids
        self.assertEqual(
            (refund.referrer_id, refund.referrer_share, refund.salesperson_share),
            (self.alice, 60.0, 40.0),
        )
        # a credit note "reversing" it cannot bring another referrer
        with self.assertRefused(UserError, RIGHTS_MESSAGE):
            self.env["account.move"].with_user(self.user_accountant).create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.customer.id,
                    "reversed_entry_id": invoice.id,
                    "referrer_id": self.bob.id,
                }
            )
