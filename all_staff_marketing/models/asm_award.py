# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount


class AsmAward(models.Model):
    """A one-off reward granted by an officer within a configured range.

    E.g. entering a customer's supplier panel: 5,000 to 20,000 (DOMAIN §5). Confirming
    the award creates its commission line; the line then follows the usual flow
    (quota, statement, approval).
    """

    _name = "asm.award"
    _description = "Manual Award"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reason", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    event_reward_id = fields.Many2one(
        "asm.event.reward",
        string="Reward",
        required=True,
        check_company=True,
        domain="[('event_type', '=', 'manual')]",
    )
    employee_id = fields.Many2one(
        "hr.employee", string="Employee", required=True, check_company=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", check_company=True)
    lead_id = fields.Many2one("crm.lead", string="Lead", check_company=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(currency_field="currency_id", required=True)
    amount_min = fields.Monetary(related="event_reward_id.amount_min")
    amount_max = fields.Monetary(related="event_reward_id.amount_max")
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Awarded"), ("cancel", "Cancelled")],
        required=True,
        default="draft",
        copy=False,
    )
    line_ids = fields.One2many("asm.commission.line", "award_id", string="Lines")

    @api.constrains("amount", "event_reward_id")
    def _check_amount(self):
        for award in self:
            reward = award.event_reward_id
            if reward.event_type != "manual":
                raise ValidationError(
                    self.env._(
                        "Award %(name)s: choose a Reward of type 'Manual award by an "
                        "officer'.",
                        name=award.name,
                    )
                )
            if not reward.amount_min <= award.amount <= reward.amount_max:
                raise ValidationError(
                    self.env._(
                        "Award %(name)s: the Amount must be between %(min)s and "
                        "%(max)s for %(reward)s.",
                        name=award.name,
                        min=format_amount(
                            self.env, reward.amount_min, award.currency_id
                        ),
                        max=format_amount(
                            self.env, reward.amount_max, award.currency_id
                        ),
                        reward=reward.name,
                    )
                )

    def action_confirm(self):
        if self.filtered(lambda award: award.state != "draft"):
            raise UserError(self.env._("Only draft awards can be confirmed."))
        self.check_access("write")
        # system step: officers grant awards but neither read employees' HR data nor
        # write commission lines
        line_model = self.env["asm.commission.line"].sudo()
        vals_list = []
        for award in self.sudo():
            state, reason = line_model._get_initial_state(
                award.employee_id, award.amount
            )
            vals_list.append(award._prepare_line_vals(state, reason))
        lines = line_model._insert_lines(vals_list)
        line_model._update_quota_states(lines)
        self.write({"state": "done"})

    def action_cancel(self):
        if self.filtered(lambda award: award.state != "draft"):
            raise UserError(
                self.env._(
                    "Only draft awards can be cancelled; correct an awarded one with "
                    "a manual adjustment line in the next statement."
                )
            )
        self.write({"state": "cancel"})

    def _prepare_line_vals(self, state, reason):
        """Values of the commission line of this award."""
        self.ensure_one()
        return {
            "name": self.env._(
                "%(reward)s: %(reason)s",
                reward=self.event_reward_id.name,
                reason=self.name,
            ),
            "kind": "award",
            "key": f"award/{self.id}",
            "company_id": self.company_id.id,
            "employee_id": self.employee_id.id,
            "department_id": self.employee_id.department_id.id,
            "date": self.date,
            "role": "event",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "lead_id": self.lead_id.id,
            "event_reward_id": self.event_reward_id.id,
            "award_id": self.id,
            "base_amount": self.amount,
            "rate": 100.0,
            "multiplier": 1.0,
            "share": 100.0,
            "gross_amount": self.amount,
            "amount": self.amount,
            "state": state,
            "reason": reason,
        }
