# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

COMMISSION_CODE = "ASM_COMMISSION"


class AsmStatement(models.Model):
    _inherit = "asm.statement"

    payslip_id = fields.Many2one(
        "hr.payslip",
        string="Payslip",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        help="Payslip that pays (or, before it is confirmed, will pay) this "
        "approved statement. Set when the payslip is computed.",
    )

    asm_payroll_warning = fields.Char(
        string="Payroll Warning",
        compute="_compute_asm_payroll_warning",
        help="Why payroll cannot pay this approved statement yet (no running "
        "contract, or a salary structure without the commission rule).",
    )

    @api.depends("state", "payslip_id", "employee_id", "company_id", "date_to")
    def _compute_asm_payroll_warning(self):
        warnings = self.filtered(
            lambda statement: statement.state == "approved" and not statement.payslip_id
        )._asm_get_payroll_warnings()
        for statement in self:
            statement.asm_payroll_warning = warnings.get(statement.id, False)

    def _asm_get_payroll_warnings(self):
        """{statement id: why no payslip can pay it}, contracts read in one query.

        A payslip pays a statement when the employee has a running contract in the
        statement's company, at or after its end, whose salary structure has the
        commission rule (input ASM_COMMISSION). System read: only the warning
        leaves this method.
        """
        if not self:
            return {}
        contracts = (
            self.env["hr.contract"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", self.employee_id.ids),
                    ("state", "=", "open"),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", min(self.mapped("date_to"))),
                ]
            )
        )
        paying = {}
        for structure in contracts.struct_id:
            rules = structure.get_structure_with_parents().get_all_rules()
            paying[structure.id] = COMMISSION_CODE in rules.input_ids.mapped("code")
        warnings = {}
        for statement in self:
            running = contracts.filtered(
                lambda contract, st=statement: contract.employee_id == st.employee_id
                and contract.company_id == st.company_id
                and (not contract.date_end or contract.date_end >= st.date_to)
            )
            employee = statement.employee_id.sudo().name
            if not running:
                warnings[statement.id] = self.env._(
                    "Payroll cannot pay this statement: %(employee)s has no running "
                    "contract in %(company)s. Create (and run) a contract in "
                    "Payroll > Contracts with a salary structure that has the "
                    "commission rule (%(code)s); the next payslip then pays it.",
                    employee=employee,
                    company=statement.company_id.name,
                    code=COMMISSION_CODE,
                )
            elif not any(paying.get(c.struct_id.id) for c in running):
                warnings[statement.id] = self.env._(
                    "Payroll cannot pay this statement: the salary structure of "
                    "%(employee)s's contract (%(structure)s) has no commission rule "
                    "(%(code)s). Add the rule to the structure, or use a structure "
                    "that has it.",
                    employee=employee,
                    structure=", ".join(running.struct_id.mapped("name"))
                    or self.env._("none"),
                    code=COMMISSION_CODE,
                )
        return warnings

    @api.model
    def _get_after_validation_exceptions(self):
        return [*super()._get_after_validation_exceptions(), "payslip_id"]

    @api.model
    def _asm_get_system_fields(self):
        # set by payroll only (asm.guard.mixin): no user writes it
        return super()._asm_get_system_fields() | {"payslip_id"}

    def action_mark_paid(self):
        """With payroll, confirming the payslip that claims a statement pays it."""
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Statements are paid by payroll: confirming the payslip that "
                    "claims statement %(name)s marks it paid.",
                    name=self[:1].display_name,
                )
            )
        return super().action_mark_paid()

    def _check_undo_payment(self):
        res = super()._check_undo_payment()
        by_payslip = self.filtered("payslip_id")
        if by_payslip:
            raise UserError(
                self.env._(
                    "Statement %(name)s was paid by payslip %(payslip)s: cancel or "
                    "refund that payslip in Payroll to pay it again later.",
                    name=by_payslip[0].display_name,
                    payslip=by_payslip[0].payslip_id.sudo().display_name,
                )
            )
        return res

    def _release_from_payslip(self):
        """Unlink from a cancelled, refunded or reset payslip; a paid statement is
        approved again and claimable once by the next payslip. System step: the
        caller checked the payroll rights."""
        statements = self.sudo()
        paid = statements.filtered(lambda statement: statement.state == "paid")
        paid.write({"state": "approved", "payslip_id": False})
        (statements - paid).write({"payslip_id": False})
        for statement in paid:
            statement.message_post(
                body=self.env._(
                    "Payslip cancelled or refunded by %(user)s: the statement is "
                    "approved and unpaid again; the next payslip pays it.",
                    user=self.env.user.name,
                )
            )

    def _mark_paid_by_payroll(self):
        """Confirmed payslip: its statements are paid. System step."""
        self.sudo().write({"state": "paid"})
