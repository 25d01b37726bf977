# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrmLead(models.Model):
    """A lead of a customer referred by a customer is referred by its owner."""

    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        if not self._asm_is_participant_only() and not self.env.context.get(
            "asm_my_referral"
        ):
            self._asm_set_referrer_from_referring_customer(vals_list)
        return super().create(vals_list)

    @api.model
    def _asm_set_referrer_from_referring_customer(self, vals_list):
        """Fill the referrer of new leads of referred customers, in place."""
        todo = [
            vals
            for vals in vals_list
            if vals.get("partner_id") and not vals.get("referrer_id")
        ]
        if not todo:
            return
        partners = self.env["res.partner"].browse([vals["partner_id"] for vals in todo])
        referring = {
            partner.id: partner.commercial_partner_id.asm_referred_by_partner_id
            for partner in partners
        }
        keys = {}
        for vals in todo:
            customer = referring[vals["partner_id"]]
            if customer:
                company_id = vals.get("company_id") or self.env.company.id
                keys[id(vals)] = (customer.commercial_partner_id.id, company_id)
        if not keys:
            return
        # sudo: who owns a customer decides the attribution, whoever creates the lead
        owners = self.env["asm.customer.owner"].sudo()._get_owners(set(keys.values()))
        for vals in todo:
            owner = owners.get(keys.get(id(vals)))
            if owner:
                vals["referrer_id"] = owner.referrer_id.id
                vals.setdefault("company_id", owner.company_id.id)
                vals.setdefault(
                    "referral_mode", owner.company_id.asm_default_referral_mode
                )

    def _asm_get_own_attribution(self, vals):
        """A new lead of a referred customer takes its owner's referrer."""
        own = super()._asm_get_own_attribution(vals)
        if not self and vals.get("partner_id"):
            probe = {"partner_id": vals["partner_id"]}
            if vals.get("company_id"):
                probe["company_id"] = vals["company_id"]
            self._asm_set_referrer_from_referring_customer([probe])
            if probe.get("referrer_id"):
                own["referrer_id"] = (*own.get("referrer_id", ()), probe["referrer_id"])
                if vals.get("referrer_id") == probe["referrer_id"]:
                    own["referral_mode"] = (vals.get("referral_mode"),)
        return own
