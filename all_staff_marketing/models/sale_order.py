# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .asm_attribution_mixin import SHARE_FIELDS


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "asm.attribution.mixin"]

    # --- Attribution: from the opportunity, or from the customer's owner --------
    referrer_id = fields.Many2one(
        compute="_compute_attribution_from_origin",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
    )
    referral_mode = fields.Selection(
        compute="_compute_attribution_from_origin",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
    )
    referral_deal_type = fields.Selection(
        compute="_compute_attribution_from_origin",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
    )
    service_employee_id = fields.Many2one(
        compute="_compute_attribution_from_origin",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
    )
    asm_landmark = fields.Boolean(
        string="Landmark Project",
        copy=False,
        tracking=True,
        help="Landmark projects (stadiums, metro, ...) earn the rules' landmark "
        "uplift on top of the commission.",
    )
    referral_excluded = fields.Boolean(
        compute="_compute_referral_excluded",
        store=True,
        readonly=False,
        precompute=True,
    )
    referral_exclusion_reason = fields.Char(
        compute="_compute_referral_excluded",
        store=True,
        readonly=False,
        precompute=True,
    )

    asm_share_warning = fields.Char(
        string="Share Warning",
        compute="_compute_asm_share_warning",
        help="A reward share whose beneficiary has no employee in the company, and "
        "where it will go (company setting 'Share without an employee').",
    )

    @api.depends(
        "referrer_id",
        "referral_excluded",
        "service_employee_id",
        "service_share",
        "salesperson_share",
        "user_id",
        "company_id",
    )
    def _compute_asm_share_warning(self):
        orders = self.filtered(lambda o: o.referrer_id and not o.referral_excluded)
        # sudo: a salesperson may not read employees; only their existence is used
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search_fetch(
                [
                    ("user_id", "in", orders.user_id.ids),
                    ("company_id", "in", orders.company_id.ids),
                ],
                ["user_id", "company_id"],
            )
        )
        staffed = {(emp.user_id.id, emp.company_id.id) for emp in employees}
        for order in self:
            order.asm_share_warning = (
                order._get_asm_share_warning(staffed) if order in orders else False
            )

    def _get_asm_share_warning(self, staffed):
        """Warning text for shares without an employee, or False.

        ``staffed``: {(user id, company id)} of users with an employee there.
        """
        self.ensure_one()
        company = self.company_id or self.env.company
        has_salesperson = (self.user_id.id, company.id) in staffed
        missing = []
        if self.salesperson_share > 0 and not has_salesperson:
            missing.append(
                (
                    "salesperson",
                    self.env._(
                        "the salesperson share (%(share)s %%): salesperson %(user)s "
                        "has no employee in %(company)s",
                        share=f"{self.salesperson_share:g}",
                        user=self.user_id.name or self.env._("(none)"),
                        company=company.name,
                    ),
                )
            )
        if self.service_share > 0 and not self.service_employee_id:
            missing.append(
                (
                    "service",
                    self.env._(
                        "the customer-service share (%(share)s %%): no "
                        "customer-service employee is set",
                        share=f"{self.service_share:g}",
                    ),
                )
            )
        if not missing:
            return False
        policy = company.asm_orphan_share_policy
        parts = []
        for role, text in missing:
            if policy == "company":
                target = self.env._("the company keeps it (no one is paid)")
            elif policy == "salesperson" and role != "salesperson" and has_salesperson:
                target = self.env._("it goes to the salesperson")
            else:
                target = self.env._(
                    "it goes to the referrer %(referrer)s",
                    referrer=self.referrer_id.name,
                )
            parts.append(
                self.env._("%(missing)s; %(target)s", missing=text, target=target)
            )
        return self.env._(
            "Reward shares without an employee: %(parts)s (company setting 'Share "
            "without an employee').",
            parts=" / ".join(parts),
        )

    @api.depends("opportunity_id", "partner_id", "company_id")
    def _compute_attribution_from_origin(self):
        owners = self._get_asm_customer_owners()
        for order in self:
            if order._asm_is_attribution_frozen():
                # confirmed: only a correction changes the attribution
                order.referrer_id = order.referrer_id
                order.referral_mode = order.referral_mode
                order.service_employee_id = order.service_employee_id
                order.referral_deal_type = order.referral_deal_type
                continue
            owner = owners.get(order._get_asm_owner_key())
            is_followup = bool(owner) and owner.order_id != order._origin
            lead = order.opportunity_id
            if lead.referrer_id:
                order.referrer_id = lead.referrer_id
                order.referral_mode = lead.referral_mode
                order.service_employee_id = lead.service_employee_id or (
                    owner and owner.service_employee_id
                )
                order.referral_deal_type = (
                    "followup" if is_followup else lead.referral_deal_type or "first"
                )
            elif is_followup:
                order.referrer_id = owner.referrer_id
                order.referral_mode = owner.referral_mode
                order.service_employee_id = owner.service_employee_id
                order.referral_deal_type = "followup"
            else:
                # nothing to carry: keep what the user set by hand
                order.referrer_id = order.referrer_id
                order.referral_mode = order.referral_mode
                order.service_employee_id = order.service_employee_id
                order.referral_deal_type = order.referral_deal_type or (
                    order.referrer_id and "first"
                )

    def _get_referral_default_shares(self):
        """A first deal keeps the shares negotiated on its opportunity."""
        lead = self.opportunity_id
        if (
            self.referrer_id
            and self.referral_deal_type != "followup"
            and lead.referrer_id == self.referrer_id
            and lead.referral_deal_type != "followup"
        ):
            return {share: lead[share] for share in SHARE_FIELDS}
        return super()._get_referral_default_shares()

    @api.depends("pricelist_id", "opportunity_id")
    def _compute_referral_excluded(self):
        for order in self:
            if order._asm_is_attribution_frozen():
                order.referral_excluded = order.referral_excluded
                order.referral_exclusion_reason = order.referral_exclusion_reason
            elif order.pricelist_id.asm_employee_price:
                order.referral_excluded = True
                order.referral_exclusion_reason = self.env._(
                    "Sold at the employee price (price list %(pricelist)s).",
                    pricelist=order.pricelist_id.name,
                )
            else:
                order.referral_excluded = order.opportunity_id.referral_excluded
                order.referral_exclusion_reason = (
                    order.opportunity_id.referral_exclusion_reason
                )

    def _asm_is_attribution_frozen(self):
        """A confirmed order keeps its attribution."""
        self.ensure_one()
        return self.state == "sale"

    @api.model_create_multi
    def create(self, vals_list):
        return self._asm_create_attributed(super().create, vals_list)

    def write(self, vals):
        return self._asm_write_attributed(super().write, vals)

    def _get_asm_owner_key(self):
        self.ensure_one()
        return (self.partner_id.commercial_partner_id.id, self.company_id.id)

    def _get_asm_customer_owners(self):
        """{(commercial partner id, company id): owner} of these orders, one query."""
        pairs = {order._get_asm_owner_key() for order in self if order.partner_id}
        # sudo: who owns a customer decides the attribution, whoever writes the order
        return self.env["asm.customer.owner"].sudo()._get_owners(pairs)

    # --- Confirmation: the first referred order makes the customer's owner -------
    def _action_confirm(self):
        res = super()._action_confirm()
        self._asm_register_customer_owners()
        return res

    def _asm_register_customer_owners(self):
        """Make referrers owners of their new customers; later orders are follow-ups."""
        orders = self.filtered(
            lambda o: o.referrer_id and not o.referral_excluded and o.partner_id
        )
        if not orders:
            return
        owners = orders._get_asm_customer_owners()
        new_owner_vals = {}
        for order in orders.sorted(lambda o: (o.date_order, o.id)):
            key = order._get_asm_owner_key()
            owner = owners.get(key)
            if (owner and owner.order_id != order) or key in new_owner_vals:
                if order.referral_deal_type != "followup":
                    # sudo: a step of the confirmation, which freezes the attribution
                    order.sudo().write(
                        {
                            "referral_deal_type": "followup",
                            **order.company_id._get_asm_default_shares("followup"),
                        }
                    )
                    order.message_post(
                        body=self.env._(
                            "%(customer)s already has an owner in %(company)s: this "
                            "order is a follow-up deal with the follow-up shares.",
                            customer=order.partner_id.commercial_partner_id.name,
                            company=order.company_id.name,
                        ),
                        subtype_xmlid="mail.mt_note",
                    )
                continue
            if owner:
                continue
            new_owner_vals[key] = order._prepare_asm_customer_owner_vals()
        if new_owner_vals:
            # sudo: owners are a system record of the confirmation, not the seller's
            self.env["asm.customer.owner"].sudo().create(list(new_owner_vals.values()))

    def _prepare_asm_customer_owner_vals(self):
        """Values of the customer owner this confirmed order creates."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "referrer_id": self.referrer_id.id,
            "referral_mode": self.referral_mode,
            "service_employee_id": self.service_employee_id.id,
            "date": fields.Date.context_today(self),
            "order_id": self.id,
            "lead_id": self.opportunity_id.id,
        }

    # --- Invoicing: the invoice carries the order's attribution ------------------
    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        values.update(self._prepare_attribution_vals())
        values["asm_landmark"] = self.asm_landmark
        return values
