from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form
from odoo.tools import format_date

from .common_attr import AsmAttrCase

REFERRAL_FORM = "all_staff_marketing.asm_referral_view_form"
ATTRIBUTION = (
    "referrer_id",
    "referral_mode",
    "referral_deal_type",
    "referrer_share",
    "salesperson_share",
    "service_share",
)


class TestAttributionFlow(AsmAttrCase):
    """Participant's referral → opportunity → won → order → invoice → credit note."""

    def _attribution(self, record):
        return tuple(record[f] for f in ATTRIBUTION)

    def test_flow_lead_to_invoice_and_follow_up(self):
        # 1. Alice registers the referral herself, through the My Referrals form
        Lead = (
            self.env["crm.lead"]
            .with_user(self.user_alice)
            .with_context(asm_my_referral=True, default_user_id=False)
        )
        with Form(Lead, view=REFERRAL_FORM) as form:
            form.partner_name = "Acme Trading Co."
            form.contact_name = "Mr. Zhang"
            form.phone = "+86 138 0013 8000"
            form.email_from = "zhang@acme.example.com"
            form.referral_handle = "wx_zhang_acme"
            form.referral_mode = "direct"
        lead = self.env["crm.lead"].browse(form.record.id)  # the sales side now
        self.assertEqual(lead.referrer_id, self.alice)
        self.assertEqual(lead.referral_date, fields.Date.context_today(lead))
        self.assertEqual(lead.company_id, self.company)
        self.assertFalse(lead.user_id)
        self.assertEqual(
            self._attribution(lead),
            (self.alice, "direct", "first", 70.0, 30.0, 0.0),
        )
        # tracked in the chatter
        self.env.cr.flush()  # tracking starts after the creating transaction
        lead.referrer_id = self.bob
        self.env.cr.flush()
        tracked = lead.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "referrer_id"
        )
        self.assertEqual(tracked.old_value_char, "Alice")
        self.assertEqual(tracked.new_value_char, "Bob")
        lead.referrer_id = self.alice

        # 2. the sales team converts it, wins it and quotes
        customer = self.env["res.partner"].create(
            {"name": "Acme Trading Co.", "is_company": True, "vat": "CN91310000X"}
        )
        lead.write({"partner_id": customer.id, "user_id": self.user_sales.id})
        lead.action_set_won()
        self.assertEqual(lead.stage_id, self.stage_won)
        context = lead._prepare_opportunity_quotation_context()
        order = self._order(customer, 100_000.0, ctx=context)
        self.assertEqual(order.opportunity_id, lead)
        self.assertEqual(self._attribution(order), self._attribution(lead))
        self.assertEqual(order.user_id, self.user_sales)
        order.action_confirm()

        # 3. the customer now belongs to Alice in this company
        owner = self.env["asm.customer.owner"].search(
            [("partner_id", "=", customer.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(owner.referrer_id, self.alice)
        self.assertEqual(owner.order_id, order)
        self.assertEqual(owner.lead_id, lead)
        self.assertEqual(customer.asm_owner_ids, owner)

        # 4. the invoice carries the attribution (via sale.order._prepare_invoice)
        invoice = order._create_invoices()
        self.assertEqual(self._attribution(invoice), self._attribution(lead))
        invoice.action_post()
        # 5. and its credit note too (via account.move._reverse_moves)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Returned"})
        )
        reversal.refund_moves()
        refund = invoice.reversal_move_ids
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(self._attribution(refund), self._attribution(lead))

        # 6. a second order of the customer is a follow-up for Alice, 10/10/80
        owner.service_employee_id = self.service_emp
        order2 = self._order(customer, 20_000.0)
        self.assertEqual(order2.referrer_id, self.alice)
        self.assertEqual(order2.referral_deal_type, "followup")
        self.assertEqual(order2.service_employee_id, self.service_emp)
        self.assertEqual(
            (order2.referrer_share, order2.service_share, order2.salesperson_share),
            (10.0, 10.0, 80.0),
        )
        order2.action_confirm()
        invoice2 = order2._create_invoices()
        self.assertEqual(
            (invoice2.referral_deal_type, invoice2.referrer_share),
            ("followup", 10.0),
        )
        # the owner did not change
        self.assertEqual(
            self.env["asm.customer.owner"].search_count(
                [("partner_id", "=", customer.id)]
            ),
            1,
        )

    def test_two_quotations_second_confirmed_becomes_follow_up(self):
        customer = self.env["res.partner"].create({"name": "Twin Quotes Ltd"})
        lead = self._referral(self.alice, partner_id=customer.id)
        first = self._order(customer, opportunity_id=lead.id)
        second = self._order(customer, opportunity_id=lead.id)
        self.assertEqual(second.referral_deal_type, "first")
        first.action_confirm()
        second.action_confirm()
        self.assertEqual(first.referral_deal_type, "first")
        self.assertEqual(second.referral_deal_type, "followup")
        self.assertEqual(
            (second.referrer_share, second.salesperson_share, second.service_share),
            (10.0, 80.0, 10.0),
        )

    def test_contact_of_owned_company_is_follow_up(self):
        company_partner = self.env["res.partner"].create(
            {"name": "Parent Corp", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": company_partner.id}
        )
        lead = self._referral(self.bob, partner_id=contact.id)
        self._order(contact, opportunity_id=lead.id).action_confirm()
        owner = self.env["asm.customer.owner"].search(
            [("referrer_id", "=", self.bob.id)]
        )
        self.assertEqual(owner.partner_id, company_partner)
        order = self._order(company_partner)
        self.assertEqual(
            (order.referrer_id, order.referral_deal_type), (self.bob, "followup")
        )

    def test_owner_is_per_company(self):
        company_b = self.env["res.company"].create({"name": "Subsidiary B"})
        customer = self.env["res.partner"].create({"name": "Shared Customer"})
        lead = self._referral(self.alice, partner_id=customer.id)
        self._order(customer, opportunity_id=lead.id).action_confirm()
        order_b = self._order(customer, company_id=company_b.id)
        self.assertFalse(order_b.referrer_id)
        self.assertFalse(order_b.referral_deal_type)

    def test_employee_price_excluded(self):
        pricelist = self.env["product.pricelist"].create(
            {"name": "Staff price", "asm_employee_price": True}
        )
        customer = self.env["res.partner"].create({"name": "Friend of Alice"})
        lead = self._referral(self.alice, partner_id=customer.id)
        order = self._order(customer, opportunity_id=lead.id, pricelist_id=pricelist.id)
        self.assertTrue(order.referral_excluded)
        self.assertIn("employee price", order.referral_exclusion_reason)
        self.assertIn("Staff price", order.referral_exclusion_reason)
        order.action_confirm()
        # no owner from a staff purchase; the invoice keeps the flag and reason
        self.assertFalse(
            self.env["asm.customer.owner"].search([("partner_id", "=", customer.id)])
        )
        invoice = order._create_invoices()
        self.assertTrue(invoice.referral_excluded)
        self.assertEqual(
            invoice.referral_exclusion_reason, order.referral_exclusion_reason
        )

    def test_manual_invoice_attributed_by_hand(self):
        customer = self.env["res.partner"].create({"name": "Walk-in Customer"})
        with Form(
            self.env["account.move"].with_context(default_move_type="out_invoice")
        ) as form:
            form.partner_id = customer
            form.referrer_id = self.bob
            form.referral_mode = "handoff"
            with form.invoice_line_ids.new() as line:
                line.product_id = self.product
                line.price_unit = 500.0
                line.tax_ids.clear()
        invoice = form.record
        self.assertEqual(
            self._attribution(invoice),
            (self.bob, "handoff", "first", 70.0, 30.0, 0.0),
        )
        invoice.action_post()
        refund = invoice._reverse_moves([{"ref": "refund"}])
        self.assertEqual(self._attribution(refund), self._attribution(invoice))

    def test_shares_follow_company_configuration(self):
        self.company.write(
            {"asm_first_referrer_share": 60.0, "asm_first_salesperson_share": 40.0}
        )
        lead = self._referral(self.bob, partner_name="Configured Ltd")
        self.assertEqual(
            (lead.referrer_share, lead.salesperson_share, lead.service_share),
            (60.0, 40.0, 0.0),
        )
        lead.referral_deal_type = "followup"
        self.assertEqual(
            (lead.referrer_share, lead.salesperson_share, lead.service_share),
            (10.0, 80.0, 10.0),
        )


class TestAttributionRefusals(AsmAttrCase):
    """Bad input is refused with a message naming what to fix."""

    def test_shares_must_sum_to_100(self):
        lead = self._referral(self.alice, partner_name="Sum Ltd")
        with self.assertRefused(ValidationError, "add up to 100 %.*110"):
            lead.write({"referrer_share": 80.0})
        with self.assertRefused(ValidationError, "cannot be negative"):
            lead.write({"referrer_share": 110.0, "salesperson_share": -10.0})
        lead.write({"referrer_share": 50.0, "salesperson_share": 50.0})
        self.assertEqual(lead.referrer_share + lead.salesperson_share, 100.0)

    def test_referrer_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Other Co"})
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": company_b.id}
        )
        with self.assertRefused(ValidationError, "Stranger is an employee of"):
            self._referral(
                stranger, partner_name="Cross Ltd", company_id=self.company.id
            )
        order = self._order(self.env["res.partner"].create({"name": "Cross 2"}))
        with self.assertRefused(ValidationError, "choose an employee|Choose an"):
            order.referrer_id = stranger
            order.flush_recordset()

    def test_settings_refused(self):
        with self.assertRefused(ValidationError, "must add up to 100"):
            self.company.asm_followup_referrer_share = 20.0
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.company.write(
                {"asm_first_referrer_share": 110.0, "asm_first_service_share": -10.0}
            )
        with self.assertRefused(ValidationError, "tier B threshold"):
            self.company.asm_tier_b_threshold = 5_000_000.0
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.company.write(
                {"asm_tier_b_threshold": -1.0, "asm_tier_a_threshold": 10.0}
            )
        with self.assertRefused(ValidationError, "protection window"):
            self.company.asm_protection_days = -1
        with self.assertRefused(ValidationError, "must add up to 100"):
            self.env["res.config.settings"].create(
                {"asm_first_salesperson_share": 40.0}
            ).execute()

    def test_stage_mapping_refused(self):
        company_b = self.env["res.company"].create({"name": "Mapping Co"})
        grade_b = self.env["asm.lead.grade"].search(
            [("company_id", "=", company_b.id), ("code", "=", "A")]
        )
        self.assertEqual(grade_b.points, 30)  # new companies get the defaults
        new_stage = self.env["crm.stage"].create({"name": "Negotiation"})
        with self.assertRefused(ValidationError, "belongs to Mapping Co"):
            self.env["asm.stage.grade"].create(
                {
                    "company_id": self.company.id,
                    "stage_id": new_stage.id,
                    "grade_id": grade_b.id,
                }
            )
        with self.assertRefused(ValidationError, "already mapped"):
            self.env["asm.stage.grade"].create(
                {
                    "company_id": self.company.id,
                    "stage_id": self.stage_won.id,
                    "grade_id": self.env.ref("all_staff_marketing.asm_lead_grade_b").id,
                }
            )
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.env.ref("all_staff_marketing.asm_lead_grade_c").points = -1


class TestOwnershipProtection(AsmAttrCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls._referral(
            cls.alice,
            partner_name="Globex Ltd.",
            phone="+86 138 0013 8000",
            email_from="Purchasing <Buy@Globex.example.com>",
            referral_vat="CN 9131-0000 X",
        )

    def _second(self, **vals):
        return self._referral(self.bob, **vals)

    def test_refused_by_phone_email_vat_name(self):
        for vals in (
            {"partner_name": "G1", "phone": "138-0013-8000"},
            {"partner_name": "G2", "mobile": "0086 13800138000"},
            {"partner_name": "G3", "email_from": " buy@globex.example.com "},
            {"partner_name": "G4", "referral_vat": "cn91310000x"},
            {"partner_name": "GLOBEX  ltd"},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as refusal:
                    self._second(**vals)
                message = str(refusal.exception)
                self.assertIn("referred by Alice", message)
                self.assertIn("protected for 180 days", message)

    def test_refused_by_commercial_partner(self):
        partner = self.env["res.partner"].create(
            {"name": "Initech", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Peter", "parent_id": partner.id}
        )
        self._referral(self.alice, partner_id=partner.id)
        with self.assertRefused(ValidationError, "referred by Alice"):
            self._second(partner_id=contact.id)

    def test_message_names_referrer_and_date(self):
        self.first.referral_date = fields.Date.context_today(self.first) - timedelta(
            days=10
        )
        with self.assertRaises(ValidationError) as refusal:
            self._second(partner_name="X", phone="13800138000")
        self.assertIn("Alice", str(refusal.exception))
        self.assertIn(
            format_date(self.env, self.first.referral_date), str(refusal.exception)
        )

    def test_accepted_outside_window_or_for_other_customer(self):
        self._second(partner_name="Someone Else", phone="+86 139 0013 8000")
        self.first.referral_date = fields.Date.context_today(self.first) - timedelta(
            days=181
        )
        lead = self._second(partner_name="Globex Ltd")
        self.assertEqual(lead.referrer_id, self.bob)

    def test_lost_referral_releases_customer(self):
        self.first.action_set_lost()
        self.assertTrue(self._second(partner_name="Globex Ltd"))

    def test_same_customer_other_company_is_new(self):
        company_b = self.env["res.company"].create({"name": "Subsidiary B"})
        user_b, carol = self._new_employee_user("asm_carol", "Carol", company=company_b)
        lead = self._referral(
            carol,
            partner_name="Globex Ltd.",
            phone="+86 138 0013 8000",
            referral_vat="CN91310000X",
        )
        self.assertEqual(lead.company_id, company_b)
        self.assertEqual(lead.referrer_share, 70.0)

    def test_manager_override_logged(self):
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.user_sales).create(
                {
                    "partner_name": "Globex",
                    "referrer_id": self.sales_emp.id,
                    "referral_override_reason": "I say so",
                }
            )
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_manager)
            .create(
                {
                    "partner_name": "Globex Ltd",
                    "referrer_id": self.bob.id,
                    "referral_mode": "direct",
                    "referral_override_reason": "Globex HQ asked for Bob; Alice agreed",
                }
            )
        )
        self.assertEqual(lead.referrer_id, self.bob)
        note = lead.message_ids.filtered(lambda m: "overridden" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Globex HQ asked for Bob", note.body)
        self.assertIn("referred by Alice", note.body)
        self.assertEqual(note.author_id, self.user_manager.partner_id)

    def test_owner_claim_has_no_window(self):
        customer = self.env["res.partner"].create(
            {"name": "Owned Corp", "is_company": True, "phone": "+1 555 010 9999"}
        )
        lead = self._referral(self.alice, partner_id=customer.id)
        self._order(customer, opportunity_id=lead.id).action_confirm()
        lead.referral_date = fields.Date.context_today(lead) - timedelta(days=400)
        with self.assertRefused(ValidationError, "owned by referrer Alice"):
            self._second(partner_name="Owned Corporation", phone="(555) 010-9999")

    def test_duplicate_check_is_one_query_per_kind(self):
        leads_vals = [
            {"partner_name": f"Batch {i}", "phone": f"+86 150 0000 {i:04d}"}
            for i in range(20)
        ]
        leads = self.env["crm.lead"].create(
            [dict(v, referrer_id=self.bob.id, user_id=False) for v in leads_vals]
        )
        self.assertEqual(len(leads), 20)
        leads.invalidate_recordset()
        queries_before = self.env.cr.sql_log_count
        self.assertFalse(leads._asm_get_referral_conflicts())
        # the keys of the 20 leads, one search of the leads, one of the owners
        self.assertLessEqual(self.env.cr.sql_log_count - queries_before, 6)

    def test_duplicated_lead_is_not_a_new_referral(self):
        duplicate = self.first.copy()
        self.assertFalse(duplicate.referrer_id)
        self.assertFalse(duplicate.referral_date)
        self.assertEqual(duplicate.referrer_share, 0.0)
