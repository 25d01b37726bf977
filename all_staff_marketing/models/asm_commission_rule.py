# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount

from .asm_attribution_mixin import DEAL_TYPES, REFERRAL_MODES
from .asm_lead_grade import GRADE_CODES as LEAD_GRADES
from .res_partner import CUSTOMER_TIERS

#: Lead grade codes (asm.lead.grade.code) from the lowest to the highest (DOMAIN §3).
GRADE_ORDER = ("C", "B", "A")
RULE_ROLES = [
    ("referrer", "Referrer"),
    ("salesperson", "Salesperson"),
    ("service", "Customer Service"),
]
BASES = [
    ("collected", "Collected untaxed amount"),
    ("margin", "Margin (price - cost)"),
    ("fixed", "Fixed amount per deal"),
]


class CompiledRule:
    """A rule read once into plain Python values, matched many times in a batch."""

    __slots__ = (
        "base",
        "categ_path",
        "company_id",
        "customer_tier",
        "date_from",
        "date_to",
        "deal_type",
        "department_path",
        "fixed_amount",
        "grade_index",
        "id",
        "landmark_uplift",
        "multiplier",
        "product_tmpl_id",
        "rate",
        "referral_mode",
        "role",
        "tiers",
    )

    def __init__(self, rule):
        self.id = rule.id
        self.company_id = rule.company_id.id
        self.date_from = rule.date_from
        self.date_to = rule.date_to
        self.customer_tier = rule.customer_tier
        self.grade_index = (
            GRADE_ORDER.index(rule.lead_grade) if rule.lead_grade else None
        )
        self.categ_path = rule.product_categ_id.parent_path
        self.product_tmpl_id = rule.product_tmpl_id.id
        self.referral_mode = rule.referral_mode
        self.deal_type = rule.deal_type
        self.role = rule.role
        self.department_path = rule.department_id.parent_path
        self.base = rule.base
        self.rate = rule.rate
        self.fixed_amount = rule.fixed_amount
        self.multiplier = rule.apply_multiplier
        self.landmark_uplift = rule.landmark_uplift
        self.tiers = [
            (tier.amount_from, tier.amount_to, tier.rate, tier.name)
            for tier in rule.tier_ids.sorted("amount_from")
        ]

    def match_deal(self, facts):
        """True when the deal/line facts (everything but the beneficiary) match."""
        if self.company_id and self.company_id != facts["company_id"]:
            return False
        date = facts["date"]
        if self.date_from and (not date or date < self.date_from):
            return False
        if self.date_to and (not date or date > self.date_to):
            return False
        if self.customer_tier and self.customer_tier != facts["customer_tier"]:
            return False
        if self.grade_index is not None:
            grade = facts["lead_grade"]
            if not grade or GRADE_ORDER.index(grade) < self.grade_index:
                return False
        if self.categ_path and not (facts["categ_path"] or "").startswith(
            self.categ_path
        ):
            return False
        if self.product_tmpl_id and self.product_tmpl_id != facts["product_tmpl_id"]:
            return False
        if self.referral_mode and self.referral_mode != facts["referral_mode"]:
            return False
        return not (self.deal_type and self.deal_type != facts["deal_type"])

    def match_beneficiary(self, role, department_path):
        """True when the beneficiary's role and department match."""
        if self.role and self.role != role:
            return False
        return not (
            self.department_path
            and not (department_path or "").startswith(self.department_path)
        )

    def covers(self, other):
        """True when this rule matches whatever ``other`` matches.

        Each filter of this rule is empty, equal to ``other``'s or wider (a parent
        category or department, a longer validity, a lower grade reached). An
        approximation: a product is not compared with a category, and two rules
        whose filters only overlap do not count.
        """

        def wider(mine, theirs):
            return not mine or mine == theirs

        def wider_path(mine, theirs):
            return not mine or (theirs or "").startswith(mine)

        return (
            wider(self.company_id, other.company_id)
            and (
                not self.date_from
                or bool(other.date_from and self.date_from <= other.date_from)
            )
            and (
                not self.date_to
                or bool(other.date_to and self.date_to >= other.date_to)
            )
            and wider(self.customer_tier, other.customer_tier)
            and (
                self.grade_index is None
                or (
                    other.grade_index is not None
                    and self.grade_index <= other.grade_index
                )
            )
            and wider_path(self.categ_path, other.categ_path)
            and wider(self.product_tmpl_id, other.product_tmpl_id)
            and wider(self.referral_mode, other.referral_mode)
            and wider(self.deal_type, other.deal_type)
            and wider(self.role, other.role)
            and wider_path(self.department_path, other.department_path)
        )

    def rate_for(self, total):
        """Rate (%) and tier label for a contract ``total``."""
        if not self.tiers:
            return self.rate, False
        for amount_from, amount_to, rate, label in self.tiers:
            if (total > amount_from or amount_from == 0) and (
                not amount_to or total <= amount_to
            ):
                return rate, label
        return 0.0, False


