import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A reviewer at desktop size (tests/test_claim_reviewer_ui.py): the draft claim on SN-A-1 has no
// reviewer; the claims on SN-A-2 (dealer A, per claim) and SN-B-1 (dealer B, monthly) are
// submitted; the company's default reviewer is as_manager.
const row = (serial) => `.o_list_view .o_data_row:contains("${serial}")`;

function checkNotCut(content, trigger) {
    return {
        content,
        trigger,
        run() {
            const cell = this.anchor;
            if (cell.scrollWidth > cell.clientWidth) {
                throw new Error(`${content}: "${cell.textContent}" is cut off`);
            }
        },
    };
}

registry.category("web_tour.tours").add("aftersales_claim_reviewer_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("aftersales.aftersales_menu_root", "Open the After-Sales app"),
        {
            content: "Open the Claims menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="aftersales.aftersales_menu_claims"]',
            run: "click",
        },
        {
            content: "Open the warranty claims",
            trigger: '.dropdown-item[data-menu-xmlid="aftersales.aftersales_claim_menu"]',
            run: "click",
        },
        {
            trigger: '.o_breadcrumb .active:contains("Warranty Claims")',
        },
        checkNotCut("The claim number is whole", `${row("SN-A-1")} td[name="name"]`),
        checkNotCut("The serial number is whole", `${row("SN-A-1")} td[name="lot_id"]`),
        {
            content: "Open the draft claim on SN-A-1",
            trigger: `${row("SN-A-1")} td[name="name"]`,
            run: "click",
        },
        {
            content: "A draft: its lines can be added",
            trigger: 'div[name="line_ids"] .o_field_x2many_list_row_add',
        },
        {
            trigger: ".o_field_widget[name=reviewer_id] input",
            run() {
                if (this.anchor.value) {
                    throw new Error(`The draft already has a reviewer: ${this.anchor.value}`);
                }
            },
        },
        {
            content: "Submit it without a reviewer",
            trigger: '.o_statusbar_buttons button[name="action_submit"]',
            run: "click",
        },
        {
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Submitted")',
        },
        {
            content: "The default reviewer got it",
            trigger: ".o_field_widget[name=reviewer_id] input",
            run() {
                if (!this.anchor.value.includes("as_manager")) {
                    throw new Error(`Reviewer "${this.anchor.value}", not as_manager`);
                }
            },
        },
        {
            content: "with the review activity",
            trigger: '.o-mail-Activity:contains("as_manager")',
        },
        {
            content: "The lines are locked: no 'Add a line', no delete icon",
            trigger:
                'div[name="line_ids"] .o_data_row:contains("Test Filter")' +
                ':not(:has(.o_list_record_remove))',
        },
        {
            trigger: 'div[name="line_ids"]:not(:has(.o_field_x2many_list_row_add))',
        },
        {
            content: "Back to the claims",
            trigger: '.o_breadcrumb a:contains("Warranty Claims")',
            run: "click",
        },
        ...["SN-A-1", "SN-A-2", "SN-B-1"].map((serial) => ({
            content: `Select the claim on ${serial}`,
            trigger: `${row(serial)} .o_list_record_selector input[type="checkbox"]`,
            run: "click",
        })),
        {
            content: "Approve the three",
            trigger: '.o_list_selection_container button[name="action_approve"]',
            run: "click",
        },
        {
            content: "The reviewer is told what the approval did",
            trigger: '.o_notification:contains("3 approved, 2 credited")',
        },
        {
            content: "The list shows the new states",
            trigger: `${row("SN-B-1")} td[name="state"]:contains("Approved")`,
        },
        {
            trigger: `${row("SN-A-2")} td[name="state"]:contains("Settled")`,
        },
    ],
});
