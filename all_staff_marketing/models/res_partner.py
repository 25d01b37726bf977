# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

CUSTOMER_TIERS = [("A", "A"), ("B", "B"), ("C", "C")]
#: Written only by the tier computation (superuser or SQL), never by hand.
TIER_FIELDS = ("asm_customer_tier", "asm_tier_amount")
#: Customer refers customer: set on the new customer; frozen once its first
#: order is confirmed.
FISSION_FIELDS = ("asm_referred_by_partner_id", "asm_referral_campaign_id")


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
    # --- customer refers customer (fission) ---
    asm_referred_by_partner_id = fields.Many2one(
        "res.partner",
        string="Referred By (Customer)",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        copy=False,
        help="Existing customer who referred this new customer. The employee who "
        "owns that customer becomes the referrer of this customer's first deal. "
        "Editable until this customer's first order is confirmed.",
    )
    asm_referral_campaign_id = fields.Many2one(
        "loyalty.program",
        string="Customer Referral Campaign",
        domain="[('asm_customer_referral', '=', True)]",
        ondelete="restrict",
        tracking=True,
        copy=False,
        groups="sales_team.group_sale_salesman,all_staff_marketing.group_officer",
        help="Campaign the referral was made in: its rewards apply to this "
        "customer's first order, and the referring customer gets the campaign's "
        "coupon once that first invoice is paid.",
    )
    asm_referred_partner_ids = fields.One2many(
        "res.partner", "asm_referred_by_partner_id", string="Referred Customers"
    )
    asm_referred_partner_count = fields.Integer(
        string="Referred Customers Count",
        compute="_compute_asm_referred_partner_count",
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
        self._asm_check_campaign_open(
            [vals.get("asm_referral_campaign_id") for vals in vals_list]
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
        if set(FISSION_FIELDS).intersection(vals):
            self._asm_check_referral_editable(vals)
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

    # ------------------------------------- customer refers customer (fission)

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + list(FISSION_FIELDS)

    @api.model
    def _asm_commercial_domain(self):
        """Domain of commercial entities (contacts share their company's values)."""
        return ["|", ("parent_id", "=", False), ("is_company", "=", True)]

    def _compute_asm_referred_partner_count(self):
        counts = dict(
            self._read_group(
                [
                    ("asm_referred_by_partner_id", "in", self.ids),
                    *self._asm_commercial_domain(),
                ],
                ["asm_referred_by_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.asm_referred_partner_count = counts.get(partner, 0)

    def action_asm_view_referred_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers Referred by %(name)s", name=self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [
                ("asm_referred_by_partner_id", "=", self.id),
                *self._asm_commercial_domain(),
            ],
            "context": {"default_asm_referred_by_partner_id": self.id},
        }

    @api.constrains(*FISSION_FIELDS)
    def _check_asm_referred_by(self):
        # sudo: the campaign is checked whoever may read campaigns
        for partner in self.sudo().filtered(
            lambda p: p.asm_referred_by_partner_id or p.asm_referral_campaign_id
        ):
            referrer = partner.asm_referred_by_partner_id
            campaign = partner.asm_referral_campaign_id
            if referrer.commercial_partner_id == partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(customer)s cannot be referred by itself or one of its "
                        "contacts: choose another customer in Referred By.",
                        customer=partner.display_name,
                    )
                )
            if campaign and not referrer:
                raise ValidationError(
                    self.env._(
                        "%(customer)s: set the customer who referred them (Referred "
                        "By) along with the referral campaign.",
                        customer=partner.display_name,
                    )
                )
            if campaign and not campaign.asm_customer_referral:
                raise ValidationError(
                    self.env._(
                        "%(program)s is not a customer referral campaign: tick "
                        "'Customer Referral Campaign' on it or choose another one.",
                        program=campaign.name,
                    )
                )

    @api.model
    def _asm_check_campaign_open(self, campaign_ids):
        """A referral is recorded while its campaign runs."""
        # sudo: only the campaign's dates are read
        campaigns = (
            self.env["loyalty.program"].sudo().browse(set(filter(None, campaign_ids)))
        )
        today = fields.Date.context_today(self)
        for campaign in campaigns:
            if (
                (campaign.date_from and campaign.date_from > today)
                or (campaign.date_to and campaign.date_to < today)
                or not campaign.active
            ):
                raise UserError(
                    self.env._(
                        "The customer referral campaign %(campaign)s is not running "
                        "today (it runs from %(date_from)s to %(date_to)s): choose a "
                        "running campaign.",
                        campaign=campaign.name,
                        date_from=campaign.date_from or "-",
                        date_to=campaign.date_to or "-",
                    )
                )

    def _asm_check_referral_editable(self, vals):
        """Who referred a customer is fixed once its first order is confirmed."""
        changed = self.browse()
        for partner in self:
            commercial = partner.commercial_partner_id.sudo()
            if any(
                (commercial[fname].id or False) != (vals[fname] or False)
                for fname in FISSION_FIELDS
                if fname in vals
            ):
                changed |= partner
        if not changed:
            return
        if vals.get("asm_referral_campaign_id"):
            self._asm_check_campaign_open([vals["asm_referral_campaign_id"]])
        commercials = changed.commercial_partner_id
        # sudo: the rule holds whatever orders the user may read
        order = (
            self.env["sale.order"]
            .sudo()
            .search(
                [("partner_id", "child_of", commercials.ids), ("state", "=", "sale")],
                order="date_order, id",
                limit=1,
            )
        )
        if order:
            raise UserError(
                self.env._(
                    "%(customer)s already has a confirmed order (%(order)s): who "
                    "referred them and in which campaign can no longer be changed.",
                    customer=order.partner_id.commercial_partner_id.display_name,
                    order=order.name,
                )
            )