class AsmCommissionRule(models.Model):
    """One line of the commission scheme: when it applies and how much it earns.

    Rules are tried by sequence; for every invoice line and beneficiary the first rule
    that matches wins. Matching and rates live here; the engine
    (``asm.commission.engine``) turns them into commission lines.
    """

    _name = "asm.commission.rule"
    _description = "Commission Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=lambda self: self._default_sequence(),
        help="Rules are tried from the lowest sequence; for each invoice line and "
        "beneficiary the first matching rule wins and the others are ignored. A new "
        "rule comes after the existing ones (never a tie): move it up to try it first.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to apply in every company.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="Currency of the fixed amounts and tier limits.",
    )
    note = fields.Text(string="Notes")
    # --- what the rule matches (empty = any) ---
    date_from = fields.Date(
        string="Valid From",
        default=fields.Date.context_today,
        help="The rule applies to invoices dated on or after this date (the invoice "
        "date fixes the terms of the deal: every payment of an invoice earns under the "
        "same rules). A new rule starts today: it never pays payments already "
        "processed; to apply it to past payments, use 'Apply Rules to Past Payments'.",
    )
    date_to = fields.Date(
        string="Valid To",
        help="The rule applies to invoices dated on or before this date.",
    )
    customer_tier = fields.Selection(
        CUSTOMER_TIERS, help="Only customers of this tier in the invoice's company."
    )
    lead_grade = fields.Selection(
        LEAD_GRADES,
        string="Lead Grade Reached",
        help="Only deals whose lead reached at least this grade (A > B > C).",
    )
    product_categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        help="Only invoice lines of this category or its sub-categories.",
    )
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", check_company=True
    )
    referral_mode = fields.Selection(REFERRAL_MODES, string="Mode")
    deal_type = fields.Selection(
        DEAL_TYPES,
        help="First deal: the customer is new in the invoice's company (it had no "
        "owner when the order was confirmed). Follow-up: a later deal of a customer "
        "that already has an owner in that company.",
    )
    role = fields.Selection(
        RULE_ROLES, string="Beneficiary Role", help="Only this beneficiary's share."
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Beneficiary Department",
        check_company=True,
        help="Only beneficiaries of this department or its sub-departments.",
    )
    # --- how much it earns ---
    base = fields.Selection(
        BASES,
        required=True,
        default="collected",
        help="Collected: untaxed amount of the invoice line times the paid part. "
        "Margin: (price - cost) times the paid part. Fixed: a fixed amount per deal, "
        "earned as the invoice is paid.",
    )
    rate = fields.Float(
        string="Rate (%)",
        digits=(16, 4),
        help="Percentage of the base, unless contract-size tiers are set.",
    )
    fixed_amount = fields.Monetary(
        currency_field="currency_id",
        help="Amount per deal for the 'Fixed amount per deal' base.",
    )
    tier_ids = fields.One2many(
        "asm.commission.rule.tier",
        "rule_id",
        string="Contract-Size Tiers",
        copy=True,
        help="Rate by order/contract total; replaces the rate when set.",
    )
    apply_multiplier = fields.Boolean(
        string="Apply Role Multiplier",
        help="Multiply by the beneficiary's department/job multiplier.",
    )
    landmark_uplift = fields.Float(
        string="Landmark Uplift (%)",
        help="Extra percentage on orders flagged as landmark projects, e.g. 15.",
    )

    shadowed_by_ids = fields.Many2many(
        "asm.commission.rule",
        compute="_compute_shadowing",
        string="Shadowed By",
        help="Active rules tried before this one (lower sequence) whose filters are "
        "equal or wider: they match every deal this rule matches, so this rule never "
        "applies. Filters that only overlap are not shown.",
    )
    shadows_ids = fields.Many2many(
        "asm.commission.rule",
        compute="_compute_shadowing",
        string="Shadows",
        help="Active rules tried after this one (higher sequence) whose filters are "
        "equal or narrower: this rule matches first, so they never apply.",
    )

    @api.model
    def _default_sequence(self):
        """After every rule of the company (and the global ones): a new rule never
        ties with an existing one, whose order would then hang on creation order."""
        last = (
            self.with_context(active_test=False)
            .sudo()
            .search(
                [("company_id", "in", [False, self.env.company.id])],
                order="sequence desc",
                limit=1,
            )
        )
        return (last.sequence + 10) if last else 10

    @api.depends("company_id")
    def _compute_currency_id(self):
        for rule in self:
            rule.currency_id = (rule.company_id or self.env.company).currency_id

    @api.depends(
        "sequence",
        "company_id",
        "date_from",
        "date_to",
        "customer_tier",
        "lead_grade",
        "product_categ_id",
        "product_tmpl_id",
        "referral_mode",
        "deal_type",
        "role",
        "department_id",
    )
    def _compute_shadowing(self):
        """Rules that win over this one or that this one wins over (first match)."""
        others = self.search([])
        compiled = [(other, CompiledRule(other)) for other in others]

        def position(rule):
            return (rule.sequence, rule._origin.id or float("inf"))

        for rule in self:
            mine = CompiledRule(rule)
            before, after = [], []
            for other, theirs in compiled:
                if other.id == rule._origin.id:
                    continue
                if position(other) < position(rule):
                    if theirs.covers(mine):
                        before.append(other.id)
                elif mine.covers(theirs):
                    after.append(other.id)
            rule.shadowed_by_ids = [Command.set(before)]
            rule.shadows_ids = [Command.set(after)]

    @api.constrains("rate", "fixed_amount", "landmark_uplift", "base", "tier_ids")
    def _check_amounts(self):
        for rule in self:
            if rule.rate < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the Rate (%%) cannot be negative (%(rate)s). "
                        "Enter 0 or more.",
                        rule=rule.name,
                        rate=rule.rate,
                    )
                )
            if rule.fixed_amount < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the Fixed Amount cannot be negative. "
                        "Enter 0 or more.",
                        rule=rule.name,
                    )
                )
            if rule.landmark_uplift < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the Landmark Uplift (%%) cannot be negative. "
                        "Enter 0 or more, e.g. 15.",
                        rule=rule.name,
                    )
                )
            if rule.base == "fixed" and rule.fixed_amount <= 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: a 'Fixed amount per deal' base needs a Fixed "
                        "Amount above 0.",
                        rule=rule.name,
                    )
                )
            if rule.base == "fixed" and rule.tier_ids:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: Contract-Size Tiers give percentages and "
                        "cannot be used with a 'Fixed amount per deal' base. Remove "
                        "the tiers or change the Base.",
                        rule=rule.name,
                    )
                )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_from > rule.date_to:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: 'Valid From' must be on or before 'Valid To'.",
                        rule=rule.name,
                    )
                )

    @api.constrains("tier_ids")
    def _check_tier_ids(self):
        for rule in self:
            tiers = rule.tier_ids.sorted("amount_from")
            previous = None
            for tier in tiers:
                tier._check_own_values()
                if previous is None:
                    if tier.amount_from:
                        raise ValidationError(
                            self.env._(
                                "Rule %(rule)s: the first contract-size tier must "
                                "start at 0; set 'Above' of tier %(tier)s to 0.",
                                rule=rule.name,
                                tier=tier.name,
                            )
                        )
                elif not previous.amount_to:
                    raise ValidationError(
                        self.env._(
                            "Rule %(rule)s: tier %(prev)s has no upper limit, so tier "
                            "%(tier)s overlaps it. Set 'Up to' of tier %(prev)s.",
                            rule=rule.name,
                            prev=previous.name,
                            tier=tier.name,
                        )
                    )
                elif tier.currency_id.compare_amounts(
                    tier.amount_from, previous.amount_to
                ):
                    problem = (
                        self.env._("overlaps")
                        if tier.amount_from < previous.amount_to
                        else self.env._("leaves a gap after")
                    )
                    raise ValidationError(
                        self.env._(
                            "Rule %(rule)s: tier %(tier)s %(problem)s tier %(prev)s. "
                            "Set 'Above' of tier %(tier)s to %(limit)s.",
                            rule=rule.name,
                            tier=tier.name,
                            problem=problem,
                            prev=previous.name,
                            limit=format_amount(
                                self.env, previous.amount_to, tier.currency_id
                            ),
                        )
                    )
                previous = tier

    # ------------------------------------------------------------------
    # Engine API
    # ------------------------------------------------------------------
    @api.model
    def _get_compiled_rules(self, companies):
        """Active rules of ``companies`` (and company-less ones), compiled, in order."""
        rules = self.search(
            [("company_id", "in", [False, *companies.ids])], order="sequence, id"
        )
        return [CompiledRule(rule) for rule in rules]

    @api.model
    def _find_rule(self, compiled, facts, role, department_path):
        """First compiled rule matching the facts and the beneficiary, or None."""
        for rule in compiled:
            if rule.match_beneficiary(role, department_path) and rule.match_deal(facts):
                return rule
        return None

    @api.model
    def _get_customer_tiers(self, invoices):
        """{invoice id: tier code ('A', 'B', 'C' or False)} of the invoices' customers.

        The tier (DOMAIN §4) is the company-dependent ``res.partner.asm_customer_tier``
        read in each invoice's company: one read per company. Override for another
        source.
        """
        tiers = {}
        for company in invoices.company_id:
            company_invoices = invoices.filtered(
                lambda inv, c=company: inv.company_id == c
            )
            partners = company_invoices.commercial_partner_id.with_company(company)
            partners.fetch(["asm_customer_tier"])
            for invoice in company_invoices:
                tiers[invoice.id] = partners.browse(
                    invoice.commercial_partner_id.id
                ).asm_customer_tier
        return tiers

    @api.model
    def _get_lead_grades(self, invoices):
        """{invoice id: highest grade code ('C', 'B' or 'A')} of the leads behind them.

        Invoice -> sale order lines -> order -> opportunity -> its grade (DOMAIN §3),
        one query for all invoices. Invoices without an opportunity are absent.
        Override to read grades from elsewhere.
        """
        if not invoices:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT aml.move_id, g.code
                  FROM account_move_line aml
                  JOIN sale_order_line_invoice_rel rel
                    ON rel.invoice_line_id = aml.id
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN crm_lead lead ON lead.id = so.opportunity_id
                  JOIN asm_lead_grade g ON g.id = lead.asm_grade_id
                 WHERE aml.move_id = ANY(%s)
                """,
                invoices.ids,
            )
        )
        grades = {}
        for invoice_id, code in self.env.cr.fetchall():
            best = grades.get(invoice_id)
            if not best or GRADE_ORDER.index(code) > GRADE_ORDER.index(best):
                grades[invoice_id] = code
        return grades

    @api.model
    def _get_beneficiary_exclusion_reason(self, invoice, employee, role):
        """Why ``employee`` earns nothing on ``invoice`` in ``role``, or False.

        Hook for DOMAIN §5: business-department staff earn nothing for their own
        department's C-grade leads. Grades and lead ownership come from the attribution
        part, which wires this rule here; the engine makes such lines earn 0 with the
        returned reason.

        A share whose beneficiary has no employee, in a company that keeps such
        shares (``asm_orphan_share_policy``), earns nothing either: the line holding
        it is void and says why.
        """
        if (
            role in ("salesperson", "service")
            and invoice.company_id.asm_orphan_share_policy == "company"
        ):
            return self.env["asm.commission.engine"]._get_share_redirect_note(
                invoice, employee, role
            )
        return False
