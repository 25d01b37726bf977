# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

#: Set on the new customer; frozen once its first order is confirmed.
FISSION_FIELDS = ("asm_referred_by_partner_id", "asm_referral_campaign_id")


class ResPartner(models.Model):
    """Customer refers customer (fission): who referred this customer, in which
    campaign."""

    _inherit = "res.partner"

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

    @api.model_create_multi
    def create(self, vals_list):
        self._asm_check_campaign_open(
            [vals.get("asm_referral_campaign_id") for vals in vals_list]
        )
        return super().create(vals_list)

    def write(self, vals):
        if set(FISSION_FIELDS).intersection(vals):
            self._asm_check_referral_editable(vals)
        return super().write(vals)

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
