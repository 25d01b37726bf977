/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Issue #24, items 1-2: a manager creates a PK competition from its form, adds a
// team in the dialog with a hand-picked member who has no department, sees the
// fee of the level chosen before anything is saved, and saves the competition.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("asm_pk_form_tour", {
    url: "/odoo/action-all_staff_marketing.asm_pk_competition_action",
    steps: () => [
        {
            content: "New competition",
            trigger: ".o_control_panel .o-kanban-button-new",
            run: "click",
        },
        {
            content: "Name",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Tour Form PK",
        },
        {
            content: "Start date",
            trigger: ".o_form_view .o_field_widget[name=date_start] input",
            run: "edit 03/01/2026",
        },
        {
            content: "End date",
            trigger: ".o_form_view .o_field_widget[name=date_end] input",
            run: "edit 03/31/2026",
        },
        {
            content: "Teams tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=teams]",
            run: "click",
        },
        {
            content: "Add a team",
            trigger: ".o_form_view .o_field_widget[name=team_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Team name",
            trigger: ".modal .o_form_view .o_field_widget[name=name] input",
            run: "edit Tour Eagles",
        },
        {
            content: "Add a member",
            trigger: ".modal .o_field_widget[name=member_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Look for the employee without a department",
            trigger: ".modal .o_field_widget[name=member_ids] .o_data_row .o_field_widget[name=employee_id] input",
            run: "edit Nadia",
        },
        {
            content: "The picker finds her",
            trigger: ".o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains(Nadia NoDept)",
            run: "click",
        },
        {
            content: "Her level comes from her employee (staff): fee 100.00",
            trigger: ".modal .o_field_widget[name=member_ids] .o_data_row .o_field_widget[name=fee]:contains(100.00)",
        },
        {
            content: "Make her a supervisor",
            trigger: ".modal .o_field_widget[name=member_ids] .o_data_row .o_field_widget[name=level] select",
            run: 'select "supervisor"',
        },
        {
            content: "The fee follows the level before saving: 200.00",
            trigger: ".modal .o_field_widget[name=member_ids] .o_data_row .o_field_widget[name=fee]:contains(200.00)",
        },
        {
            content: "Save the team",
            trigger: ".modal .modal-footer .o_form_button_save",
            run: "click",
        },
        {
            content: "The team is listed with one member",
            trigger: ".o_form_view .o_field_widget[name=team_ids] .o_data_row:contains(Tour Eagles) .o_data_cell[name=member_count]:contains(1)",
        },
        {
            content: "Save the competition",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the breadcrumb shows its name instead of New",
            trigger: ".o_breadcrumb .active:contains(Tour Form PK)",
        },
    ],
});
