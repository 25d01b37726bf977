"""Frozen attribution: confirmed orders and posted invoices change only by correction.

Figures (DOMAIN §5, §6): one 1 % rule on the collected amount; an order of 100,000
untaxed, invoiced, paid in full on its due date (no late deduction) earns 1,000,
split by the shares. A credit note of 40,000 paid back takes back 40 % of it (-400).
"""

from contextlib import contextmanager
from datetime import date

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form

from .commission_common import CommissionCase

FREEZE_MESSAGE = r"can no longer be edited.*Correct Attribution button"


class TestAttributionFreeze(CommissionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_manager = cls._new_user(
            "asm_freeze_manager",
            "base.group_user,all_staff_marketing.group_manager,"
            "sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
        )
        cls.user_salesman = cls._new_user(
            "asm_freeze_salesman",
            "base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        cls.user_billing = cls._new_user(
            "asm_freeze_billing", "base.group_user,account.group_account_invoice"
        )

    # ------------------------------------------------------------------ helpers
    @classmethod
    def _sale_order(cls, shares=(100, 0, 0), amount=100000, **vals):
        return cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.user_seller.id,
                "referrer_id": cls.referrer.id,
                "referral_mode": "handoff",
                "referrer_share": shares[0],
                "salesperson_share": shares[1],
                "service_share": shares[2],
                "service_employee_id": cls.service.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
                **vals,
            }
        )

    @classmethod
    def _invoiced_order(cls, shares=(100, 0, 0)):
        """Confirmed order, its invoice posted (due 1 March 2025) and paid on time."""
        order = cls._sale_order(shares)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.write(
            {"invoice_date": date(2025, 2, 1), "invoice_date_due": date(2025, 3, 1)}
        )
        invoice.action_post()
        cls._pay(invoice, 100000, date(2025, 3, 1))
        return order, invoice

    def _refund_paid(self, invoice, amount=40000):
        refund = self._invoice(
            amount,
            move_type="out_refund",
            invoice_date=date(2025, 4, 1),
            due=date(2025, 4, 1),
            reversed_entry_id=invoice.id,
            shares=(invoice.referrer_share, invoice.salesperson_share, 0),
        )
        self._pay(refund, amount, date(2025, 4, 2))
        return refund

    def _correct(self, user=None, **values):
        """Run the Correct Attribution wizard as ``user`` through its form."""
        context = values.pop("context")
        wizard_model = (
            self.env["asm.attribution.correction"]
            .with_user(user or self.user_manager)
            .with_context(**context)
        )
        with Form(wizard_model) as form:
            for name, value in values.items():
                setattr(form, name, value)
        wizard = form.record
        wizard.action_apply()
        return wizard

    @contextmanager
    def assertRefused(self, exception, regex):
        """assertRaises (rolled back to a savepoint) plus a check of the message."""
        with self.assertRaises(exception) as refusal:
            yield refusal
        self.assertRegex(str(refusal.exception), regex)

    def _net(self, invoice, employee):
        return self._total(self._lines(invoice, employee_id=employee.id))

    # ----------------------------------------------------------- direct writes
    def test_confirmed_order_refuses_attribution_edits(self):
        """Hole: referrer, shares, exclusion, landmark stayed writable once sold."""
        order = self._sale_order()
        # a quotation's shares are an officer's to choose, not the salesperson's
        with self.assertRaisesRegex(UserError, "only an All-Staff Marketing officer"):
            order.with_user(self.user_salesman).write(
                {"referrer_share": 90.0, "salesperson_share": 10.0}
            )
        order.with_user(self.user_manager).write(
            {"referrer_share": 90.0, "salesperson_share": 10.0}
        )
        order.action_confirm()
        for user in (self.user_salesman, self.user_manager):
            as_user = order.with_user(user)
            for vals in (
                {"referrer_id": self.marketer.id},
                {"referral_mode": "direct"},
                {"referral_deal_type": "followup"},
                {"service_employee_id": self.marketer.id},
                {"referrer_share": 100.0, "salesperson_share": 0.0},
                {"referral_excluded": True, "referral_exclusion_reason": "x"},
                {"asm_landmark": True},
            ):
                with self.assertRaisesRegex(UserError, FREEZE_MESSAGE):
                    as_user.write(vals)
        with self.assertRaisesRegex(
            UserError,
            r"S\d+ is confirmed or posted: its attribution \(Referrer Share \(%\), "
            r"Salesperson Share \(%\)\) can no longer be edited",
        ):
            order.with_user(self.user_salesman).write(
                {"referrer_share": 100.0, "salesperson_share": 0.0}
            )
        # other fields stay editable; re-sending the same values is no change
        order.with_user(self.user_salesman).write(
            {"note": "Deliver on site", "referrer_share": 90.0, "asm_landmark": False}
        )
        # another opportunity does not carry its referrer onto a confirmed order
        other = self.env["crm.lead"].create(
            {"name": "Other", "referrer_id": self.marketer.id, "type": "opportunity"}
        )
        order.with_user(self.user_salesman).write({"opportunity_id": other.id})
        self.assertEqual(
            (order.referrer_id, order.referrer_share, order.salesperson_share),
            (self.referrer, 90.0, 10.0),
        )
        # the system (superuser) is not refused
        order.sudo().write({"asm_landmark": True})
        self.assertTrue(order.asm_landmark)

    def test_posted_invoice_refuses_attribution_edits(self):
        """Hole: attribution of a posted invoice was writable through RPC."""
        invoice = self._invoice(100000, post=False)
        invoice.with_user(self.user_manager).write({"referrer_share": 100.0})
        invoice.action_post()
        as_billing = invoice.with_user(self.user_billing)
        for vals in (
            {"referrer_id": self.marketer.id},
            {"referrer_share": 50.0, "salesperson_share": 50.0},
            {"referral_excluded": True},
            {"asm_landmark": True},
            {"service_employee_id": False},
        ):
            with self.assertRaisesRegex(UserError, FREEZE_MESSAGE):
                as_billing.write(vals)
        self.assertEqual(invoice.referrer_id, self.referrer)
        # its credit note still carries its attribution, and posts
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.user_billing)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Returned"})
        )
        reversal.refund_moves()
        refund = invoice.reversal_move_ids
        refund.action_post()
        self.assertEqual(
            (refund.referrer_id, refund.referrer_share, refund.service_employee_id),
            (self.referrer, 100.0, self.service),
        )

    # ------------------------------------------------------------- the wizard
    def test_wizard_for_managers_only(self):
        order, invoice = self._invoiced_order()
        for model, user, visible in (
            ("sale.order", self.user_manager, True),
            ("sale.order", self.user_salesman, False),
            ("account.move", self.user_manager, True),
            ("account.move", self.user_billing, False),
        ):
            arch = (
                self.env[model]
                .with_user(user)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            buttons = etree.fromstring(arch).xpath(
                "//header/button[@string='Correct Attribution']"
            )
            self.assertEqual(bool(buttons), visible, (model, user.login))
        with self.assertRaises(AccessError):
            self.env["asm.attribution.correction"].with_user(self.user_salesman).create(
                {"order_id": order.id, "company_id": self.company.id}
            )
        wizard = self.env["asm.attribution.correction"].create(
            {
                "order_id": order.id,
                "company_id": self.company.id,
                "referrer_id": self.marketer.id,
                "referrer_share": 100.0,
                "reason": "x",
            }
        )
        with self.assertRaisesRegex(
            AccessError, r"Only an All-Staff Marketing manager can correct"
        ):
            wizard.with_user(self.user_salesman).action_apply()

    def test_correct_referrer_reverses_and_recomputes(self):
        """Rita earned 1,000 and lost 400 to a refund; the deal was Mia's.

        Rita: +1,000 - 400 - 1,000 + 400 = 0; Mia: +1,000 - 400 = 600.
        """
        order, invoice = self._invoiced_order()
        refund = self._refund_paid(invoice)
        self.assertEqual(self._net(invoice, self.referrer), 600)
        originals = self._lines(invoice)
        self.assertEqual(originals.mapped("amount"), [1000, -400])
        wizard = self._correct(
            context={"default_order_id": order.id},
            referrer_id=self.marketer,
            reason="Mia brought the customer",
        )
        # the order, its invoice and the credit note carry the correction
        for document in (order, invoice, refund):
            self.assertEqual(document.referrer_id, self.marketer, document.name)
            self.assertEqual(document.referrer_share, 100.0)
        owner = self.env["asm.customer.owner"].search([("order_id", "=", order.id)])
        self.assertEqual(owner.referrer_id, self.marketer)
        # history stays: the original lines are untouched and reversed
        self.assertEqual(originals.mapped("amount"), [1000, -400])
        reversals = self._lines(invoice, kind="reversal")
        self.assertEqual(sorted(reversals.mapped("amount")), [-1000, 400])
        self.assertEqual(reversals.reversed_line_id, originals)
        self.assertEqual(set(reversals.mapped("state")), {"payable"})
        self.assertIn("Mia brought the customer", reversals[0].reason)
        self.assertEqual(self._net(invoice, self.referrer), 0)
        # Mia earns what the payments and the refund give her
        mias = self._lines(invoice, employee_id=self.marketer.id)
        self.assertEqual(
            sorted((line.kind, line.amount, line.date) for line in mias),
            [
                ("clawback", -400, date(2025, 4, 2)),
                ("earn", 1000, date(2025, 3, 1)),
            ],
        )
        self.assertEqual(self._net(invoice, self.marketer), 600)
        # nothing new is in a statement yet: it goes to the next one
        self.assertFalse((reversals | mias).statement_id)
        # the chatter says who, why, old and new
        for document in (order, invoice, refund):
            bodies = " ".join(document.message_ids.mapped("body"))
            self.assertIn("Mia brought the customer", bodies)
            self.assertIn("Referrer: Rita Referrer → Mia Marketing", bodies)
        # a second correction with the same values changes nothing
        with self.assertRaisesRegex(UserError, r"Nothing to correct"):
            self._correct(context={"default_order_id": order.id}, reason="again")
        self.assertTrue(wizard.id)

    def test_correct_exclusion_from_invoice(self):
        """An invoice without order, excluded afterwards: its 1,000 is reversed."""
        invoice = self._invoice(100000)
        self._pay(invoice, 100000, date(2025, 3, 1))
        self.assertEqual(self._net(invoice, self.referrer), 1000)
        self._correct(
            context={"default_move_id": invoice.id},
            referral_excluded=True,
            referral_exclusion_reason="Employee price",
            reason="Sold at the employee price",
        )
        self.assertTrue(invoice.referral_excluded)
        self.assertEqual(self._net(invoice, self.referrer), 0)
        self.assertEqual(self._lines(invoice, kind="reversal").amount, -1000)

    def test_correct_from_credit_note_corrects_its_invoice(self):
        """Opened on the credit note, the correction applies to the invoice it
        reverses too (its clawback is computed from that invoice): Mia +1,000 - 400.
        """
        invoice = self._invoice(100000)
        self._pay(invoice, 100000, date(2025, 3, 1))
        refund = self._refund_paid(invoice)
        self._correct(
            context={"default_move_id": refund.id},
            referrer_id=self.marketer,
            reason="Mia's customer",
        )
        self.assertEqual((invoice | refund).referrer_id, self.marketer)
        self.assertEqual(self._net(invoice, self.referrer), 0)
        self.assertEqual(self._net(invoice, self.marketer), 600)

    def test_correction_refuses_bad_shares(self):
        order, invoice = self._invoiced_order()
        with self.assertRefused(ValidationError, r"must add up to 100 %"):
            self._correct(
                context={"default_order_id": order.id},
                referrer_share=80.0,
                reason="typo",
            )
        self.assertEqual(order.referrer_share, 100.0)
        self.assertFalse(self._lines(invoice, kind="reversal"))

    def test_correct_shares_same_people(self):
        """7:3 corrected to 5:5: Rita 700 → 500, Sam 300 → 500 (new keyed lines)."""
        order, invoice = self._invoiced_order(shares=(70, 30, 0))
        self.assertEqual(self._net(invoice, self.referrer), 700)
        self.assertEqual(self._net(invoice, self.salesperson), 300)
        wizard = self._correct(
            context={"default_order_id": order.id},
            referrer_share=50.0,
            salesperson_share=50.0,
            reason="Agreed 5:5",
        )
        self.assertEqual(self._net(invoice, self.referrer), 500)
        self.assertEqual(self._net(invoice, self.salesperson), 500)
        new = self._lines(invoice, kind="earn").filtered(
            lambda line: line.key.endswith(f"/corr{wizard.id}")
        )
        self.assertEqual(sorted(new.mapped("amount")), [500, 500])
