# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

COMMISSION_CODE = "ASM_COMMISSION"
PAYROLL_USER = "payroll.group_payroll_user"


class HrPayslip(models.Model):
    _inherit = "hr.payslip"

    asm_statement_ids = fields.One2many(
        "asm.statement",
        "payslip_id",
        string="Commission Statements",
        readonly=True,
        groups="all_staff_marketing.group_finance,all_staff_marketing.group_manager",
        help="Approved commission statements this payslip pays through the "
        f"{COMMISSION_CODE} input.",
    )

    asm_commission_warning = fields.Char(
        string="Commission Warning",
        compute="_compute_asm_commission_warning",
        help="Approved commission statements of the employee that this payslip "
        "cannot pay, and why.",
    )

    @api.depends(
        "state", "employee_id", "contract_id", "struct_id", "date_to", "credit_note"
    )
    def _compute_asm_commission_warning(self):
        slips = self.filtered(
            lambda slip: slip.state in ("draft", "verify")
            and not slip.credit_note
            and slip.employee_id
            and slip.date_to
        )
        # system read: the warning says that statements wait, not what they hold
        waiting = dict(
            self.env["asm.statement"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", slips.employee_id.ids),
                    ("state", "=", "approved"),
                    ("payslip_id", "=", False),
                ],
                ["employee_id"],
                ["__count"],
            )
        )
        for slip in self:
            count = waiting.get(slip.employee_id, 0) if slip in slips else 0
            warning = False
            if count:
                if not slip._get_employee_contracts():
                    warning = self.env._(
                        "%(count)s approved commission statement(s) of %(employee)s "
                        "wait, but this payslip has no running contract: it pays "
                        "nothing. Create (and run) a contract in Payroll > Contracts "
                        "with a salary structure that has the commission rule "
                        "(%(code)s).",
                        count=count,
                        employee=slip.employee_id.name,
                        code=COMMISSION_CODE,
                    )
                elif not slip._pays_asm_commissions():
                    warning = self.env._(
                        "%(count)s approved commission statement(s) of %(employee)s "
                        "wait, but this payslip's salary structure has no commission "
                        "rule (%(code)s): it does not pay them. Use a structure "
                        "that has the rule.",
                        count=count,
                        employee=slip.employee_id.name,
                        code=COMMISSION_CODE,
                    )
            slip.asm_commission_warning = warning

    def _check_asm_payroll_user(self):
        """Payroll users pay statements they may not read: check, then sudo."""
        if not self.env.su and not self.env.user.has_group(PAYROLL_USER):
            raise AccessError(
                self.env._("Only payroll users can pay commission statements.")
            )

    def _get_asm_claimable_statements(self, employees, date_from, date_to):
        """Approved, unpaid statements ending by the end of the period (an earlier
        one approved late lands in the next payslip), free or held by these slips.

        A statement held by another payslip that is not cancelled is never taken:
        one statement, one payslip. System read: the caller checked the rights.
        """
        self._check_asm_payroll_user()
        return (
            self.env["asm.statement"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", employees.ids),
                    ("state", "=", "approved"),
                    ("date_to", "<=", date_to),
                    "|",
                    "|",
                    ("payslip_id", "=", False),
                    ("payslip_id", "in", self._origin.ids),
                    ("payslip_id.state", "=", "cancel"),
                ],
                order="date_to, id",
            )
        )

    @api.model
    def get_inputs(self, contracts, date_from, date_to):
        """Fill the commission input with the employee's approved statements."""
        res = super().get_inputs(contracts, date_from, date_to)
        if not any(vals.get("code") == COMMISSION_CODE for vals in res):
            return res
        statements = self._get_asm_claimable_statements(
            contracts.employee_id, date_from, date_to
        )
        amounts = defaultdict(float)
        for statement in statements:
            amounts[statement.employee_id, statement.company_id] += (
                statement.amount_total
            )
        inputs, done = [], set()
        for vals in res:
            if vals.get("code") == COMMISSION_CODE:
                contract = contracts.browse(vals["contract_id"])
                key = (contract.employee_id, contract.company_id)
                if key in done:
                    continue  # one commission input per employee, not per contract
                done.add(key)
                vals = dict(vals, amount=amounts[key])
            inputs.append(vals)
        return inputs

    def compute_sheet(self):
        self._claim_asm_statements()
        return super().compute_sheet()

    def _pays_asm_commissions(self):
        """Whether this payslip's salary rules read the commission input."""
        self.ensure_one()
        return COMMISSION_CODE in self._get_salary_rules().input_ids.mapped("code")

    def _claim_asm_statements(self):
        """Link each payslip to its employee's approved statements of the period
        and set the commission input to their total."""
        slips = self.filtered(
            lambda slip: slip.state in ("draft", "verify") and not slip.credit_note
        )
        if not slips:
            return
        slips._check_asm_payroll_user()
        statements = slips._get_asm_claimable_statements(
            slips.employee_id,
            min(slips.mapped("date_from")),
            max(slips.mapped("date_to")),
        )
        by_employee = defaultdict(list)
        for statement in statements:
            by_employee[statement.employee_id].append(statement)
        claimed = self.env["asm.statement"].sudo()
        for slip in slips:
            mine = self.env["asm.statement"].sudo()
            if slip._pays_asm_commissions():
                for statement in by_employee[slip.employee_id]:
                    if (
                        statement.company_id == slip.company_id
                        and statement.date_to <= slip.date_to
                        and statement not in claimed
                    ):
                        mine |= statement
            claimed |= mine
            held = slip.sudo().asm_statement_ids
            (held - mine)._release_from_payslip()
            (mine - held).write({"payslip_id": slip.id})
            slip._set_asm_commission_input(sum(mine.mapped("amount_total")))

    def _set_asm_commission_input(self, amount):
        self.ensure_one()
        lines = self.input_line_ids.filtered(lambda line: line.code == COMMISSION_CODE)
        if lines:
            lines[1:].unlink()
            lines[:1].amount = amount
            return
        contract = self.contract_id or self._get_employee_contracts()[:1]
        if not amount or not contract:
            return
        rule_input = self._get_salary_rules().input_ids.filtered(
            lambda rule_input: rule_input.code == COMMISSION_CODE
        )[:1]
        self.env["hr.payslip.input"].create(
            {
                "payslip_id": self.id,
                "name": rule_input.name or self.env._("Commissions"),
                "code": COMMISSION_CODE,
                "amount": amount,
                "contract_id": contract.id,
            }
        )

    def action_payslip_done(self):
        """Confirm: the payslip pays exactly the statements it claims, once.

        Whatever the context (OCA payroll's ``without_compute_sheet``) or the
        structure's ``prevent_compute_on_confirm``, the claims are made again here
        and the commission line must equal their total, else nothing is confirmed.
        """
        slips = self.filtered(lambda slip: not slip.credit_note)
        slips._claim_asm_statements()
        res = super().action_payslip_done()
        self._check_asm_payroll_user()
        slips._check_asm_commission_paid()
        self.sudo().asm_statement_ids.filtered(
            lambda statement: statement.state == "approved"
        )._mark_paid_by_payroll()
        return res

    def _check_asm_commission_paid(self):
        """The commission line of a payslip equals the statements it claims."""
        for slip in self:
            claimed = sum(slip.sudo().asm_statement_ids.mapped("amount_total"))
            paid = sum(
                slip.line_ids.filtered(
                    lambda line: line.code == COMMISSION_CODE
                ).mapped("total")
            )
            if float_compare(
                claimed, paid, precision_rounding=slip.company_id.currency_id.rounding
            ):
                raise UserError(
                    self.env._(
                        "Payslip %(slip)s pays %(paid).2f of commissions but the "
                        "approved statements it claims total %(claimed).2f: compute "
                        "the sheet, then confirm it.",
                        slip=slip.display_name,
                        paid=paid,
                        claimed=claimed,
                    )
                )

    def action_payslip_cancel(self):
        res = super().action_payslip_cancel()
        self._check_asm_payroll_user()
        self._release_asm_statements()
        return res

    def action_payslip_draft(self):
        res = super().action_payslip_draft()
        self._check_asm_payroll_user()
        self._release_asm_statements()
        return res

    def _release_asm_statements(self):
        """A payslip that pays nothing any more carries no commission input."""
        self.sudo().asm_statement_ids._release_from_payslip()
        for slip in self.filtered(lambda slip: not slip.credit_note):
            slip.sudo()._set_asm_commission_input(0.0)

    def refund_sheet(self):
        """A refund gives the statements back: approved, claimable once more.

        The refund slip itself claims nothing (credit notes never claim).
        """
        res = super().refund_sheet()
        self._check_asm_payroll_user()
        self.sudo().asm_statement_ids._release_from_payslip()
        return res
