# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class SaleOrder(models.Model):
    """Customer refers customer: the referred customer's first order.

    Its referrer defaults to the employee who owns the referring customer, and
    the referral campaign's promotion applies to it (and to no other order).
    """

    _inherit = "sale.order"

    @api.depends(
        "opportunity_id",
        "partner_id",
        "company_id",
        "partner_id.asm_referred_by_partner_id",
    )
    def _compute_attribution_from_origin(self):
        res = super()._compute_attribution_from_origin()
        orders = self.filtered(
            lambda o: not o.referrer_id
            and not o._asm_is_attribution_frozen()
            and o.partner_id.asm_referred_by_partner_id
        )
        owners = orders._asm_get_referring_customer_owners()
        for order in orders:
            owner = owners.get(order._asm_get_referring_owner_key())
            if owner:
                order.referrer_id = owner.referrer_id
                order.referral_mode = order.company_id.asm_default_referral_mode
                order.referral_deal_type = "first"
        return res

    def _asm_get_referring_owner_key(self):
        """(referring customer id, company id) of this order's customer."""
        self.ensure_one()
        referring = self.partner_id.commercial_partner_id.asm_referred_by_partner_id
        return (referring.commercial_partner_id.id, self.company_id.id)

    def _asm_get_referring_customer_owners(self):
        """{(referring customer id, company id): its owner}, one query."""
        pairs = {order._asm_get_referring_owner_key() for order in self}
        # sudo: who owns a customer decides the attribution, whoever writes the order
        return self.env["asm.customer.owner"].sudo()._get_owners(pairs)

    # ------------------------------------------------ the campaign's promotion

    def _program_check_compute_points(self, programs):
        """A referral campaign's rewards go to its referred customers' first order."""
        result = super()._program_check_compute_points(programs)
        campaigns = programs.filtered("asm_customer_referral")
        if not campaigns:
            return result
        error = self._asm_get_referral_campaign_error(campaigns)
        for campaign in campaigns:
            message = error(campaign)
            if message and "error" not in result.get(campaign, {}):
                result[campaign] = {"error": message}
        return result

    def _asm_get_referral_campaign_error(self, campaigns):
        """Function campaign -> why it does not apply to this order, or False."""
        self.ensure_one()
        # sudo: eligibility does not depend on what the seller may read
        customer = self.partner_id.commercial_partner_id.sudo()
        has_other_order = bool(
            self.env["sale.order"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "child_of", customer.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "sale"),
                    ("id", "!=", self._origin.id),
                ],
                limit=1,
            )
        )

        def error(campaign):
            if customer.asm_referral_campaign_id != campaign:
                return self.env._(
                    "%(campaign)s is for customers referred by another customer "
                    "in this campaign.",
                    campaign=campaign.name,
                )
            if has_other_order:
                return self.env._(
                    "%(campaign)s applies to the first order of a referred "
                    "customer only.",
                    campaign=campaign.name,
                )
            return False

        return error
