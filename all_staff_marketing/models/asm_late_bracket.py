# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: Default schedule (DOMAIN §6): more than N days late -> deduction %.
DEFAULT_BRACKETS = ((30, 20.0), (60, 50.0), (180, 100.0))


class AsmLateBracket(models.Model):
    """Deduction on commissions when the customer pays late (DOMAIN §6).

    Per company: when a payment is more than ``days_over`` days after the due date,
    the commission it earns is reduced by ``deduction``. The bracket with the highest
    threshold below the delay applies.
    """

    _name = "asm.late.bracket"
    _description = "Late-Payment Deduction Bracket"
    _order = "company_id, days_over"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    days_over = fields.Integer(
        string="More Than (days late)",
        required=True,
        help="Applies when the payment is more than this many days after the due date.",
    )
    deduction = fields.Float(
        string="Deduction (%)", required=True, help="Share of the commission lost."
    )

    @api.depends("days_over", "deduction")
    def _compute_display_name(self):
        for bracket in self:
            bracket.display_name = self.env._(
                "> %(days)s days: -%(pct)s %%",
                days=bracket.days_over,
                pct=bracket.deduction,
            )

    @api.constrains("days_over", "deduction", "company_id")
    def _check_schedule(self):
        for bracket in self:
            if bracket.days_over < 0:
                raise ValidationError(
                    self.env._(
                        "Late bracket %(b)s: 'More Than (days late)' cannot be "
                        "negative.",
                        b=bracket.display_name,
                    )
                )
            if not 0 <= bracket.deduction <= 100:
                raise ValidationError(
                    self.env._(
                        "Late bracket %(b)s: the Deduction (%%) must be between 0 and "
                        "100.",
                        b=bracket.display_name,
                    )
                )
        for company in self.company_id:
            brackets = self.search([("company_id", "=", company.id)])
            previous = None
            for bracket in brackets.sorted("days_over"):
                if previous and bracket.days_over == previous.days_over:
                    raise ValidationError(
                        self.env._(
                            "Late brackets of %(company)s overlap: two start after "
                            "%(days)s days. Change 'More Than (days late)'.",
                            company=company.name,
                            days=bracket.days_over,
                        )
                    )
                if previous and bracket.deduction < previous.deduction:
                    raise ValidationError(
                        self.env._(
                            "Late brackets of %(company)s are out of order: after "
                            "%(days)s days the Deduction (%%) is %(pct)s, less than "
                            "%(prev_pct)s after %(prev_days)s days. A longer delay "
                            "must deduct at least as much.",
                            company=company.name,
                            days=bracket.days_over,
                            pct=bracket.deduction,
                            prev_pct=previous.deduction,
                            prev_days=previous.days_over,
                        )
                    )
                previous = bracket

    @api.model
    def _prepare_default_bracket_vals(self, company):
        """Default schedule of a new company; override to change it."""
        return [
            {"company_id": company.id, "days_over": days, "deduction": pct}
            for days, pct in DEFAULT_BRACKETS
        ]

    @api.model
    def _get_schedules(self, companies):
        """{company id: [(days_over, deduction), ...]} from the longest delay down."""
        schedules = {company.id: [] for company in companies}
        for bracket in self.search(
            [("company_id", "in", companies.ids)], order="days_over desc"
        ):
            schedules[bracket.company_id.id].append(
                (bracket.days_over, bracket.deduction)
            )
        return schedules

    @api.model
    def _get_deduction(self, schedule, days_late):
        """Deduction (%) of a schedule from ``_get_schedules`` for ``days_late``."""
        for days_over, deduction in schedule:
            if days_late > days_over:
                return deduction
        return 0.0
