"""Generate the web client's asset bundles once, before the browser tours.

HttpCase rolls back what each test wrote, so without this every tour would compile
and minify the bundles again (about 10 s per tour on 2 cores).
"""

import sys

import odoo
from odoo.tools import config

BUNDLES = ["web.assets_web", "web.__assets_tests_call__", "web.assets_tests"]

conf, dbname = sys.argv[1], sys.argv[2]
config.parse_config(["-c", conf, "-d", dbname, "--log-level=warn"])
registry = odoo.modules.registry.Registry.new(dbname)
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    for name in BUNDLES:
        bundle = env["ir.qweb"]._get_asset_bundle(name, css=True, js=True)
        bundle.js()
        bundle.css()
