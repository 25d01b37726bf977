"""Statements built directly from commission lines (source 000 farm 四.4 figures)."""

from odoo import Command
from odoo.fields import Date

from .common import AsmCase

GROUP = "all_staff_marketing.group_%s"
PARTICIPANT = "base.group_user," + GROUP % "participant"


def setup_payroll(env):
    """OCA payroll set-up paying commissions: BASIC + ALW = GROSS = NET.

    Returns ``(structure with the ASM_COMMISSION rule, structure without it,
    the commission salary rule, the Allowance category)``.
    """
    from odoo.addons.all_staff_marketing_payroll.hooks import post_init_hook

    Category = env["hr.salary.rule.category"]
    basic = Category.create({"name": "Basic", "code": "BASIC"})
    allowance = Category.create({"name": "Allowance", "code": "ALW"})
    gross = Category.create({"name": "Gross", "code": "GROSS"})
    net = Category.create({"name": "Net", "code": "NET"})
    # what the install hook does when the database has an Allowance category
    post_init_hook(env)
    rules = env["hr.salary.rule"].create(
        [
            {
                "name": "Basic Salary",
                "code": "BASIC",
                "sequence": 1,
                "category_id": basic.id,
                "amount_select": "code",
                "amount_python_compute": "result = contract.wage",
            },
            {
                "name": "Gross",
                "code": "GROSS",
                "sequence": 100,
                "category_id": gross.id,
                "amount_select": "code",
                "amount_python_compute": "result = categories.BASIC + categories.ALW",
            },
            {
                "name": "Net",
                "code": "NET",
                "sequence": 200,
                "category_id": net.id,
                "amount_select": "code",
                "amount_python_compute": "result = categories.BASIC + categories.ALW",
            },
        ]
    )
    commission_rule = env.ref(
        "all_staff_marketing_payroll.hr_salary_rule_asm_commission"
    )
    Structure = env["hr.payroll.structure"]
    # configuration: the manager adds the commission rule to the structure
    structure = Structure.create(
        {
            "name": "Sales staff",
            "code": "SALES",
            "rule_ids": [Command.set((rules | commission_rule).ids)],
        }
    )
    structure_plain = Structure.create(
        {
            "name": "No commissions",
            "code": "PLAIN",
            "rule_ids": [Command.set(rules.ids)],
        }
    )
    return structure, structure_plain, commission_rule, allowance


