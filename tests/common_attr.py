"""Shared set-up of the attribution, points and tier tests (data built once)."""

from contextlib import contextmanager

from odoo import Command

from .common import AsmCase

PARTICIPANT = "base.group_user,all_staff_marketing.group_participant"
SALESMAN = "sales_team.group_sale_salesman"


class AsmAttrCase(AsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "asm_first_referrer_share": 70.0,
                "asm_first_salesperson_share": 30.0,
                "asm_first_service_share": 0.0,
                "asm_followup_referrer_share": 10.0,
                "asm_followup_salesperson_share": 80.0,
                "asm_followup_service_share": 10.0,
                "asm_protection_days": 180,
                "asm_tier_a_threshold": 5_000_000.0,
                "asm_tier_b_threshold": 1_000_000.0,
            }
        )
        cls.stage_new = cls.env.ref("crm.stage_lead1")
        cls.stage_qualified = cls.env.ref("crm.stage_lead2")
        cls.stage_proposition = cls.env.ref("crm.stage_lead3")
        cls.stage_won = cls.env.ref("crm.stage_lead4")
        cls.user_alice, cls.alice = cls._new_employee_user("asm_alice", "Alice")
        cls.user_bob, cls.bob = cls._new_employee_user("asm_bob", "Bob")
        cls.user_sales, cls.sales_emp = cls._new_employee_user(
            "asm_sales", "Sam Sales", groups=f"{PARTICIPANT},{SALESMAN}"
        )
        cls.user_manager = cls._new_user(
            "asm_attr_manager",
            "base.group_user,all_staff_marketing.group_manager,"
            "sales_team.group_sale_manager",
        )
        cls.service_emp = cls.env["hr.employee"].create(
            {"name": "Sue Service", "company_id": cls.company.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Consulting day", "type": "service", "list_price": 1000.0}
        )

    @contextmanager
    def assertRefused(self, exception, regex):
        """assertRaises (rolled back to a savepoint) plus a check of the message."""
        with self.assertRaises(exception) as refusal:
            yield refusal
        self.assertRegex(str(refusal.exception), regex)

    @classmethod
    def _new_employee_user(cls, login, name, groups=PARTICIPANT, company=None):
        company = company or cls.company
        user = cls._new_user(
            login,
            groups,
            name=name,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        employee = cls.env["hr.employee"].create(
            {"name": name, "user_id": user.id, "company_id": company.id}
        )
        return user, employee

    @classmethod
    def _referral(cls, referrer, **vals):
        """A referral registered by (or for) ``referrer``, as an admin would."""
        values = {
            "partner_name": "Customer",
            "referrer_id": referrer.id,
            "referral_mode": "handoff",
            "type": "opportunity",
            "user_id": False,
        }
        values.update(vals)
        return cls.env["crm.lead"].create(values)

    @classmethod
    def _order(cls, partner, amount=1000.0, ctx=None, **vals):
        values = {
            "partner_id": partner.id,
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
        }
        values.update(vals)
        return cls.env["sale.order"].with_context(**(ctx or {})).create(values)
