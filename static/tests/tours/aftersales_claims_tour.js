import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const { DateTime } = luxon;

registry.category("web_tour.tours").add("aftersales_claims_tour", {
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
            content: "Wait for the claims list (the app opens on the machines list)",
            trigger: '.o_breadcrumb .active:contains("Warranty Claims")',
        },
        {
            content: "File a new claim",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the dealer",
            trigger: '.o_field_widget[name="dealer_id"] input',
            run: "edit Tour Claim Dealer",
        },
        {
            trigger: '.ui-menu-item a:contains("Tour Claim Dealer")',
            run: "click",
        },
        {
            content: "Enter the serial number of the failed machine",
            trigger: '.o_field_widget[name="lot_id"] input',
            run: "edit TOUR-CLAIM-SN",
        },
        {
            trigger: '.ui-menu-item a:contains("TOUR-CLAIM-SN")',
            run: "click",
        },
        {
            content: "The product and the end user come from the product archive",
            trigger: '.o_field_widget[name="product_id"] input:value("Tour Claim Pump")',
        },
        {
            trigger: '.o_field_widget[name="end_user_name"] input:value("Tour Claim End User")',
        },
        {
            content: "Enter the failure date",
            trigger: '.o_field_widget[name="failure_date"] input',
            run() {
                const day = DateTime.now().minus({ days: 3 });
                this.anchor.value = day.toFormat("MM/dd/yyyy");
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Add the replaced part",
            trigger: 'div[name="line_ids"] .o_field_x2many_list_row_add a',
            run: "click",
        },
        {
            trigger: 'div[name="line_ids"] .o_selected_row .o_list_many2one[name="product_id"] input',
            run: "edit Tour Claim Seal",
        },
        {
            trigger: '.ui-menu-item a:contains("Tour Claim Seal")',
            run: "click",
        },
        {
            content: "Priced from the dealer's price list",
            trigger: 'div[name="line_ids"] .o_selected_row [name="amount_claimed"]:contains("18.00")',
        },
        ...stepUtils.saveForm(),
        {
            content: "Submit the claim",
            trigger: '.o_statusbar_buttons button[name="action_submit"]',
            run: "click",
        },
        {
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Submitted")',
        },
        {
            content: "Approve it",
            trigger: '.o_statusbar_buttons button[name="action_approve"]',
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Credited to the dealer at once",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Settled")',
        },
        {
            trigger: 'button[name="action_view_refund"]',
        },
    ],
});
