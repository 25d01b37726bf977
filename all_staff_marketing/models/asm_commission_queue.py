# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: Minutes before a failed row is tried again: doubled at each attempt, at most a day.
RETRY_MINUTES_MAX = 24 * 60


class AsmCommissionQueue(models.Model):
    """Reconciliations the commission engine still has to process.

    Creating or removing a reconciliation only inserts a row here, in the same
    transaction (``account.partial.reconcile``): payments stay fast and a crash loses
    nothing. A triggered background job (``ir_cron_asm_commission_queue``) then runs
    the engine on the rows within seconds: ``_process_batch`` claims rows in id order
    with ``FOR UPDATE SKIP LOCKED``, so any number of workers (on any number of Odoo
    servers sharing the database) take disjoint batches. A row whose work failed stays
    here with its error and is tried again later (``retry_after``); history is never
    rescanned, so a rule created later does not pay old payments.
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
    invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="Attributed invoice whose commissions this row computes.",
    )
    error = fields.Text(readonly=True, help="Why the last attempt failed.")
    attempts = fields.Integer(readonly=True, default=0, help="Failed attempts so far.")
    retry_after = fields.Datetime(
        readonly=True,
        help="After a failure, the job leaves the row alone until then.",
    )

    _sql_constraints = [
        (
            "partial_operation_uniq",
            "unique(partial_id, operation)",
            "This reconciliation is already queued.",
        )
    ]

    def init(self):
        # rows inserted by plain SQL (the payment hook, scripts) count from 0
        self.env.cr.execute(
            "ALTER TABLE asm_commission_queue ALTER COLUMN attempts SET DEFAULT 0"
        )

    # ------------------------------------------------------------------
    # Filling the queue (payment path: a few queries, no engine)
    # ------------------------------------------------------------------
    @api.model
    def _enqueue(self, partials, operation, error=False):
        """Queue ``partials`` (account.partial.reconcile) for the job.

        One ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` whatever their number.
        Only reconciliations the engine can act on are queued: 'process' those that
        touch an attributed invoice (or a credit note of one); 'reverse' those that
        produced lines or still wait to be processed. Returns nothing.
        """
        if not partials:
            return
        self.env["account.partial.reconcile"].flush_model(
            ["company_id", "debit_move_id", "credit_move_id"]
        )
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        self.env["account.move"].flush_model(
            ["move_type", "referrer_id", "reversed_entry_id"]
        )
        if operation == "process":
            wanted = SQL("att.invoice_id IS NOT NULL")
        else:
            wanted = SQL(
                """(EXISTS (SELECT 1 FROM asm_commission_line l
                             WHERE l.partial_id = p.id
                               AND l.kind IN ('earn', 'clawback'))
                    OR EXISTS (SELECT 1 FROM asm_commission_queue o
                                WHERE o.partial_id = p.id
                                  AND o.operation = 'process'))"""
            )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO asm_commission_queue
                    (partial_id, company_id, operation, invoice_id, error, attempts,
                     create_uid, write_uid, create_date, write_date)
                SELECT p.id, p.company_id, %(operation)s, att.invoice_id, %(error)s, 0,
                       %(uid)s, %(uid)s,
                       now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                  FROM account_partial_reconcile p
                  LEFT JOIN LATERAL (
                       SELECT CASE WHEN sm.move_type = 'out_invoice' THEN sm.id
                                   ELSE sm.reversed_entry_id END AS invoice_id
                         FROM account_move_line sl
                         JOIN account_move sm ON sm.id = sl.move_id
                         LEFT JOIN account_move src ON src.id = sm.reversed_entry_id
                        WHERE sl.id IN (p.debit_move_id, p.credit_move_id)
                          AND sl.display_type = 'payment_term'
                          AND ((sm.move_type = 'out_invoice'
                                AND sm.referrer_id IS NOT NULL)
                            OR (sm.move_type = 'out_refund'
                                AND src.referrer_id IS NOT NULL))
                        ORDER BY sl.id
                        LIMIT 1
                  ) att ON TRUE
                 WHERE p.id = ANY(%(ids)s)
                   AND %(wanted)s
                 ORDER BY p.id
                ON CONFLICT (partial_id, operation) DO NOTHING
                """,
                operation=operation,
                error=error or None,
                uid=self.env.uid,
                ids=partials.ids,
                wanted=wanted,
            )
        )
        if self.env.cr.rowcount:
            self.invalidate_model()
            self._trigger_job()

    @api.model
    def _trigger_job(self):
        """Wake the queue job up once per transaction (after its commit)."""
        data = self.env.cr.precommit.data
        if data.get("asm_commission_queue_triggered"):
            return
        cron = self.env.ref(
            "all_staff_marketing.ir_cron_asm_commission_queue",
            raise_if_not_found=False,
        )
        if cron:
            cron.sudo()._trigger()
            data["asm_commission_queue_triggered"] = True

    @api.model
    def _dequeue(self, partial_ids, operation="process"):
        """Forget queued work on these reconciliations: it has been done."""
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM asm_commission_queue
                 WHERE partial_id = ANY(%s) AND operation = %s
                """,
                list(partial_ids),
                operation,
            )
        )
        if self.env.cr.rowcount:
            self.invalidate_model()

    # ------------------------------------------------------------------
    # Emptying the queue (background job, workers)
    # ------------------------------------------------------------------
    @api.model
    def _claim(self, limit=2000, company_ids=None, ids=None):
        """Lock and return up to ``limit`` rows ready to run, in id order, as
        [(id, partial id, operation)].

        ``FOR UPDATE SKIP LOCKED``: rows another worker holds are skipped, so workers
        take disjoint sets and never wait for each other. A 'reverse' row waits while
        its reconciliation still has a 'process' row (processed first, or being
        processed by another worker): lines are always reversed after they exist.
        Work on one invoice runs in queue order: a row whose invoice has an earlier
        row outside this batch (held by another worker, waiting for a retry, or past
        the limit) stays locked but is not returned, so a refund is never computed
        before (or beside) the payments it takes back; it runs in a later batch.
        """
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH claimed AS (
                SELECT q.id, q.partial_id, q.operation, q.invoice_id
                  FROM asm_commission_queue q
                 WHERE (q.retry_after IS NULL
                        OR q.retry_after <= now() AT TIME ZONE 'UTC')
                   AND (q.operation = 'process' OR NOT EXISTS (
                        SELECT 1 FROM asm_commission_queue o
                         WHERE o.partial_id = q.partial_id
                           AND o.operation = 'process'))
                   %(companies)s
                   %(ids)s
                 ORDER BY q.id
                 LIMIT %(limit)s
                   FOR UPDATE OF q SKIP LOCKED
                )
                SELECT c.id, c.partial_id, c.operation
                  FROM claimed c
                 WHERE NOT EXISTS (
                       SELECT 1 FROM asm_commission_queue e
                        WHERE e.invoice_id = c.invoice_id
                          AND e.id < c.id
                          AND e.id NOT IN (SELECT id FROM claimed))
                 ORDER BY c.id
                """,
                companies=SQL("AND q.company_id = ANY(%s)", list(company_ids))
                if company_ids is not None
                else SQL(),
                ids=SQL("AND q.id = ANY(%s)", list(ids)) if ids is not None else SQL(),
                limit=limit,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _process_batch(self, limit=2000):
        """Claim up to ``limit`` ready rows, run the engine on them, delete the rows
        handled; returns the number of rows handled (done or failed). No commit.
        """
        return self._run_batch(limit)[0]

    @api.model
    def _run_batch(self, limit=2000, company_ids=None, ids=None):
        """``_process_batch`` returning (rows handled, created lines)."""
        rows = self._claim(limit, company_ids=company_ids, ids=ids)
        if not rows:
            return 0, self.env["asm.commission.line"]
        return len(rows), self._run_rows(rows)

    @api.model
    def _run_rows(self, rows):
        """Run the engine on claimed ``rows``; delete those done.

        On an error the work is rolled back to a savepoint and the rows are split in
        halves and run again, so that only the failing row(s) stay queued with their
        error: a poisoned row never blocks the others.
        """
        engine = self.env["asm.commission.engine"].sudo()
        try:
            with self.env.cr.savepoint():
                created = engine._run_queue_rows(rows)
        except Exception as error:  # never stop the whole queue
            if len(rows) > 1:
                half = len(rows) // 2
                return self._run_rows(rows[:half]) | self._run_rows(rows[half:])
            _logger.warning(
                "Commission engine failed on queued reconciliation %s (%s): %s",
                rows[0][1],
                rows[0][2],
                error,
                exc_info=True,
            )
            self._record_failure([row[0] for row in rows], str(error))
            return self.env["asm.commission.line"]
        self.env.cr.execute(
            SQL(
                "DELETE FROM asm_commission_queue WHERE id = ANY(%s)",
                [row[0] for row in rows],
            )
        )
        self.invalidate_model()
        return created

    @api.model
    def _record_failure(self, ids, error):
        """Keep failed rows with their error; try them again later (backoff)."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE asm_commission_queue
                   SET error = %(error)s,
                       attempts = COALESCE(attempts, 0) + 1,
                       retry_after = now() AT TIME ZONE 'UTC'
                           + LEAST(power(2, COALESCE(attempts, 0)), %(max)s)
                             * interval '1 minute',
                       write_date = now() AT TIME ZONE 'UTC'
                 WHERE id = ANY(%(ids)s)
                """,
                error=error,
                max=RETRY_MINUTES_MAX,
                ids=list(ids),
            )
        )
        self.invalidate_model()

    @api.model
    def _count_ready(self):
        """Rows the job can run now (for the cron's progress report)."""
        self.env.cr.execute(
            """
            SELECT count(*) FROM asm_commission_queue
             WHERE retry_after IS NULL OR retry_after <= now() AT TIME ZONE 'UTC'
            """
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _is_idle(self):
        """True when no reconciliation waits in the queue or is being computed by
        another worker. Rows that failed and wait for a retry do not count, nor the
        rows waiting behind them (same invoice or reconciliation): a poisoned row
        never blocks the quota decisions of everybody else."""
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT 1 FROM asm_commission_queue q
             WHERE q.error IS NULL
               AND NOT EXISTS (
                   SELECT 1 FROM asm_commission_queue f
                    WHERE f.error IS NOT NULL
                      AND f.id < q.id
                      AND (f.invoice_id = q.invoice_id
                           OR f.partial_id = q.partial_id))
             LIMIT 1
            """
        )
        return not self.env.cr.fetchone()

    @api.model
    def _decide_quotas(self):
        """Once the queue is empty: release met quota months, close unmet ones.

        Quota decisions wait for the end of the queue so that a month is judged on
        all the payments queued for it, whatever the batches and the workers that
        computed them (a month closed halfway through a backlog would void lines
        that the rest of the backlog completes). A worker that finds rows still held
        by another worker leaves the decision to that worker. Returns True when
        decided.
        """
        if not self._is_idle():
            return False
        try:
            with self.env.cr.savepoint():
                self.env["asm.commission.line"]._update_quota_states(close=True)
        except psycopg2.errors.SerializationFailure:
            # another worker that emptied the queue at the same time decided them
            self.env.invalidate_all()
            return False
        return True

    @api.model
    def _get_pending_invoice_ids(self, invoice_ids):
        """Ids among ``invoice_ids`` whose commissions wait in the queue."""
        if not invoice_ids:
            return set()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT invoice_id FROM asm_commission_queue
                 WHERE invoice_id = ANY(%(ids)s)
                 UNION
                SELECT aml.move_id
                  FROM asm_commission_queue q
                  JOIN account_partial_reconcile p ON p.id = q.partial_id
                  JOIN account_move_line aml
                    ON aml.id IN (p.debit_move_id, p.credit_move_id)
                 WHERE q.invoice_id IS NULL
                   AND aml.move_id = ANY(%(ids)s)
                """,
                ids=list(invoice_ids),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    # ------------------------------------------------------------------
    # Button
    # ------------------------------------------------------------------
    def action_retry(self):
        """Retry now: run the engine on these rows at once, whatever their backoff."""
        if not self.env.user.has_group("all_staff_marketing.group_manager"):
            raise UserError(
                self.env._("Only commission managers can retry queued commissions.")
            )
        queue = self.sudo()
        queue.env.cr.execute(
            SQL(
                "UPDATE asm_commission_queue SET retry_after = NULL WHERE id = ANY(%s)",
                self.ids,
            )
        )
        handled, created = queue._run_batch(len(self) or 1, ids=self.ids)
        queue._decide_quotas()
        failed = queue.browse(self.ids).exists().filtered("error")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else "success",
                "message": self.env._(
                    "%(done)s queued reconciliation(s) processed, %(lines)s commission "
                    "line(s) added, %(failed)s still failing.",
                    done=handled - len(failed),
                    lines=len(created),
                    failed=len(failed),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
