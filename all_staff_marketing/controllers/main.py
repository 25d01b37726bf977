# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, http
from odoo.http import content_disposition, request

from ..report.asm_statement_xlsx import XLSX_MIMETYPE


class StatementXlsxController(http.Controller):
    @http.route("/all_staff_marketing/statements/xlsx", type="http", auth="user")
    def statements_xlsx(
        self,
        ids="",
        company_id=None,
        date_from=None,
        date_to=None,
        layout="detail",
        **kwargs,
    ):
        """Selected statements (``ids``) or a company's period, as the user."""
        report = request.env["asm.statement.xlsx"]
        if company_id:
            company = request.env["res.company"].browse(int(company_id))
            report = report.with_company(company)
            statements = report._get_period_statements(
                company, fields.Date.to_date(date_from), fields.Date.to_date(date_to)
            )
        else:
            statement_ids = [int(sid) for sid in ids.split(",") if sid.isdigit()]
            statements = (
                request.env["asm.statement"]
                .with_context(allowed_company_ids=request.env.user.company_ids.ids)
                .browse(statement_ids)
            )
        content, filename = report._render(statements, layout)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
