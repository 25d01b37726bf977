# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.asm_attribution_mixin import DEAL_TYPES, REFERRAL_MODES, SHARE_FIELDS


class AsmAttributionCorrection(models.TransientModel):
    """A manager corrects the attribution of a confirmed order or a posted invoice.

    The attribution of such documents is frozen (commissions were computed from it).
    The correction writes the new values on the order, its invoices and their credit
    notes, records old and new values in their chatter, reverses the commission lines
    computed from the old values and computes them again from the new ones. Nothing
    already stated changes: the reversals and the new lines go to the next statement.
    """

    _name = "asm.attribution.correction"
    _description = "Attribution Correction"
    _check_company_auto = True

    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    referrer_id = fields.Many2one("hr.employee", string="Referrer", check_company=True)
    referral_mode = fields.Selection(REFERRAL_MODES)
    referral_deal_type = fields.Selection(DEAL_TYPES, string="Deal Type")
    service_employee_id = fields.Many2one(
        "hr.employee", string="Customer Service", check_company=True
    )
    referrer_share = fields.Float(string="Referrer Share (%)")
    salesperson_share = fields.Float(string="Salesperson Share (%)")
    service_share = fields.Float(string="Service Share (%)")
    referral_excluded = fields.Boolean(string="Excluded from Rewards")
    referral_exclusion_reason = fields.Char(string="Exclusion Reason")
    asm_landmark = fields.Boolean(string="Landmark Project")
    reason = fields.Char(
        required=True,
        help="Why the attribution is corrected; recorded in the chatter.",
    )

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        document = self._get_document_from(defaults)
        if document:
            defaults["company_id"] = document.company_id.id
            for fname, value in document._prepare_attribution_vals().items():
                defaults.setdefault(fname, value)
            defaults.setdefault("asm_landmark", document.asm_landmark)
        return defaults

    @api.model
    def _get_document_from(self, values):
        if values.get("order_id"):
            return self.env["sale.order"].browse(values["order_id"])
        if values.get("move_id"):
            return self.env["account.move"].browse(values["move_id"])
        return None

    @api.onchange("referral_deal_type")
    def _onchange_referral_deal_type(self):
        """Another deal type than the document's proposes the company's shares."""
        document = self._get_document()
        if (
            self.referrer_id
            and self.referral_deal_type
            and document
            and self.referral_deal_type != document.referral_deal_type
        ):
            self.update(
                self.company_id._get_asm_default_shares(self.referral_deal_type)
            )

    # ------------------------------------------------------------------
    def _get_document(self):
        self.ensure_one()
        return self.order_id or self.move_id

    def _prepare_correction_vals(self):
        """Attribution values written on the order, its invoices and credit notes."""
        self.ensure_one()
        vals = {
            "referrer_id": self.referrer_id.id,
            "referral_mode": self.referral_mode,
            "referral_deal_type": self.referral_deal_type,
            "service_employee_id": self.service_employee_id.id,
            "referral_excluded": self.referral_excluded,
            "referral_exclusion_reason": self.referral_exclusion_reason,
            "asm_landmark": self.asm_landmark,
        }
        vals.update({share: self[share] for share in SHARE_FIELDS})
        if not self.referrer_id:
            vals.update(
                referral_mode=False,
                referral_deal_type=False,
                **dict.fromkeys(SHARE_FIELDS, 0.0),
            )
        return vals

    def _get_affected_invoices(self):
        """Customer invoices of the corrected document, with their credit notes.

        A credit note is corrected with the invoice it reverses (its commissions are
        computed from that invoice's attribution).
        """
        self.ensure_one()
        if self.order_id:
            moves = self.order_id.invoice_ids
        elif self.move_id.move_type == "out_refund" and self.move_id.reversed_entry_id:
            moves = self.move_id.reversed_entry_id
        else:
            moves = self.move_id
        moves = moves.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        return moves | moves.reversal_move_ids

    def action_apply(self):
        """Write the new attribution, log it, reverse and recompute the commissions."""
        self.ensure_one()
        # the defaults that opened the wizard must not reach the records made below
        context = {
            key: value
            for key, value in self.env.context.items()
            if not key.startswith("default_")
        }
        # replaces the whole context on purpose: the defaults are stripped
        return self.with_context(context)._apply_correction()  # pylint: disable=context-overridden

    def _apply_correction(self):
        """Check the right, write and log the correction, then redo the lines."""
        if not self.env.user.has_group("all_staff_marketing.group_manager"):
            raise AccessError(
                self.env._(
                    "Only an All-Staff Marketing manager can correct the attribution "
                    "of a confirmed order or a posted invoice."
                )
            )
        document = self._get_document()
        if not document:
            raise UserError(
                self.env._(
                    "Open the correction from a confirmed sales order or a posted "
                    "invoice."
                )
            )
        document.check_access("read")
        vals = self._prepare_correction_vals()
        changes = document._asm_get_attribution_changes(vals)
        if not changes:
            raise UserError(
                self.env._(
                    "Nothing to correct: the values are those of %(doc)s.",
                    doc=document.display_name,
                )
            )
        # sudo: the attribution is frozen for everyone but this correction; the
        # manager's right was checked above
        order = self.order_id.sudo()
        invoices = self._get_affected_invoices().sudo()
        order.write(vals)
        invoices.write(vals)
        if order:
            self._update_customer_owner()
        self._log_correction(order, changes)
        self._log_correction(invoices, changes)
        return self._recompute_commissions(invoices)

    def _update_customer_owner(self):
        """The customer owner made by the corrected order follows the correction."""
        owner = (
            self.env["asm.customer.owner"]
            .sudo()
            .search([("order_id", "=", self.order_id.id)])
        )
        if owner and self.referrer_id:
            owner.write(
                {
                    "referrer_id": self.referrer_id.id,
                    "referral_mode": self.referral_mode,
                    "service_employee_id": self.service_employee_id.id,
                }
            )

    def _recompute_commissions(self, invoices):
        """Reverse the earn/clawback lines of ``invoices`` and compute them again.

        Every line of the reconciliations involved is reversed, including the side
        of another invoice (a credit note used to pay it), so that computing those
        reconciliations again gives each line exactly once.
        """
        terms = invoices.line_ids
        partials = terms.matched_debit_ids | terms.matched_credit_ids
        # computed below: the queue job must not compute them a second time (waits
        # for a worker processing them now, whose lines are then reversed below)
        self.env["asm.commission.queue"].sudo()._dequeue(partials.ids)
        lines = (
            self.env["asm.commission.line"]
            .sudo()
            .search(
                [
                    ("kind", "in", ("earn", "clawback")),
                    "|",
                    ("invoice_id", "in", invoices.ids),
                    ("partial_id", "in", partials.ids),
                ]
            )
        )
        engine = self.env["asm.commission.engine"].sudo()
        reversals = engine._reverse_lines(
            lines,
            self.env._(
                "Reversal: attribution corrected by %(user)s (%(reason)s)",
                user=self.env.user.name,
                reason=self.reason,
            ),
        )
        created = engine._process_partials(partials.ids, key_suffix=f"/corr{self.id}")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Attribution corrected: %(reversed)s commission line(s) reversed, "
                    "%(created)s computed again; they go to the next statement.",
                    reversed=len(reversals),
                    created=len(created),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _log_correction(self, documents, changes):
        """Post the old and new values with the reason on every corrected document."""
        rows = Markup().join(
            Markup("<li>%s: %s → %s</li>")
            % (
                self._fields[fname]._description_string(self.env),
                self._display_value(fname, old),
                self._display_value(fname, new),
            )
            for fname, old, new in changes
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Attribution corrected by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=self.reason,
            ),
            rows,
        )
        for document in documents:
            document.message_post(
                body=body,
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )

    def _display_value(self, fname, value):
        """Readable value of an attribution field for the chatter."""
        field = self._fields[fname]
        if field.type == "many2one":
            return value.display_name or "-"
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value) or "-"
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        return "-" if value is False or value is None else str(value)
