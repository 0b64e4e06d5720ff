import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("aftersales_portal_claim_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the dealer's machines from the portal home",
            trigger: 'a[href="/my/machines"]',
            run: "click",
        },
        {
            content: "Open the machine just delivered",
            trigger: 'a:contains("TOUR-PORTAL-SN")',
            run: "click",
        },
        {
            content: "Register it to a new end user",
            trigger: '.o_aftersales_register_form input[name="name"]',
            run: "edit Tour Portal Farm",
        },
        {
            trigger: '.o_aftersales_register_form input[name="phone"]',
            run: "edit +1 555 0188",
        },
        {
            trigger: ".o_aftersales_register",
            run: "click",
        },
        {
            content: "The warranty has started",
            trigger: '.o_aftersales_success:contains("warranty has started")',
        },
        {
            content: "Now under warranty, the machine can be claimed",
            trigger: 'a:contains("File a Warranty Claim")',
        },
        {
            content: "Back to the portal home",
            trigger: '.o_portal_submenu a[href="/my/home"]',
            run: "click",
        },
        {
            content: "The home page counts the dealer's one machine",
            trigger: '.o_portal_index_card a[href="/my/machines"] [data-placeholder_count="aftersales_machine_counter"]:contains(/^1$/)',
        },
        {
            content: "Open the warranty claims",
            trigger: '.o_portal_index_card a[href="/my/claims"]',
            run: "click",
        },
        {
            content: "File a new claim",
            trigger: ".o_aftersales_new_claim",
            run: "click",
        },
        {
            content: "Type a wrong serial number",
            trigger: '.o_aftersales_claim_serial input[name="serial"]',
            run: "edit WRONG-SN-404",
        },
        {
            content: "The wrong serial is reported before submitting",
            trigger: '.o_aftersales_serial_message.alert-danger:contains("not in the product archive")',
        },
        {
            content: "Type the right serial number",
            trigger: '.o_aftersales_claim_serial input[name="serial"]',
            run: "edit TOUR-PORTAL-SN",
        },
        {
            trigger: '.o_aftersales_serial_message.alert-success:contains("Tour Portal Farm")',
        },
        {
            trigger: ".o_aftersales_serial_continue",
            run: "click",
        },
        {
            content: "The part of the service BOM at the dealer's price",
            trigger: '.o_aftersales_claim_form tr:contains("Tour Portal Seal"):contains("12.50") input',
            run: "edit 2",
        },
        {
            content: "Two hours of labour",
            trigger: '.o_aftersales_claim_form tr:contains("Service labour") input',
            run: "edit 2",
        },
        {
            content: "The claimed amount follows the quantities: 2 x 12.50 + 2 x 45.00",
            trigger: '.o_aftersales_claim_total_amount:contains("115.00")',
        },
        {
            trigger: '.o_aftersales_claim_form textarea[name="symptom"]',
            run: "edit Leaks oil",
        },
        {
            content: "No cause is chosen for the dealer: it chooses one",
            trigger: '.o_aftersales_claim_form select[name="cause_category"]',
            async run(helpers) {
                if (this.anchor.value) {
                    throw new Error(`The cause "${this.anchor.value}" is chosen for the dealer`);
                }
                await helpers.select("wear");
            },
        },
        {
            trigger: ".o_aftersales_claim_submit",
            run: "click",
        },
        {
            content: "The claim is submitted",
            trigger: '.o_aftersales_claim_state:contains("Submitted")',
        },
        {
            trigger: '.o_aftersales_amount_claimed:contains("115.00")',
        },
        {
            content: "Back to the claims list",
            trigger: '.o_portal_submenu a[href="/my/claims"]',
            run: "click",
        },
        {
            content: "The claim is in the list",
            trigger: 'tr:contains("TOUR-PORTAL-SN"):contains("Submitted")',
        },
    ],
});

registry.category("web_tour.tours").add("aftersales_portal_quote_tour", {
    url: "/my/parts",
    steps: () => [
        {
            content: "Quote four seals",
            trigger: '.o_aftersales_part_row:contains("Tour Portal Seal") input',
            run: "edit 4",
        },
        {
            trigger: ".o_aftersales_request_quote",
            run: "click",
        },
        {
            content: "The quotation shows the parts-quote breakdown",
            trigger: '.o_aftersales_parts_quote .o_aftersales_parts_amount:contains("50.00")',
        },
        {
            trigger: '.o_aftersales_parts_quote .o_aftersales_quote_total:contains("50.00")',
        },
    ],
});
