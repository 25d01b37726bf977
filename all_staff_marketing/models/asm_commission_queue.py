# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AsmCommissionQueue(models.Model):
    """Reconciliations the commission engine still has to process.

    The engine processes a reconciliation once, when it is created (or removed). If
    that fails, the reconciliation waits here and the nightly job retries it; the job
    never rescans history, so a rule created later does not pay old payments.
    """

    _name = "asm.commission.queue"
    _description = "Commission Queue"
    _order = "id"

    partial_id = fields.Integer(
        string="Reconciliation",
        required=True,
        index=True,
        help="Technical: id of the reconciliation (account.partial.reconcile).",
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    operation = fields.Selection(
        [("process", "Create lines"), ("reverse", "Reverse lines")],
        required=True,
        default="process",
    )
    error = fields.Text(readonly=True, help="Why the last attempt failed.")

    _sql_constraints = [
        (
            "partial_operation_uniq",
            "unique(partial_id, operation)",
            "This reconciliation is already queued.",
        )
    ]

    @api.model
    def _enqueue(self, partials, operation, error=False):
        """Queue ``partials`` (account.partial.reconcile) for the nightly job."""
        queued = set(
            self.search(
                [("partial_id", "in", partials.ids), ("operation", "=", operation)]
            ).mapped("partial_id")
        )
        return self.create(
            [
                {
                    "partial_id": partial.id,
                    "company_id": partial.company_id.id,
                    "operation": operation,
                    "error": error,
                }
                for partial in partials
                if partial.id not in queued
            ]
        )

    @api.model
    def _dequeue(self, partial_ids, operation="process"):
        """Forget queued work on these reconciliations: it has been done."""
        self.search(
            [("partial_id", "in", list(partial_ids)), ("operation", "=", operation)]
        ).unlink()
