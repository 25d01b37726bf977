"""The commission-line table keeps only the indexes a read path needs (issue 9).

Every generated line pays for each index it enters (bench/bench_commission.py
--indexes measures it); the reasons of each kept index are next to its field in
models/asm_commission_line.py.
"""

from .common import AsmCase

KEPT = {
    # primary key and the idempotency key of generated lines
    "asm_commission_line_pkey": "(id)",
    "asm_commission_line_key_uniq": "(key)",
    # full indexes: every line has a value
    "asm_commission_line_employee_date_index": "(employee_id, date)",
    "asm_commission_line__date_index": "(date)",
    # partial indexes: null on the lines that do not need them
    "asm_commission_line__partial_id_index": "(partial_id) WHERE",
    "asm_commission_line__invoice_id_index": "(invoice_id) WHERE",
    "asm_commission_line__invoice_line_id_index": "(invoice_line_id) WHERE",
    "asm_commission_line__payment_move_id_index": "(payment_move_id) WHERE",
    "asm_commission_line__statement_id_index": "(statement_id) WHERE",
    "asm_commission_line__reversed_line_id_index": "(reversed_line_id) WHERE",
    "asm_commission_line__lead_id_index": "(lead_id) WHERE",
    "asm_commission_line__award_id_index": "(award_id) WHERE",
    # the quota decisions: on-hold lines only
    "asm_commission_line_on_hold_index": "(employee_id, date) WHERE",
}


class TestLineIndexes(AsmCase):
    def test_only_the_indexes_of_read_paths(self):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'asm_commission_line'"
        )
        indexes = dict(self.env.cr.fetchall())
        self.assertEqual(set(indexes), set(KEPT))
        for name, columns in KEPT.items():
            self.assertIn(f"USING btree {columns}", indexes[name], name)
        # the unique key is what stops two workers from paying a line twice
        self.assertTrue(
            indexes["asm_commission_line_key_uniq"].startswith("CREATE UNIQUE")
        )

    def test_update_drops_the_indexes_of_earlier_versions(self):
        cr = self.env.cr
        old = [
            f"asm_commission_line__{column}_index"
            for column in ("company_id", "state", "partner_id", "employee_id")
        ]
        for name, column in zip(
            old, ("company_id", "state", "partner_id", "employee_id"), strict=True
        ):
            cr.execute(f"CREATE INDEX {name} ON asm_commission_line ({column})")
        self.env["asm.commission.line"].init()
        cr.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [old])
        self.assertFalse(cr.fetchall())
