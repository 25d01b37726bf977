import re
from pathlib import Path

from odoo.modules.module import get_module_path

from .common import AsmCase

PAYROLL_REFERENCE = re.compile(r"hr\.payslip|hr\.salary|\bpayroll\.\w|hr_payroll")


class TestCoreWithoutPayroll(AsmCase):
    """The core addon must install on a database without OCA payroll."""

    def _dependency_closure(self, name):
        Module = self.env["ir.module.module"]
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += Module.search([("name", "=", current)]).dependencies_id.mapped(
                    "name"
                )
        return seen

    def test_core_does_not_depend_on_payroll(self):
        core = self._dependency_closure("all_staff_marketing")
        self.assertIn("base_tier_validation", core)
        self.assertFalse({name for name in core if "payroll" in name})
        bridge = self._dependency_closure("all_staff_marketing_payroll")
        self.assertTrue({"all_staff_marketing", "payroll"} <= bridge)

    def test_core_code_does_not_reference_payroll(self):
        root = Path(get_module_path("all_staff_marketing"))
        offenders = [
            str(path.relative_to(root))
            for path in root.rglob("*")
            if path.suffix in (".py", ".xml", ".csv")
            and PAYROLL_REFERENCE.search(path.read_text(encoding="utf-8"))
        ]
        self.assertEqual(offenders, [])

    def test_core_fields_do_not_point_to_payroll(self):
        field_ids = (
            self.env["ir.model.data"]
            .search(
                [
                    ("module", "=", "all_staff_marketing"),
                    ("model", "=", "ir.model.fields"),
                ]
            )
            .mapped("res_id")
        )
        fields = self.env["ir.model.fields"].browse(field_ids)
        self.assertTrue(fields)
        self.assertFalse(fields.filtered(lambda f: "payslip" in (f.relation or "")))
        payslip_link = self.env["ir.model.fields"]._get("asm.statement", "payslip_id")
        self.assertEqual(payslip_link.modules, "all_staff_marketing_payroll")
