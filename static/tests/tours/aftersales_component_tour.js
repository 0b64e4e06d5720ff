import { registry } from "@web/core/registry";

import { onScreen } from "./aftersales_portal_phone_tour";

// Run on a phone-size screen (390 px): a dealer reads its machine's components, then claims the
// module again, the serial the machine carries offered as the one removed.
registry.category("web_tour.tours").add("aftersales_component_tour", {
    steps: () => [
        onScreen(
            "The module the machine carries, with its serial",
            '.o_aftersales_machine_components td:contains("MOD-2")'
        ),
        onScreen(
            "The serial it replaced",
            '.o_aftersales_machine_components .d-sm-none:contains("MOD-1")'
        ),
        {
            content: "File a claim for the machine",
            trigger: 'a[href^="/my/claims/new?serial="]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen(
            "The serial the machine carries is offered as the one removed",
            '.o_aftersales_claim_part:contains("Test Engine Module") input[name^="part_removed_serial_"]:value("MOD-2")'
        ),
        {
            trigger: ".o_aftersales_claim_form input[name='failure_date']",
            run() {
                this.anchor.value = this.anchor.max; // today
            },
        },
        {
            trigger: '.o_aftersales_claim_form select[name="cause_category"]',
            run: "select material",
        },
        {
            trigger: '.o_aftersales_claim_part:contains("Test Engine Module") .o_aftersales_claim_qty',
            run: "edit 1",
        },
        {
            trigger: '.o_aftersales_claim_part:contains("Test Engine Module") input[name^="part_installed_serial_"]',
            run: "edit MOD-3",
        },
        {
            trigger: ".o_aftersales_claim_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The claim is submitted",
            trigger: '.o_aftersales_claim_state:contains("Submitted")',
        },
    ],
});
