# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "asm.attribution.mixin"]

    asm_landmark = fields.Boolean(
        string="Landmark Project",
        copy=False,
        tracking=True,
        help="Landmark projects (stadiums, metro, ...) earn the rules' landmark "
        "uplift on top of the commission.",
    )
    asm_commission_count = fields.Integer(
        string="Commissions", compute="_compute_asm_commission_count"
    )

    asm_commission_pending = fields.Boolean(
        string="Commissions Being Computed",
        compute="_compute_asm_commission_pending",
        groups="all_staff_marketing.group_manager",
        help="Payments of this invoice wait in the commission queue: their commission "
        "lines appear within seconds.",
    )

    def _compute_asm_commission_pending(self):
        pending = (
            self.env["asm.commission.queue"]
            .sudo()
            ._get_pending_invoice_ids([move_id for move_id in self.ids if move_id])
        )
        for move in self:
            move.asm_commission_pending = move.id in pending

    def _compute_asm_commission_count(self):
        counts = dict(
            self.env["asm.commission.line"]._read_group(
                [("invoice_id", "in", self.ids)], ["invoice_id"], ["__count"]
            )
        )
        for move in self:
            move.asm_commission_count = counts.get(move, 0)

    def _asm_is_attribution_frozen(self):
        """A posted customer invoice or credit note keeps its attribution."""
        self.ensure_one()
        return self.state == "posted" and self.is_sale_document(include_receipts=True)

    @api.model_create_multi
    def create(self, vals_list):
        return self._asm_create_attributed(super().create, vals_list)

    def write(self, vals):
        return self._asm_write_attributed(super().write, vals)

    def _asm_get_own_attribution(self, vals):
        """A credit note carries the attribution of the invoice it reverses."""
        own = super()._asm_get_own_attribution(vals)
        if not self and vals.get("reversed_entry_id"):
            reversed_move = self.browse(vals["reversed_entry_id"])
            for fname, value in reversed_move._prepare_attribution_vals().items():
                own.setdefault(fname, ())
                own[fname] += (value,)
            own.setdefault("asm_landmark", ())
            own["asm_landmark"] += (reversed_move.asm_landmark,)
        return own

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda move: move.is_sale_document(include_receipts=True)
        ).invoice_line_ids._asm_store_unit_cost()
        return posted

    def action_view_asm_commissions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "all_staff_marketing.asm_commission_line_action"
        )
        action["domain"] = [("invoice_id", "=", self.id)]
        action["context"] = {}
        return action

    def _reverse_moves(self, default_values_list=None, cancel=False):
        """Credit notes carry the attribution of the invoice they reverse."""
        if not default_values_list:
            default_values_list = [{} for __ in self]
        for move, defaults in zip(self, default_values_list, strict=True):
            if move.referrer_id or move.referral_excluded:
                for fname, value in move._prepare_attribution_vals().items():
                    defaults.setdefault(fname, value)
        return super()._reverse_moves(default_values_list, cancel=cancel)
