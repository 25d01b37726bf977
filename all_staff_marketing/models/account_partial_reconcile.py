# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class AccountPartialReconcile(models.Model):
    """Commissions follow the money: a reconciliation is how Odoo records it."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._asm_enqueue("process")
        return partials

    def unlink(self):
        self._asm_enqueue("reverse")
        return super().unlink()

    def _asm_enqueue(self, operation):
        """Queue these reconciliations for the commission job; no engine here.

        One insert in the reconciliation's own transaction (a crash loses nothing)
        and a trigger of the job, which computes the lines within seconds of the
        commit. A commission problem must never block accounting: on error the
        insert is rolled back to a savepoint and logged.
        """
        if not self:
            return
        # accounting's own pending writes are flushed outside the savepoint: their
        # errors are accounting's, never swallowed here
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        self.env["account.move"].flush_model(
            ["move_type", "referrer_id", "reversed_entry_id"]
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env["asm.commission.queue"].sudo()._enqueue(self.sudo(), operation)
        except Exception:
            _logger.exception(
                "Could not queue reconciliations %s for the commission job (%s).",
                self.ids,
                operation,
            )
