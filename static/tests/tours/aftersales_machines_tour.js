import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("aftersales_machines_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("aftersales.aftersales_menu_root", "Open the After-Sales app"),
        {
            content: "Open the Archive menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="aftersales.aftersales_menu_archive"]',
            run: "click",
        },
        {
            content: "Open the Machines list",
            trigger: '.dropdown-item[data-menu-xmlid="aftersales.stock_lot_menu_machines"]',
            run: "click",
        },
        {
            content: "Search the tour machine by serial number",
            trigger: ".o_list_view .o_searchview_input",
            run: "edit TOUR-SN-0001",
        },
        {
            trigger: ".o_list_view .o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the machine",
            trigger: '.o_list_view .o_data_row td[name="name"]:contains("TOUR-SN-0001")',
            run: "click",
        },
        {
            content: "The form shows dealer, end user and warranty",
            trigger: '.o_form_view .o_field_widget[name="dealer_id"] input:value("Tour Dealer")',
        },
        {
            trigger: '.o_form_view .o_field_widget[name="end_user_id"] input:value("Tour End User")',
        },
        {
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Under warranty")',
        },
    ],
});
