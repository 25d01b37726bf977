# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class AsmCommissionBackapplyWizard(models.TransientModel):
    """Apply today's commission rules to past payments, once, logged."""

    _name = "asm.commission.backapply.wizard"
    _description = "Apply Rules to Past Payments"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    date_from = fields.Date(
        string="Payments From",
        required=True,
        help="Reconciliations (payments, refunds) dated on or after this date that "
        "have no commission line yet are processed with today's rules. "
        "Reconciliations that already produced a line are never processed again.",
    )

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("all_staff_marketing.group_manager"):
            raise AccessError(
                self.env._("Only commission managers can apply rules to past payments.")
            )
        if self.company_id not in self.env.user.company_ids:
            raise UserError(
                self.env._(
                    "You cannot apply rules in %(company)s: it is not one of your "
                    "companies.",
                    company=self.company_id.name,
                )
            )
        if self.date_from > fields.Date.context_today(self):
            raise UserError(
                self.env._("'Payments From' is in the future: choose a past date.")
            )
        # system step: the engine reads invoices and payments the manager may not see
        partial_ids, lines = (
            self.env["asm.commission.engine"]
            .sudo()
            ._apply_rules_to_past(self.company_id, self.date_from)
        )
        log = (
            self.env["asm.commission.backapply"]
            .sudo()
            .create(
                {
                    "company_id": self.company_id.id,
                    "date_from": self.date_from,
                    "user_id": self.env.uid,
                    "date": fields.Datetime.now(),
                    "partial_count": len(partial_ids),
                    "line_ids": [fields.Command.set(lines.ids)],
                    "line_count": len(lines),
                    "amount_total": sum(lines.mapped("amount")),
                }
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "asm.commission.backapply",
            "res_id": log.id,
            "view_mode": "form",
            "target": "current",
        }
