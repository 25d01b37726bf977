# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .asm_commission_rule import LEAD_GRADES

EVENT_TYPES = [
    ("grade", "Lead reached a grade"),
    ("lost", "Lead lost with a reason"),
    ("manual", "Manual award by an officer"),
]


class AsmEventReward(models.Model):
    """A fixed reward triggered by an event rather than by a payment (DOMAIN §5).

    Examples: a lead reaching grade B pays non-business staff a reward; information
    that led to a bid the company lost pays 300; entering a customer's supplier panel
    is awarded by an officer between 5,000 and 20,000.
    """

    _name = "asm.event.reward"
    _description = "Event Reward"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    event_type = fields.Selection(EVENT_TYPES, required=True, default="grade")
    grade = fields.Selection(LEAD_GRADES, help="Grade whose reaching pays the reward.")
    lost_reason_id = fields.Many2one(
        "crm.lost.reason",
        string="Lost Reason",
        help="Lead lost with this reason pays the reward, e.g. 'Bid lost'.",
    )
    amount = fields.Monetary(
        currency_field="currency_id", help="Amount paid for a grade or lost event."
    )
    amount_min = fields.Monetary(
        string="Minimum", currency_field="currency_id", help="Manual awards: lowest."
    )
    amount_max = fields.Monetary(
        string="Maximum", currency_field="currency_id", help="Manual awards: highest."
    )
    beneficiary_scope = fields.Selection(
        [
            ("all", "All employees"),
            ("business", "Business departments only"),
            ("non_business", "Non-business staff only"),
        ],
        string="For",
        required=True,
        default="all",
        help="Whose referrals earn the reward, by the referrer's department.",
    )

    @api.constrains(
        "event_type", "grade", "lost_reason_id", "amount", "amount_min", "amount_max"
    )
    def _check_config(self):
        for reward in self:
            if reward.event_type == "grade" and not reward.grade:
                raise ValidationError(
                    self.env._(
                        "Event reward %(name)s: set the Grade that triggers it.",
                        name=reward.name,
                    )
                )
            if reward.event_type == "lost" and not reward.lost_reason_id:
                raise ValidationError(
                    self.env._(
                        "Event reward %(name)s: set the Lost Reason that triggers it.",
                        name=reward.name,
                    )
                )
            if reward.event_type in ("grade", "lost") and reward.amount <= 0:
                raise ValidationError(
                    self.env._(
                        "Event reward %(name)s: the Amount must be above 0.",
                        name=reward.name,
                    )
                )
            if reward.event_type == "manual" and not (
                0 < reward.amount_min <= reward.amount_max
            ):
                raise ValidationError(
                    self.env._(
                        "Event reward %(name)s: a manual award needs a Minimum above 0 "
                        "and a Maximum at least equal to the Minimum.",
                        name=reward.name,
                    )
                )

    @api.model
    def _get_rewards(self, event_type, companies):
        """Active rewards of ``event_type`` in ``companies``, by sequence."""
        return self.search(
            [("event_type", "=", event_type), ("company_id", "in", companies.ids)]
        )

    def _matches_event(self, lead, employee, company, grade=False):
        """True when this reward pays ``employee`` for the event on ``lead``."""
        self.ensure_one()
        if self.company_id != company:
            return False
        if self.event_type == "grade" and self.grade != grade:
            return False
        if self.event_type == "lost" and self.lost_reason_id != lead.lost_reason_id:
            return False
        business = employee.department_id.asm_business
        if self.beneficiary_scope == "business" and not business:
            return False
        return not (self.beneficiary_scope == "non_business" and business)
