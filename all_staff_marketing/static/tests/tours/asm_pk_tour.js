/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A manager opens the PK competitions, sees the live ranking on the kanban card,
// opens the competition and closes it: the audit (tier validation) is requested.
// Stable selectors only: runs in zh_CN too.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("asm_pk_tour", {
    url: "/odoo/action-all_staff_marketing.asm_pk_competition_action",
    steps: () => [
        {
            content: "The PK competitions are in the addon's menu",
            trigger: ".o_main_navbar [data-menu-xmlid='all_staff_marketing.asm_pk_competition_menu']",
        },
        {
            content: "The card shows the ranking, the leading team first",
            trigger: ".o_kanban_record:not(.o_kanban_ghost) .o_asm_pk_ranking tbody tr:first-child:contains(Tour Lions)",
        },
        {
            content: "Open the competition",
            trigger: ".o_kanban_record:not(.o_kanban_ghost):contains(Tour PK)",
            run: "click",
        },
        {
            content: "The form shows the ranking",
            trigger: ".o_form_view .o_asm_pk_ranking:contains(Tour Tigers)",
        },
        {
            content: "Close the competition and request the audit",
            trigger: ".o_form_view button[name=action_close]",
            run: "click",
        },
        {
            content: "The audit is requested: the Validate button appears",
            trigger: ".o_form_view button[name=validate_tier]",
        },
    ],
});
