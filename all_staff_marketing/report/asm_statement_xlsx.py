# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import unicodedata

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from odoo import api, fields, models
from odoo.exceptions import UserError

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
MIN_WIDTH = 6
MAX_WIDTH = 60


def _display_width(text):
    """Columns a text needs in a spreadsheet: East Asian wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class AsmStatementXlsx(models.AbstractModel):
    """Commission statements as XLSX workbooks.

    Built as the current user, without sudo: record rules decide what one may
    export, exactly as what one may read.
    """

    _name = "asm.statement.xlsx"
    _description = "Commission Statement XLSX Export"

    # -- entry points -----------------------------------------------------------
    @api.model
    def _action_download(self, statements):
        """Action downloading the detail workbook of the given statements."""
        if not statements:
            raise UserError(self.env._("Select the statements to export first."))
        ids = ",".join(str(sid) for sid in statements.ids)
        return {
            "type": "ir.actions.act_url",
            "url": f"/all_staff_marketing/statements/xlsx?ids={ids}",
            "target": "self",
        }

    @api.model
    def _get_period_statements(self, company, date_from, date_to):
        """Statements of a company whose period ends within the given dates."""
        return self.env["asm.statement"].search(
            [
                ("company_id", "=", company.id),
                ("date_to", ">=", date_from),
                ("date_to", "<=", date_to),
                ("state", "!=", "cancel"),
            ]
        )

    @api.model
    def _render(self, statements, layout="detail"):
        """Return ``(content, file name)`` of the workbook for these statements."""
        if layout == "summary":
            return self._render_summary(statements), self._get_filename(
                statements, self.env._("Reward Statement")
            )
        return self._render_detail(statements), self._get_filename(
            statements, self.env._("Commission Statements")
        )

    @api.model
    def _get_filename(self, statements, title):
        parts = [title, statements.company_id[:1].name or ""]
        if statements:
            parts.append(
                f"{min(statements.mapped('date_from'))}_"
                f"{max(statements.mapped('date_to'))}"
            )
        return " ".join(part for part in parts if part) + ".xlsx"

    # -- detail: one sheet per employee -----------------------------------------
    @api.model
    def _get_detail_columns(self):
        """Columns of the employee sheets; extend to add figures (e.g. the rule)."""
        roles = dict(
            self.env["asm.commission.line"]
            ._fields["role"]
            ._description_selection(self.env)
        )
        # Many2one references show their name as the web client does (display
        # names are read with sudo there too): an employee sees the number of the
        # invoice that earned their line without invoicing rights.
        return [
            {
                "key": "statement",
                "header": self.env._("Statement"),
                "type": "text",
                "value": lambda line: line.statement_id.name,
            },
            {
                "key": "date",
                "header": self.env._("Date"),
                "type": "date",
                "value": lambda line: line.date,
            },
            {
                "key": "description",
                "header": self.env._("Description"),
                "type": "text",
                "value": lambda line: line.name,
            },
            {
                "key": "role",
                "header": self.env._("Role"),
                "type": "text",
                "value": lambda line: roles.get(line.role),
            },
            {
                "key": "customer",
                "header": self.env._("Customer"),
                "type": "text",
                "value": lambda line: line.partner_id.sudo().display_name,
            },
            {
                "key": "invoice",
                "header": self.env._("Invoice"),
                "type": "text",
                "value": lambda line: line.invoice_id.sudo().display_name,
            },
            {
                "key": "payment",
                "header": self.env._("Payment"),
                "type": "text",
                "value": lambda line: line.payment_move_id.sudo().display_name,
            },
            {
                "key": "rule",
                "header": self.env._("Rule"),
                "type": "text",
                "value": lambda line: line.rule_id.sudo().display_name,
            },
            {
                "key": "base",
                "header": self.env._("Base"),
                "type": "money",
                # no total: invoice bases, fees and reward amounts do not add up
                # (the summary sheet's Collected counts each payment once)
                "total": False,
                "value": lambda line: line.base_amount,
            },
            {
                "key": "rate",
                "header": self.env._("Rate (%)"),
                "type": "number",
                "value": lambda line: line.rate,
            },
            {
                "key": "tier",
                "header": self.env._("Tier"),
                "type": "text",
                "value": lambda line: line.tier_label,
            },
            {
                "key": "multiplier",
                "header": self.env._("Multiplier"),
                "type": "number",
                "value": lambda line: line.multiplier,
            },
            {
                "key": "share",
                "header": self.env._("Share (%)"),
                "type": "number",
                "value": lambda line: line.share,
            },
            {
                "key": "gross",
                "header": self.env._("Gross"),
                "type": "money",
                "total": True,
                "value": lambda line: line.gross_amount,
            },
            {
                "key": "days_late",
                "header": self.env._("Days Late"),
                "type": "integer",
                "value": lambda line: line.days_late,
            },
            {
                "key": "deduction",
                "header": self.env._("Deduction (%)"),
                "type": "number",
                "value": lambda line: line.deduction_pct,
            },
            {
                "key": "net",
                "header": self.env._("Net"),
                "type": "money",
                "total": True,
                "value": lambda line: line.amount,
            },
            {
                "key": "reason",
                "header": self.env._("Reason"),
                "type": "text",
                "value": lambda line: line.explanation,
            },
        ]

    @api.model
    def _render_detail(self, statements):
        """Workbook with a sheet per employee listing every line; bytes."""
        statements = statements.sorted(
            lambda s: (s.employee_id.name or "", s.date_from, s.id)
        )
        columns = self._get_detail_columns()
        lines_by_employee = {}
        for line in statements.line_ids.sorted(
            lambda line: (line.statement_id.date_from, line.date, line.id)
        ):
            lines_by_employee.setdefault(line.statement_id.employee_id, []).append(line)
        output = io.BytesIO()
        book, formats = self._new_workbook(output, statements.company_id[:1])
        used_names = set()
        for employee in statements.employee_id:
            sheet = book.add_worksheet(self._sheet_name(employee.name, used_names))
            rows = [
                [column["value"](line) for column in columns]
                for line in lines_by_employee.get(employee, [])
            ]
            self._write_table(sheet, formats, columns, rows)
        if not statements:
            self._write_table(book.add_worksheet(), formats, columns, [])
        book.close()
        return output.getvalue()

    # -- summary: the period's reward statement ---------------------------------
    @api.model
    def _get_summary_figures(self, statements):
        """Deals, collected amount, gross and net per statement id."""
        figures = {
            statement.id: {"deals": set(), "payments": {}, "gross": 0.0, "net": 0.0}
            for statement in statements
        }
        for line in statements.line_ids:
            figure = figures[line.statement_id.id]
            figure["gross"] += line.gross_amount
            figure["net"] += line.amount
            if line.invoice_id:
                figure["deals"].add(line.invoice_id.id)
            if line.payment_move_id:
                # one collection counts once even if it earned several lines
                key = (line.invoice_id.id, line.payment_move_id.id)
                figure["payments"][key] = line.base_amount
        return {
            statement_id: {
                "deals": len(figure["deals"]),
                "collected": sum(figure["payments"].values()),
                "gross": figure["gross"],
                "deductions": figure["gross"] - figure["net"],
                "net": figure["net"],
            }
            for statement_id, figure in figures.items()
        }

    @api.model
    def _get_summary_columns(self, figures):
        """Columns of the reward statement; ``figures`` from _get_summary_figures."""
        states = dict(
            self.env["asm.statement"]._fields["state"]._description_selection(self.env)
        )
        return [
            {
                "key": "statement",
                "header": self.env._("Statement"),
                "type": "text",
                "value": lambda st: st.name,
            },
            {
                "key": "employee",
                "header": self.env._("Employee"),
                "type": "text",
                "value": lambda st: st.employee_id.name,
            },
            {
                "key": "department",
                "header": self.env._("Department"),
                "type": "text",
                "value": lambda st: st.department_id.display_name,
            },
            {
                "key": "date_from",
                "header": self.env._("From"),
                "type": "date",
                "value": lambda st: st.date_from,
            },
            {
                "key": "date_to",
                "header": self.env._("To"),
                "type": "date",
                "value": lambda st: st.date_to,
            },
            {
                "key": "deals",
                "header": self.env._("Deals"),
                "type": "integer",
                "total": True,
                "value": lambda st: figures[st.id]["deals"],
            },
            {
                "key": "collected",
                "header": self.env._("Collected"),
                "type": "money",
                "total": True,
                "value": lambda st: figures[st.id]["collected"],
            },
            {
                "key": "gross",
                "header": self.env._("Gross"),
                "type": "money",
                "total": True,
                "value": lambda st: figures[st.id]["gross"],
            },
            {
                "key": "deductions",
                "header": self.env._("Deductions"),
                "type": "money",
                "total": True,
                "formula": "={gross}{row}-{net}{row}",
                "value": lambda st: figures[st.id]["deductions"],
            },
            {
                "key": "net",
                "header": self.env._("Net"),
                "type": "money",
                "total": True,
                "value": lambda st: figures[st.id]["net"],
            },
            {
                "key": "status",
                "header": self.env._("Status"),
                "type": "text",
                "value": lambda st: states.get(st.state),
            },
        ]

    @api.model
    def _render_summary(self, statements):
        """Workbook with one row per statement (employee, deals, amounts); bytes."""
        statements = statements.sorted(
            lambda s: (s.employee_id.name or "", s.date_from, s.id)
        )
        columns = self._get_summary_columns(self._get_summary_figures(statements))
        rows = [[column["value"](st) for column in columns] for st in statements]
        output = io.BytesIO()
        book, formats = self._new_workbook(output, statements.company_id[:1])
        sheet = book.add_worksheet(
            self._sheet_name(self.env._("Reward Statement"), set())
        )
        self._write_table(sheet, formats, columns, rows)
        book.close()
        return output.getvalue()

    # -- writing ------------------------------------------------------------------
    @api.model
    def _money_format(self, currency):
        """Excel number format showing the currency symbol where it belongs."""
        decimals = currency.decimal_places
        number = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        symbol = (currency.symbol or currency.name or "").replace('"', "")
        if currency.position == "before":
            positive = f'"{symbol}"{number}'
        else:
            positive = f'{number} "{symbol}"'
        return f"{positive};-{positive}"

    @api.model
    def _new_workbook(self, output, company):
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        book.set_properties(
            {"title": self.env._("Commission Statements"), "company": company.name}
        )
        currency = company.currency_id or self.env.company.currency_id
        money = self._money_format(currency)
        formats = {
            "header": book.add_format(
                {"bold": True, "bg_color": "#D9E1F2", "bottom": 1, "valign": "top"}
            ),
            "text": None,
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "money": book.add_format({"num_format": money}),
            "number": book.add_format({"num_format": "0.00##"}),
            "integer": book.add_format({"num_format": "0"}),
            "total_label": book.add_format({"bold": True, "top": 1}),
            "total_money": book.add_format(
                {"bold": True, "top": 1, "num_format": money}
            ),
            "total_integer": book.add_format(
                {"bold": True, "top": 1, "num_format": "0"}
            ),
        }
        formats["currency"] = currency
        return book, formats

    @api.model
    def _sheet_name(self, name, used):
        """A valid, unique worksheet name (31 characters, no []:*?/\\)."""
        base = (name or "-").translate(SHEET_NAME_FORBIDDEN).strip("' ") or "-"
        candidate = base[:SHEET_NAME_MAX]
        counter = 2
        while candidate.lower() in used:
            suffix = f" ({counter})"
            candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            counter += 1
        used.add(candidate.lower())
        return candidate

    @api.model
    def _cell_text(self, kind, value, currency):
        """The text a cell displays, to size its column."""
        if value is None or value is False or value == "":
            return ""
        if kind == "date":
            return "0000-00-00"
        if kind == "money":
            return f"{value:,.{max(currency.decimal_places, 0)}f} {currency.symbol}"
        if kind == "number":
            return f"{value:,.4f}".rstrip("0")
        return str(value)

    @api.model
    def _write_table(self, sheet, formats, columns, rows):
        """Header row (frozen), one row per value list, then a total row."""
        currency = formats["currency"]
        letters = {col["key"]: xl_col_to_name(i) for i, col in enumerate(columns)}
        widths = [_display_width(col["header"]) for col in columns]
        for col_index, column in enumerate(columns):
            sheet.write_string(0, col_index, column["header"], formats["header"])
        for row_index, values in enumerate(rows, start=1):
            for col_index, (column, value) in enumerate(
                zip(columns, values, strict=True)
            ):
                kind = column["type"]
                fmt = formats[kind]
                if column.get("formula"):
                    formula = column["formula"].format(row=row_index + 1, **letters)
                    sheet.write_formula(row_index, col_index, formula, fmt, value or 0)
                elif value is None or value is False or value == "":
                    sheet.write_blank(row_index, col_index, None, fmt)
                elif kind == "date":
                    sheet.write_datetime(
                        row_index, col_index, fields.Date.to_date(value), fmt
                    )
                elif kind in ("money", "number", "integer"):
                    sheet.write_number(row_index, col_index, value, fmt)
                else:
                    sheet.write_string(row_index, col_index, str(value), fmt)
                widths[col_index] = max(
                    widths[col_index],
                    _display_width(self._cell_text(kind, value, currency)),
                )
        total_row = len(rows) + 1
        sheet.write_string(total_row, 0, self.env._("Total"), formats["total_label"])
        for col_index, column in enumerate(columns):
            if not column.get("total"):
                continue
            total = sum(values[col_index] or 0 for values in rows)
            fmt = formats[
                "total_integer" if column["type"] == "integer" else "total_money"
            ]
            letter = letters[column["key"]]
            formula = f"=SUM({letter}2:{letter}{total_row})" if rows else "=0"
            sheet.write_formula(total_row, col_index, formula, fmt, total)
            widths[col_index] = max(
                widths[col_index],
                _display_width(self._cell_text(column["type"], total, currency)),
            )
        for col_index, width in enumerate(widths):
            sheet.set_column(
                col_index, col_index, min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
            )
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
