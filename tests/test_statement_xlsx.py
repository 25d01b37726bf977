import io
from datetime import datetime

from openpyxl import load_workbook

from odoo.exceptions import AccessError, UserError, ValidationError

from .statement_common import StatementCase


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


class TestStatementXlsx(StatementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Xlsx = cls.env["asm.statement.xlsx"]
        cls.all_statements = cls.alice_march | cls.alice_may | cls.bob_march

    def _book(self, content):
        return load_workbook(io.BytesIO(content))

    def test_detail_one_sheet_per_employee(self):
        content, filename = self.Xlsx._render(self.all_statements, "detail")
        self.assertTrue(filename.endswith(".xlsx"))
        self.assertIn("2025-03-01_2025-05-31", filename)
        book = self._book(content)
        self.assertEqual(book.sheetnames, ["Alice Zhang", "Bob Li"])
        sheet = book["Alice Zhang"]
        rows = _rows(sheet)
        header = rows[0]
        self.assertEqual(
            header,
            [
                "Statement",
                "Date",
                "Description",
                "Role",
                "Customer",
                "Invoice",
                "Payment",
                "Rule",
                "Base",
                "Rate (%)",
                "Tier",
                "Multiplier",
                "Share (%)",
                "Gross",
                "Days Late",
                "Deduction (%)",
                "Net",
                "Reason",
            ],
        )
        col = {name: index for index, name in enumerate(header)}
        lines, total = rows[1:-1], rows[-1]
        self.assertEqual(len(lines), 3, "600 in March, 200 and 6,300 in May")
        late = next(row for row in lines if row[col["Days Late"]] == 75)
        self.assertEqual(late[col["Net"]], 200.0)
        self.assertEqual(late[col["Gross"]], 400.0)
        self.assertEqual(late[col["Deduction (%)"]], 50.0)
        self.assertEqual(late[col["Base"]], 40000.0)
        self.assertEqual(late[col["Date"]], datetime(2025, 5, 15))
        self.assertEqual(late[col["Customer"]], "Green Farm Co.")
        self.assertEqual(late[col["Role"]], "Referrer")
        self.assertEqual(lines[0][col["Date"]], datetime(2025, 3, 15), "by period")
        for row in lines:
            self.assertIsInstance(row[col["Net"]], (int, float))
        # totals are formulas over the line rows
        self.assertEqual(total[0], "Total")
        self.assertEqual(total[col["Net"]], "=SUM(Q2:Q4)")
        self.assertEqual(total[col["Gross"]], "=SUM(N2:N4)")
        # issue #24 item 10: bases (invoice amounts, fees, rewards) have no total
        self.assertIsNone(total[col["Base"]])
        self.assertEqual(sum(row[col["Net"]] for row in lines), 7100.0)
        # formats: company currency, real dates, frozen header, fitted widths
        net_cell = sheet.cell(row=2, column=col["Net"] + 1)
        self.assertEqual(net_cell.number_format, '"$"#,##0.00;-"$"#,##0.00')
        self.assertTrue(sheet.cell(row=2, column=col["Date"] + 1).is_date)
        self.assertEqual(sheet.freeze_panes, "A2")
        width = sheet.column_dimensions["C"].width
        self.assertGreaterEqual(width, len("Invoice 100,000: 40,000 paid on 15 May"))
        self.assertEqual(_rows(book["Bob Li"])[1][col["Net"]], 300.0)

    def test_summary_row_per_employee(self):
        wizard = self.env["asm.statement.export.wizard"].create(
            {
                "company_id": self.company.id,
                "date_from": "2025-03-01",
                "date_to": "2025-05-31",
                "layout": "summary",
            }
        )
        self.assertEqual(wizard._get_statements(), self.all_statements)
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn("layout=summary", action["url"])
        self.assertIn("date_to=2025-05-31", action["url"])
        content, __ = self.Xlsx._render(wizard._get_statements(), "summary")
        book = self._book(content)
        self.assertEqual(book.sheetnames, ["Reward Statement"])
        rows = _rows(book.active)
        header = rows[0]
        self.assertEqual(
            header,
            [
                "Statement",
                "Employee",
                "Department",
                "From",
                "To",
                "Deals",
                "Collected",
                "Gross",
                "Deductions",
                "Net",
                "Status",
            ],
        )
        col = {name: index for index, name in enumerate(header)}
        body = {
            (row[col["Employee"]], row[col["From"]].month): row for row in rows[1:-1]
        }
        self.assertEqual(len(body), 3)
        may = body["Alice Zhang", 5]
        self.assertEqual(may[col["Department"]], "Customer Success 1")
        self.assertEqual(may[col["Gross"]], 6700.0)
        self.assertEqual(may[col["Net"]], 6500.0)
        self.assertEqual(may[col["Deductions"]], "=H3-J3", "gross - net, a formula")
        self.assertEqual(may[col["Status"]], "Draft")
        bob = body["Bob Li", 3]
        self.assertEqual(bob[col["Department"]], "Back Office")
        self.assertEqual(bob[col["Net"]], 300.0)
        self.assertEqual(rows[-1][col["Net"]], "=SUM(J2:J4)")
        self.assertEqual(rows[-1][col["Deductions"]], "=SUM(I2:I4)")

    def test_summary_deals_and_collected(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2025-03-01",
                "invoice_line_ids": [
                    (0, 0, {"name": "Vegetables", "quantity": 1, "price_unit": 100.0})
                ],
            }
        )
        self.alice_march.line_ids.invoice_id = invoice
        self.alice_march.line_ids.rule_id = self.env["asm.commission.rule"].create(
            {"name": "1 % of collected", "rate": 1.0}
        )
        self.alice_may.line_ids[0].invoice_id = invoice
        figures = self.Xlsx._get_summary_figures(self.all_statements)
        self.assertEqual(figures[self.alice_march.id]["deals"], 1)
        self.assertEqual(figures[self.alice_may.id]["deals"], 1)
        self.assertEqual(figures[self.bob_march.id]["deals"], 0)
        self.assertEqual(figures[self.alice_may.id]["deductions"], 200.0)
        content, __ = self.Xlsx._render(self.alice_march, "detail")
        rows = _rows(self._book(content).active)
        self.assertEqual(rows[1][rows[0].index("Invoice")], invoice.display_name)
        self.assertEqual(rows[1][rows[0].index("Rule")], "1 % of collected")

    def test_headers_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        xlsx = self.Xlsx.with_context(lang="zh_CN")
        content, filename = xlsx._render(self.alice_may, "detail")
        self.assertTrue(filename.startswith("提成结算单"))
        rows = _rows(self._book(content).active)
        self.assertEqual(rows[0][:2], ["结算单", "日期"])
        self.assertEqual(rows[0][7], "规则")
        self.assertEqual(rows[0][16], "实发金额")
        self.assertEqual(rows[-1][0], "合计")
        content, __ = xlsx._render(self.alice_may, "summary")
        book = self._book(content)
        self.assertEqual(book.sheetnames, ["销售奖励统计表"])
        self.assertEqual(_rows(book.active)[0][1], "员工")

    def test_money_format_follows_the_currency(self):
        cny = self.env.ref("base.CNY")
        eur = self.env.ref("base.EUR")
        self.assertEqual(cny.position, "before")
        self.assertEqual(self.Xlsx._money_format(cny), '"¥"#,##0.00;-"¥"#,##0.00')
        self.assertEqual(eur.position, "after")
        self.assertEqual(self.Xlsx._money_format(eur), '#,##0.00 "€";-#,##0.00 "€"')
        self.assertEqual(
            self.Xlsx._money_format(self.env.ref("base.JPY")),
            '"¥"#,##0;-"¥"#,##0',
        )

    def test_sheet_names_are_valid_and_unique(self):
        used = set()
        self.assertEqual(self.Xlsx._sheet_name("A/B: C?", used), "A B  C")
        long_name = "Zhang " * 10
        first = self.Xlsx._sheet_name(long_name, used)
        second = self.Xlsx._sheet_name(long_name, used)
        self.assertEqual(len(first), 31)
        self.assertLessEqual(len(second), 31)
        self.assertTrue(second.endswith("(2)"))

    def test_download_action_from_the_list(self):
        action = (
            self.env.ref("all_staff_marketing.asm_statement_action_export_xlsx")
            .with_context(
                active_model="asm.statement",
                active_ids=(self.alice_march | self.bob_march).ids,
            )
            .run()
        )
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(
            action["url"],
            "/all_staff_marketing/statements/xlsx?ids="
            f"{self.alice_march.id},{self.bob_march.id}",
        )
        with self.assertRaises(UserError):
            self.Xlsx._action_download(self.Statement)

    def test_participant_downloads_only_their_own(self):
        xlsx = self.Xlsx.with_user(self.user_alice)
        own = self.alice_march.with_user(self.user_alice)
        content, __ = xlsx._render(own | self.alice_may.with_user(self.user_alice))
        self.assertEqual(self._book(content).sheetnames, ["Alice Zhang"])
        with self.assertRaises(AccessError):
            xlsx._render(self.bob_march.with_user(self.user_alice), "detail")
        with self.assertRaises(AccessError):
            xlsx._render(self.bob_march.with_user(self.user_alice), "summary")
        # by period, the wizard finds only what the participant may read
        wizard = (
            self.env["asm.statement.export.wizard"]
            .with_user(self.user_alice)
            .create({"date_from": "2025-03-01", "date_to": "2025-03-31"})
        )
        self.assertEqual(wizard._get_statements(), self.alice_march)
        content, __ = xlsx._render(wizard._get_statements(), "summary")
        rows = _rows(self._book(content).active)
        self.assertEqual([row[1] for row in rows[1:-1]], ["Alice Zhang"])

    def test_officer_exports_the_team(self):
        wizard = (
            self.env["asm.statement.export.wizard"]
            .with_user(self.user_officer)
            .create({"date_from": "2025-03-01", "date_to": "2025-05-31"})
        )
        self.assertEqual(wizard._get_statements(), self.alice_march | self.alice_may)

    def test_wizard_checks_the_period(self):
        Wizard = self.env["asm.statement.export.wizard"]
        with self.assertRaises(ValidationError):
            Wizard.create({"date_from": "2025-04-01", "date_to": "2025-03-01"})
        empty = Wizard.create({"date_from": "2024-01-01", "date_to": "2024-01-31"})
        with self.assertRaises(UserError):
            empty.action_export()
        self.assertTrue(Wizard.create({}).date_from)
