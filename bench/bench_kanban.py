#!/usr/bin/env python3
"""Benchmark: SQL queries the addon adds to the CRM pipeline (kanban of 80 cards).

Usage, on a throwaway database where ``all_staff_marketing`` is installed::

    BENCH_DB=asm_bench bash scripts/bench.sh bench/bench_kanban.py [--leads 80]
    python3 bench/bench_kanban.py -c .odoo/odoo.conf -d <db> [--leads 80]

Set-up (rolled back): 20 employees, 80 opportunities spread over the pipeline stages,
every one referred by one of them (so each card shows a referrer avatar, a grade badge
and points), read by a salesperson who sees all leads.

Measured: ``crm.lead.web_search_read`` with the fields specification the web client
builds from the kanban view returned by ``get_views`` (every field of the arch; a
relational field reads its ``display_name``), against the same specification
without the fields the addon's view adds. Printed: queries of each (warm caches,
best of 3), the extra queries (target <= 2) and times.
"""

import argparse
import sys
import time

from bench_commission import Clock, log, open_env
from lxml import etree

ADDON_VIEW = "all_staff_marketing.crm_lead_view_kanban_asm"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--leads", type=int, default=80)
    return parser.parse_args()


def arch_fields(arch):
    """Names of the fields of a view arch, not those of embedded sub-views."""
    names = []
    for node in etree.fromstring(arch).iter("field"):
        if any(parent.tag == "field" for parent in node.iterancestors()):
            continue
        if node.get("name") not in names:
            names.append(node.get("name"))
    return names


def specification(model, names):
    """What the web client asks for: relational fields read their display name."""
    spec = {}
    for name in names:
        field = model._fields[name]
        if field.type in ("many2one", "one2many", "many2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def build(env, count):
    company = env.ref("base.main_company")
    employees = env["hr.employee"].create(
        [{"name": f"Bench referrer {i}", "company_id": company.id} for i in range(20)]
    )
    stages = env["crm.stage"].search([], order="sequence")
    partners = env["res.partner"].create(
        [{"name": f"Bench prospect {i}", "is_company": True} for i in range(count)]
    )
    leads = env["crm.lead"].create(
        [
            {
                "name": f"Bench opportunity {i}",
                "type": "opportunity",
                "partner_id": partners[i].id,
                "stage_id": stages[i % len(stages)].id,
                "referrer_id": employees[i % 20].id,
                "company_id": company.id,
                "expected_revenue": 1000 * (i + 1),
            }
            for i in range(count)
        ]
    )
    user = env["res.users"].create(
        {
            "name": "Bench pipeline reader",
            "login": "bench_pipeline_reader",
            "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
            "groups_id": [
                (4, env.ref("sales_team.group_sale_salesman_all_leads").id),
                (4, env.ref("all_staff_marketing.group_participant").id),
            ],
        }
    )
    return leads, user


def run(env, args):
    leads, user = build(env, args.leads)
    env.flush_all()
    model = env["crm.lead"].with_user(user)
    views = model.get_views([(False, "kanban")])
    arch = views["views"]["kanban"]["arch"]
    names = arch_fields(arch)
    addon_names = set(arch_fields(env.ref(ADDON_VIEW).arch)) & set(names)
    full = specification(model, names)
    lean = {name: spec for name, spec in full.items() if name not in addon_names}
    log(f"kanban fields: {len(full)}; added by the addon: {sorted(addon_names)}")
    domain = [("id", "in", leads.ids)]
    figures = {}
    for label, spec in (("without", lean), ("with", full)) * 3:
        model.env.invalidate_all()
        with Clock(env.cr) as clock:
            result = model.web_search_read(domain, spec, limit=args.leads)
        assert len(result["records"]) == args.leads, result["length"]
        best = figures.get(label)
        if best is None or clock.queries < best[0]:
            figures[label] = (clock.queries, clock.seconds)
        elif clock.queries == best[0]:
            figures[label] = (clock.queries, min(clock.seconds, best[1]))
    for label in ("without", "with"):
        queries, seconds = figures[label]
        log(
            f"web_search_read of {args.leads} cards {label} the addon's fields: "
            f"{queries} queries, {seconds * 1000:.1f} ms"
        )
    extra = figures["with"][0] - figures["without"][0]
    log(f"extra queries of the addon's kanban fields: {extra} (target <= 2)")
    record = result["records"][0]
    log(f"a card: { {name: record[name] for name in sorted(addon_names)} }")


def main():
    args = parse_args()
    log(f"command: {' '.join(sys.argv)}")
    with open_env(args) as env:
        if "asm.commission.engine" not in env:
            sys.exit(f"all_staff_marketing is not installed in {args.database}")
        run(env, args)


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    log(f"total {time.perf_counter() - start:.0f} s")
