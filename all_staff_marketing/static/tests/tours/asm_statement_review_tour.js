/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A reviewer opens the statements waiting for their review (base_tier_validation's
// review menu: can_review = True) and validates one with a comment.
// Stable selectors only: runs in zh_CN too.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("asm_statement_review_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the reviews menu",
            trigger: ".o_menu_systray .fa-pencil-square-o",
            run: "click",
        },
        {
            content: "Statements to review by me",
            trigger: ".o-mail-ActivityGroup[data-model_name='asm.statement']",
            run: "click",
        },
        {
            content: "Open the statement",
            trigger: ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost)",
            run: "click",
        },
        {
            content: "Validate",
            trigger: ".o_form_view button[name=validate_tier]",
            run: "click",
        },
        {
            content: "Comment",
            trigger: ".modal .o_field_widget[name=comment] input",
            run: "edit Checked against the bank",
        },
        {
            content: "Confirm the validation",
            trigger: ".modal button[name=add_comment]",
            run: "click",
        },
        {
            content: "My review is done: no Validate button any more",
            trigger: "body:not(:has(.modal)) .o_form_view:not(:has(button[name=validate_tier]))",
        },
    ],
});
