import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A reviewer partially approves the submitted claim on SN-A-1 (tests/test_claim_partial_approve.py):
// more than claimed is refused naming the line; then the labour lowered from 90 to 60, the off-BOM
// fuse approved at 0, a reason for the dealer.
const row = (text) => `.modal div[name="line_ids"] .o_data_row:contains("${text}")`;

registry.category("web_tour.tours").add("aftersales_partial_approve_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("aftersales.aftersales_menu_root", "Open the After-Sales app"),
        {
            content: "Open the Claims menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="aftersales.aftersales_menu_claims"]',
            run: "click",
        },
        {
            content: "Open the claims to review",
            trigger: '.dropdown-item[data-menu-xmlid="aftersales.aftersales_claim_menu_to_review"]',
            run: "click",
        },
        {
            content: "Open the claim on SN-A-1",
            trigger: '.o_list_view .o_data_row:contains("SN-A-1") td[name="name"]',
            run: "click",
        },
        {
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Submitted")',
        },
        {
            content: "Partially approve it",
            trigger: '.o_statusbar_buttons button[name="action_open_partial_approve"]',
            run: "click",
        },
        {
            content: "Every line is proposed at its claimed amount",
            trigger: `${row("Service labour")} td[name="amount_approved"]:contains("90.00")`,
        },
        {
            content: "Lower the labour",
            trigger: `${row("Service labour")} td[name="amount_approved"]`,
            run: "click",
        },
        {
            content: "Try more than the dealer claims",
            trigger: `${row("Service labour")}.o_selected_row [name="amount_approved"] input`,
            run: "edit 95",
        },
        {
            trigger: '.modal div[name="reason"] textarea',
            run: "edit Too much",
        },
        {
            trigger: '.modal-footer button[name="action_partial_approve"]',
            run: "click",
        },
        {
            content: "Refused, naming the line",
            trigger:
                '.o_error_dialog:contains("Service labour (per hour): the approved amount 95.0 is more than the claimed 90.0")',
        },
        {
            trigger: ".o_error_dialog .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Lower the labour instead",
            trigger: `body:not(:has(.o_error_dialog)) ${row("Service labour")} td[name="amount_approved"]`,
            run: "click",
        },
        {
            trigger: `${row("Service labour")}.o_selected_row [name="amount_approved"] input`,
            run: "edit 60",
        },
        {
            content: "Approve the fuse, not in the machine's service BOM, at 0",
            trigger: `${row("Test Fuse")} td[name="amount_approved"]`,
            run: "click",
        },
        {
            trigger: `${row("Test Fuse")}.o_selected_row [name="amount_approved"] input`,
            run: "edit 0",
        },
        {
            content: "Tell the dealer why",
            trigger: '.modal div[name="reason"] textarea',
            run: "edit Labour above the standard time",
        },
        {
            content: "The total follows the amounts",
            trigger: '.modal div[name="line_ids"] tfoot:contains("100.00")',
        },
        {
            content: "Approve these amounts",
            trigger: '.modal-footer button[name="action_partial_approve"]',
            run: "click",
        },
        {
            content: "The claim is partially approved",
            trigger:
                'body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains("Partially Approved")',
        },
        {
            content: "The reason is in the chatter",
            trigger: '.o-mail-Message:contains("Partially approved: Labour above the standard time")',
        },
    ],
});
