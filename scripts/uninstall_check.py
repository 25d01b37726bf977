"""Uninstall the payroll bridge, then the core addon; check nothing is left."""

import sys

import odoo
from odoo.tools import config

conf, dbname = sys.argv[1], sys.argv[2]
config.parse_config(["-c", conf, "-d", dbname, "--log-level=info"])
registry = odoo.modules.registry.Registry.new(dbname)
for name in ("all_staff_marketing_payroll", "all_staff_marketing"):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        module = env["ir.module.module"].search([("name", "=", name)])
        module.button_immediate_uninstall()
    registry = odoo.modules.registry.Registry(dbname)
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    states = (
        env["ir.module.module"]
        .search(
            [("name", "in", ["all_staff_marketing", "all_staff_marketing_payroll"])]
        )
        .mapped("state")
    )
    left = env["ir.model"].search_count([("model", "=like", "asm.%")])
    if set(states) != {"uninstalled"} or left:
        sys.exit(
            f"uninstall incomplete: module states {states}, {left} asm.* models left"
        )
print("uninstalled cleanly")
