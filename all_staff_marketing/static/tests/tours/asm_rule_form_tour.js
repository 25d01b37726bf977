/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Issue #24, item 6: a manager adds a commission rule for back-dated invoices
// from its form: its default sequence comes after the existing rule (no tie), the
// form says which invoices it applies to once Valid From is set, and it saves.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("asm_rule_form_tour", {
    url: "/odoo/action-all_staff_marketing.asm_commission_rule_action",
    steps: () => [
        {
            content: "New rule",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "Name",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Tour back-dated 2 %",
        },
        {
            content: "The new rule comes after the existing one (sequence 10): 20",
            trigger: ".o_form_view .o_field_widget[name=sequence] input",
            run() {
                if (this.anchor.value !== "20") {
                    throw new Error(`the default sequence is "${this.anchor.value}"`);
                }
            },
        },
        {
            content: "Rate 2 %",
            trigger: ".o_form_view .o_field_widget[name=rate] input",
            run: "edit 2",
        },
        {
            content: "Valid From: back to the first of January 2025",
            trigger: ".o_form_view .o_field_widget[name=date_from] input",
            run: "edit 01/01/2025",
        },
        {
            content: "Leave the date field",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "click",
        },
        {
            content: "The form says which invoices the rule applies to",
            trigger: ".o_form_view .alert[name=dates]:contains(01/01/2025)",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the breadcrumb shows its name",
            trigger: ".o_breadcrumb .active:contains(Tour back-dated 2 %)",
        },
    ],
});
