import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The back office follows the demo recall: its progress per dealer, then files the campaign
// claim of an open machine from the campaign's machines.
registry.category("web_tour.tours").add("aftersales_campaign_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("aftersales.aftersales_menu_root", "Open the After-Sales app"),
        {
            content: "Open the Claims menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="aftersales.aftersales_menu_claims"]',
            run: "click",
        },
        {
            content: "Open the campaigns",
            trigger: '.dropdown-item[data-menu-xmlid="aftersales.aftersales_campaign_menu"]',
            run: "click",
        },
        {
            content: "Open the demo recall (active campaigns are listed first)",
            trigger: '.o_data_row td:contains("Compressor head gasket recall")',
            run: "click",
        },
        {
            content: "The recall is active",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Active")',
        },
        {
            content: "Open the progress per dealer",
            trigger: 'button[name="action_view_dealer_progress"]',
            run: "click",
        },
        {
            content: "The pivot lists the dealers",
            trigger: '.o_pivot .o_pivot_header_cell_closed, .o_pivot th:contains("Eastbank")',
        },
        {
            content: "Back to the recall",
            trigger: '.o_breadcrumb .breadcrumb-item a:contains("Compressor head gasket recall")',
            run: "click",
        },
        {
            content: "Open its machines",
            trigger: 'button[name="action_view_machines"]',
            run: "click",
        },
        {
            content: "File the campaign claim of AM-50-1002",
            trigger: '.o_data_row:contains("AM-50-1002") button[name="action_create_claim"]',
            run: "click",
        },
        {
            content: "A campaign claim, filled with the kit",
            trigger: '.o_form_view div[name="line_ids"] .o_data_row:contains("Compressor head assembly")',
        },
        {
            trigger: '.o_field_widget[name="campaign_id"] input:value("Compressor head gasket recall")',
        },
    ],
});
