# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

CUSTOMER_TIERS = [("A", "A"), ("B", "B"), ("C", "C")]
#: Written only by the tier computation (superuser or SQL), never by hand.
TIER_FIELDS = ("asm_customer_tier", "asm_tier_amount")


class ResPartner(models.Model):
    _inherit = "res.partner"

    asm_customer_tier = fields.Selection(
        CUSTOMER_TIERS,
        string="Customer Tier",
        company_dependent=True,
        copy=False,
        help="A/B/C in the current company, from the untaxed amount invoiced over "
        "the last 12 months (credit notes deducted). Recomputed every night.",
    )
    asm_tier_amount = fields.Float(
        string="Invoiced (12 Months)",
        company_dependent=True,
        index=False,
        copy=False,
        digits="Account",
        help="Untaxed amount invoiced to this customer over the last 12 months, "
        "credit notes deducted, in the company currency (last tier computation).",
    )
    asm_tier_needs_manager = fields.Boolean(
        string="A-Tier Without Account Manager",
        compute="_compute_asm_tier_needs_manager",
        search="_search_asm_tier_needs_manager",
        help="Tier A customers get a dedicated account manager (the salesperson).",
    )
    asm_owner_ids = fields.One2many(
        "asm.customer.owner",
        "partner_id",
        string="Referral Owners",
        groups="sales_team.group_sale_salesman,all_staff_marketing.group_officer",
    )
    asm_tier_log_ids = fields.One2many(
        "asm.customer.tier.log",
        "partner_id",
        string="Tier History",
        groups="sales_team.group_sale_salesman,all_staff_marketing.group_officer",
    )

    @api.depends_context("company")
    @api.depends("asm_customer_tier", "user_id")
    def _compute_asm_tier_needs_manager(self):
        for partner in self:
            partner.asm_tier_needs_manager = (
                partner.asm_customer_tier == "A" and not partner.user_id
            )

    def _search_asm_tier_needs_manager(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [("asm_customer_tier", "=", "A"), ("user_id", "=", False)]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    # ------------------------------------------------------ tiers are computed

    @api.model_create_multi
    def create(self, vals_list):
        self._asm_check_tier_write(
            [
                {fname: value for fname, value in vals.items() if fname in TIER_FIELDS}
                for vals in vals_list
                if any(vals.get(fname) for fname in TIER_FIELDS)
            ]
        )
        return super().create(vals_list)

    def write(self, vals):
        tier_vals = {f: v for f, v in vals.items() if f in TIER_FIELDS}
        if tier_vals and not self.env.su:
            # writing the value a partner already has is no change (e.g. a merge)
            self.fetch(list(tier_vals))
            if any(
                (partner[fname] or False) != (value or False)
                for partner in self
                for fname, value in tier_vals.items()
            ):
                self._asm_check_tier_write([tier_vals])
        return super().write(vals)

    @api.model
    def _asm_check_tier_write(self, vals_list):
        """The tier is computed from the invoiced amount: nobody sets it by hand."""
        if self.env.su or not any(vals_list):
            return
        raise UserError(
            self.env._(
                "The customer tier is computed from the amount invoiced over the last "
                "12 months and cannot be set by hand. Change the tier thresholds in "
                "the settings, or ask an All-Staff Marketing manager to recompute "
                "the tiers."
            )
        )

    @api.model
    def _asm_check_tier_recompute_right(self):
        """Only All-Staff Marketing managers (and the nightly job) recompute tiers."""
        if self.env.su or self.env.user.has_group("all_staff_marketing.group_manager"):
            return
        raise AccessError(
            self.env._(
                "Only an All-Staff Marketing manager can recompute the customer "
                "tiers; they are recomputed every night anyway."
            )
        )

    # ------------------------------------------------------------ tier batch

    @api.model
    def _asm_recompute_tiers(self, companies):
        """Recompute every customer's tier of these companies, in one batch each.

        Per company: one aggregate over the posted customer invoice lines, one read
        of the current tiers, one UPDATE of the changed partners and one INSERT of
        the tier history, whatever the number of customers.
        """
        self._asm_check_tier_recompute_right()
        for company in companies:
            self._asm_recompute_company_tiers(company)

    @api.model
    def _asm_get_tier_amounts(self, company, date_to):
        """{commercial partner id: untaxed amount invoiced in the 12 months to date}."""
        date_from = date_to - relativedelta(years=1)
        # sudo: tiers are a company statistic over every posted invoice, not only the
        # invoices the user who asks for a recomputation may read
        groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("parent_state", "=", "posted"),
                    ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                    ("display_type", "=", "product"),
                    ("date", ">", date_from),
                    ("date", "<=", date_to),
                    ("partner_id", "!=", False),
                ],
                ["partner_id"],
                ["balance:sum"],
            )
        )
        return {partner.id: -balance for partner, balance in groups}

    @api.model
    def _asm_recompute_company_tiers(self, company):
        today = fields.Date.context_today(self)
        digits = company.currency_id.decimal_places
        get_tier = company._get_asm_tier_function()
        amounts = self._asm_get_tier_amounts(company, today)
        # sudo: system batch over every customer of the company
        partners = self.sudo().with_company(company).with_context(active_test=False)
        partners.flush_model(["asm_customer_tier", "asm_tier_amount"])
        current = partners.search_fetch(
            [("asm_customer_tier", "!=", False)],
            ["asm_customer_tier", "asm_tier_amount"],
        )
        old = {p.id: (p.asm_customer_tier, p.asm_tier_amount) for p in current}
        ids, tiers, totals, changes = [], [], [], []
        for partner_id in amounts.keys() | old.keys():
            amount = round(amounts.get(partner_id, 0.0), digits)
            tier = get_tier(amount)
            old_tier, old_amount = old.get(partner_id, (False, 0.0))
            if tier == old_tier and round(amount - old_amount, digits) == 0:
                continue
            ids.append(partner_id)
            tiers.append(tier)
            totals.append(amount)
            if tier != old_tier:
                changes.append((partner_id, old_tier or None, tier, amount))
        key = str(company.id)
        if ids:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE res_partner AS p
                       SET asm_customer_tier = COALESCE(p.asm_customer_tier, '{}')
                               || jsonb_build_object(%(key)s::text, v.tier),
                           asm_tier_amount = COALESCE(p.asm_tier_amount, '{}')
                               || jsonb_build_object(%(key)s::text, v.amount)
                      FROM unnest(%(ids)s::int[], %(tiers)s::varchar[],
                                  %(totals)s::float8[]) AS v(id, tier, amount)
                     WHERE p.id = v.id
                    """,
                    key=key,
                    ids=ids,
                    tiers=tiers,
                    totals=totals,
                )
            )
            self.env["res.partner"].invalidate_model(
                ["asm_customer_tier", "asm_tier_amount"]
            )
        if changes:
            self.env["asm.customer.tier.log"]._create_batch(company, today, changes)
            self.env["res.partner"].browse([c[0] for c in changes]).modified(
                ["asm_customer_tier"]
            )
        company.sudo().asm_tier_computed_at = fields.Datetime.now()
        return len(changes)

    @api.model
    def action_asm_recompute_tiers(self):
        """On demand: recompute the tiers of the selected companies now."""
        self._asm_check_tier_recompute_right()
        changed = 0
        for company in self.env.companies:
            changed += self._asm_recompute_company_tiers(company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Customer tiers recomputed: %(count)s tier changes.", count=changed
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
