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
        partials._asm_run_engine("_process_new_partials", "process")
        # a reconciliation may pay or refund a referred customer's first invoice
        self.env["loyalty.card"]._asm_sync_referral_coupons(
            partials.debit_move_id.move_id | partials.credit_move_id.move_id
        )
        return partials

    def unlink(self):
        self._asm_run_engine("_reverse_partials", "reverse")
        return super().unlink()

    def _asm_run_engine(self, method, operation):
        """Run a commission engine entry point on these reconciliations.

        A commission problem must never block accounting: on error the work is rolled
        back to a savepoint, logged, and the reconciliations are queued
        (``asm.commission.queue``) for the nightly job to retry.
        """
        if not self:
            return
        # system step: whoever reconciles does not manage commission lines; the
        # key suffix belongs to the attribution correction, never to a client
        engine = (
            self.env["asm.commission.engine"]
            .sudo()
            .with_context(asm_line_key_suffix=False)
        )
        try:
            with self.env.cr.savepoint():
                getattr(engine, method)(self.ids)
        except Exception as error:
            _logger.exception(
                "Commission engine %s failed on reconciliations %s; queued for the "
                "recompute job.",
                method,
                self.ids,
            )
            self.env["asm.commission.queue"].sudo()._enqueue(
                self.sudo(), operation, error=str(error)
            )
