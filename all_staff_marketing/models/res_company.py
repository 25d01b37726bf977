# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from .asm_attribution_mixin import REFERRAL_MODES, SHARE_FIELDS

#: Where the share of a beneficiary without an employee in the company goes.
ORPHAN_SHARE_POLICIES = [
    ("referrer", "To the referrer"),
    ("salesperson", "To the salesperson"),
    ("company", "The company keeps it"),
]

DEFAULT_GRADES = [
    # code, name, points, sequence, default CRM stage
    ("C", "Grade C", 1, 10, "crm.stage_lead2"),
    ("B", "Grade B", 5, 20, "crm.stage_lead3"),
    ("A", "Grade A", 30, 30, "crm.stage_lead4"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    # Default reward shares (DOMAIN §5: first deal 7:3, follow-up 1:1:8)
    asm_first_referrer_share = fields.Float(
        string="First Deal: Referrer Share (%)", default=70.0
    )
    asm_first_salesperson_share = fields.Float(
        string="First Deal: Salesperson Share (%)", default=30.0
    )
    asm_first_service_share = fields.Float(
        string="First Deal: Service Share (%)", default=0.0
    )
    asm_followup_referrer_share = fields.Float(
        string="Follow-up: Referrer Share (%)", default=10.0
    )
    asm_followup_salesperson_share = fields.Float(
        string="Follow-up: Salesperson Share (%)", default=80.0
    )
    asm_followup_service_share = fields.Float(
        string="Follow-up: Service Share (%)", default=10.0
    )
    asm_protection_days = fields.Integer(
        string="Ownership Protection (days)",
        default=180,
        help="A customer referred within this many days cannot be referred again "
        "in this company (unless a manager overrides).",
    )
    # Customer tiers (DOMAIN §4: A when yearly purchases exceed 5,000,000)
    asm_tier_a_threshold = fields.Monetary(
        string="Tier A Above",
        currency_field="currency_id",
        default=5_000_000.0,
        help="Customers whose untaxed invoiced amount over the last 12 months "
        "exceeds this amount are tier A.",
    )
    asm_tier_b_threshold = fields.Monetary(
        string="Tier B Above",
        currency_field="currency_id",
        default=1_000_000.0,
        help="Customers above this amount (and not above the A threshold) are "
        "tier B; the others are tier C.",
    )
    asm_tier_computed_at = fields.Datetime(
        string="Tiers Computed On", readonly=True, copy=False
    )
    # Shares nobody can receive (no service employee, salesperson without employee)
    asm_default_referral_mode = fields.Selection(
        REFERRAL_MODES,
        string="Default Referral Mode",
        required=True,
        default="handoff",
        help="Mode a new referral starts with. Hand-off by default: a referrer "
        "usually only passes the information on and the sales team closes the "
        "deal; the referrer picks Direct when they close it themselves.",
    )
    asm_orphan_share_policy = fields.Selection(
        ORPHAN_SHARE_POLICIES,
        string="Share Without Employee",
        required=True,
        default="referrer",
        help="Where the share of a beneficiary who has no employee in the company goes "
        "(no customer-service employee on the deal, or a salesperson user without an "
        "employee): to the referrer, to the salesperson (the referrer when the "
        "salesperson has no employee either), or the company keeps it (a void line "
        "with the reason). The line always says why.",
    )
    # Monthly quota of business departments (DOMAIN §5)
    asm_quota_grace_days = fields.Integer(
        string="Quota Grace Period (days)",
        default=5,
        help="A month is closed for the monthly quota this many days after it ends: "
        "until then, payments of that month still count and its held lines wait. "
        "Once closed, held lines of unmet quotas become void with the reason.",
    )
    asm_award_approval_threshold = fields.Monetary(
        string="Awards Approved Above",
        currency_field="currency_id",
        default=5_000.0,
        help="Manual awards above this amount wait for the approval tiers before "
        "they pay.",
    )
    # --- leaderboards: top percentage and public figures (branch lb) ---
    asm_ranking_top_pct = fields.Float(
        string="Top Performers (%)",
        default=20.0,
        help="Share of the employees flagged as top performers in each monthly and "
        "quarterly ranking (e.g. the top 20 % get a yearly bonus). The number "
        "of places is the ranked employees x this percentage, rounded down.",
    )
    asm_public_points = fields.Boolean(
        string="Points Are Public",
        default=True,
        help="Every participant sees everyone's points on the leaderboards.",
    )
    asm_public_new_customers = fields.Boolean(
        string="New Customers Are Public",
        default=True,
        help="Every participant sees everyone's number of new customers.",
    )
    asm_public_collected = fields.Boolean(
        string="Collected Amounts Are Public",
        help="Every participant sees everyone's collected amount; otherwise only "
        "names and ranks.",
    )
    asm_public_commission = fields.Boolean(
        string="Commissions Are Public",
        help="Every participant sees everyone's commission; otherwise only names "
        "and ranks.",
    )

    @api.constrains("asm_ranking_top_pct")
    def _check_asm_ranking_top_pct(self):
        for company in self:
            if not 0 <= company.asm_ranking_top_pct <= 100:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the top performers' share must be between 0 "
                        "and 100 %% (it is %(pct)s %%), e.g. 20.",
                        company=company.name,
                        pct=company.asm_ranking_top_pct,
                    )
                )

    @api.constrains(
        "asm_first_referrer_share",
        "asm_first_salesperson_share",
        "asm_first_service_share",
        "asm_followup_referrer_share",
        "asm_followup_salesperson_share",
        "asm_followup_service_share",
    )
    def _check_asm_default_shares(self):
        for company in self:
            for deal_type, label in (
                ("first", "first deal"),
                ("followup", "follow-up"),
            ):
                shares = company._get_asm_default_shares(deal_type)
                if any(share < 0 for share in shares.values()):
                    raise ValidationError(
                        self.env._(
                            "%(company)s: the default %(deal)s shares cannot be "
                            "negative.",
                            company=company.name,
                            deal=label,
                        )
                    )
                total = sum(shares.values())
                if float_compare(total, 100.0, precision_digits=2):
                    raise ValidationError(
                        self.env._(
                            "%(company)s: the default %(deal)s shares (referrer, "
                            "salesperson, service) must add up to 100 %%, they add up "
                            "to %(total)s %%.",
                            company=company.name,
                            deal=label,
                            total=round(total, 2),
                        )
                    )

    @api.constrains("asm_protection_days")
    def _check_asm_protection_days(self):
        for company in self:
            if company.asm_protection_days < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the ownership protection window cannot be "
                        "negative (%(days)s days).",
                        company=company.name,
                        days=company.asm_protection_days,
                    )
                )

    @api.constrains("asm_quota_grace_days")
    def _check_asm_quota_grace_days(self):
        for company in self:
            if company.asm_quota_grace_days < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the quota grace period cannot be negative "
                        "(%(days)s days). Enter 0 or more, e.g. 5.",
                        company=company.name,
                        days=company.asm_quota_grace_days,
                    )
                )

    @api.constrains("asm_tier_a_threshold", "asm_tier_b_threshold")
    def _check_asm_tier_thresholds(self):
        for company in self:
            if company.asm_tier_b_threshold < 0 or company.asm_tier_a_threshold < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: customer tier thresholds cannot be negative.",
                        company=company.name,
                    )
                )
            if company.asm_tier_b_threshold >= company.asm_tier_a_threshold:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the tier B threshold (%(b)s) must be lower than "
                        "the tier A threshold (%(a)s).",
                        company=company.name,
                        b=company.asm_tier_b_threshold,
                        a=company.asm_tier_a_threshold,
                    )
                )

    def _get_asm_default_shares(self, deal_type):
        """Default reward shares of a deal type; override for another policy."""
        self.ensure_one()
        prefix = "asm_followup_" if deal_type == "followup" else "asm_first_"
        return {share: self[prefix + share] for share in SHARE_FIELDS}

    def _get_asm_customer_tier(self, amount):
        """Tier of a customer who bought ``amount`` (untaxed, 12 months)."""
        return self._get_asm_tier_function()(amount)

    def _get_asm_tier_function(self):
        """amount → tier for this company; built once for a batch of customers."""
        self.ensure_one()
        digits = self.currency_id.decimal_places
        a_threshold = self.asm_tier_a_threshold
        b_threshold = self.asm_tier_b_threshold

        def get_tier(amount):
            if round(amount - a_threshold, digits) > 0:
                return "A"
            if round(amount - b_threshold, digits) > 0:
                return "B"
            return "C"

        return get_tier

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._asm_create_default_grades()
        companies._asm_create_default_late_brackets()
        return companies

    def _asm_create_default_late_brackets(self):
        """Give new companies the default late-payment deduction schedule."""
        bracket_model = self.env["asm.late.bracket"].sudo()
        bracket_model.create(
            [
                vals
                for company in self
                for vals in bracket_model._prepare_default_bracket_vals(company)
            ]
        )

    def _asm_create_default_grades(self):
        """Give new companies the default grades C/B/A and their stage mapping."""
        grades = (
            self.env["asm.lead.grade"]
            .sudo()
            .create(
                [
                    {
                        "company_id": company.id,
                        "code": code,
                        "name": name,
                        "points": points,
                        "sequence": sequence,
                    }
                    for company in self
                    for code, name, points, sequence, __ in DEFAULT_GRADES
                ]
            )
        )
        stages = {
            code: self.env.ref(xmlid, raise_if_not_found=False)
            for code, __, __, __, xmlid in DEFAULT_GRADES
        }
        self.env["asm.stage.grade"].sudo().create(
            [
                {
                    "company_id": grade.company_id.id,
                    "stage_id": stages[grade.code].id,
                    "grade_id": grade.id,
                }
                for grade in grades
                if stages[grade.code]
            ]
        )

    def _asm_recompute_customer_tiers(self):
        """Recompute the customer tiers of these companies, all customers at once.

        Restricted to All-Staff Marketing managers and the nightly job (checked by
        ``res.partner._asm_recompute_tiers``).
        """
        self.env["res.partner"]._asm_recompute_tiers(self)

    @api.model
    def _asm_init_default_grades(self):
        """Install step: default grades for the companies that have none yet."""
        graded = self.env["asm.lead.grade"].sudo().search([]).company_id
        (self.sudo().search([]) - graded)._asm_create_default_grades()

    @api.model
    def _cron_asm_recompute_customer_tiers(self):
        self.search([])._asm_recompute_customer_tiers()