class StatementCase(AsmCase):
    """Users, employees and three statements.

    Alice (sales department, managed by the officer):
      March: invoice of 100,000 at 1 %, 60,000 paid on time -> 600.
      May: the other 40,000 paid 75 days late -> 400 - 50 % = 200; and a contract
      above 500,000 (1.5 % tier) fully collected, 70 % referrer share -> 6,300.
    Bob (another department): March, an event reward of 300 (information for a bid
    the company lost).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Statement = cls.env["asm.statement"]
        cls.Line = cls.env["asm.commission.line"]
        cls.user_alice = cls._new_user("asm_alice", PARTICIPANT, name="Alice Zhang")
        cls.user_bob = cls._new_user("asm_bob", PARTICIPANT, name="Bob Li")
        cls.user_officer = cls._new_user(
            "asm_officer", "base.group_user," + GROUP % "officer", name="Olivia Wang"
        )
        cls.user_manager = cls._new_user(
            "asm_manager", "base.group_user," + GROUP % "manager", name="Max Chen"
        )
        cls.reviewer_1 = cls._new_user(
            "asm_rev1", "base.group_user," + GROUP % "approver_first", name="Rita One"
        )
        cls.reviewer_2 = cls._new_user(
            "asm_rev2", "base.group_user," + GROUP % "approver_second", name="Roy Two"
        )
        cls.reviewer_3 = cls._new_user(
            "asm_rev3", "base.group_user," + GROUP % "approver_final", name="Ray Three"
        )
        Employee = cls.env["hr.employee"]
        cls.officer = Employee.create(
            {"name": "Olivia Wang", "user_id": cls.user_officer.id}
        )
        cls.dept_sales = cls.env["hr.department"].create(
            {"name": "Customer Success 1", "manager_id": cls.officer.id}
        )
        cls.dept_other = cls.env["hr.department"].create({"name": "Back Office"})
        cls.alice = Employee.create(
            {
                "name": "Alice Zhang",
                "user_id": cls.user_alice.id,
                "department_id": cls.dept_sales.id,
            }
        )
        cls.bob = Employee.create(
            {
                "name": "Bob Li",
                "user_id": cls.user_bob.id,
                "department_id": cls.dept_other.id,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Green Farm Co."})
        cls.alice_march = cls._create_statement(
            cls.alice,
            "2025-03-01",
            "2025-03-31",
            [
                {
                    "name": "Invoice 100,000: 60,000 paid on 15 March",
                    "date": "2025-03-15",
                    "partner_id": cls.customer.id,
                    "base_amount": 60000.0,
                    "rate": 1.0,
                    "tier_label": "<= 500,000",
                    "gross_amount": 600.0,
                    "amount": 600.0,
                }
            ],
        )
        cls.alice_may = cls._create_statement(
            cls.alice,
            "2025-05-01",
            "2025-05-31",
            [
                {
                    "name": "Invoice 100,000: 40,000 paid on 15 May",
                    "date": "2025-05-15",
                    "partner_id": cls.customer.id,
                    "base_amount": 40000.0,
                    "rate": 1.0,
                    "tier_label": "<= 500,000",
                    "days_late": 75,
                    "deduction_pct": 50.0,
                    "gross_amount": 400.0,
                    "amount": 200.0,
                },
                {
                    "name": "Contract 600,000 collected",
                    "date": "2025-05-20",
                    "partner_id": cls.customer.id,
                    "base_amount": 600000.0,
                    "rate": 1.5,
                    "tier_label": "> 500,000",
                    "share": 70.0,
                    "gross_amount": 6300.0,
                    "amount": 6300.0,
                },
            ],
        )
        cls.bob_march = cls._create_statement(
            cls.bob,
            "2025-03-01",
            "2025-03-31",
            [
                {
                    "name": "Information for a lost bid",
                    "date": "2025-03-20",
                    "role": "event",
                    "base_amount": 300.0,
                    "rate": 100.0,
                    "gross_amount": 300.0,
                    "amount": 300.0,
                }
            ],
        )

    @classmethod
    def _create_statement(cls, employee, date_from, date_to, lines):
        statement = cls.Statement.create(
            {
                "employee_id": employee.id,
                "company_id": cls.company.id,
                "date_from": date_from,
                "date_to": date_to,
            }
        )
        cls.Line.create(
            [
                dict(
                    vals,
                    employee_id=employee.id,
                    company_id=cls.company.id,
                    statement_id=statement.id,
                )
                for vals in lines
            ]
        )
        return statement

    def _validate(self, statement, user, comment="OK"):
        """Validate the user's tier through the comment wizard, as in the UI."""
        action = statement.with_user(user).validate_tier()
        self.assertEqual(action["res_model"], "comment.wizard")
        wizard = (
            self.env["comment.wizard"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"comment": comment})
        )
        wizard.add_comment()

    def _reject(self, statement, user, comment):
        action = statement.with_user(user).reject_tier()
        wizard = (
            self.env["comment.wizard"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"comment": comment})
        )
        wizard.add_comment()

    def _approve(self, statement, confirmed_by=None):
        """Confirm then validate the two default levels (statements <= 50,000)."""
        statement.with_user(confirmed_by or self.user_officer).action_confirm()
        self._validate(statement, self.reviewer_1)
        self._validate(statement, self.reviewer_2)
        self.assertEqual(statement.state, "approved")

    @staticmethod
    def _date(value):
        return Date.to_date(value)
