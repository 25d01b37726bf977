# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


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
