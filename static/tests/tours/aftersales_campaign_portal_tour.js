import { registry } from "@web/core/registry";
import { onScreen } from "./aftersales_portal_phone_tour";

// Run on a phone-size screen (390 px): a dealer opens its recall from the portal home, files the
// campaign claim of machine SN-A-2 and submits it.
registry.category("web_tour.tours").add("aftersales_campaign_portal_tour", {
    url: "/my",
    steps: () => [
        onScreen(
            "The portal home counts the dealer's 2 machines to fix",
            '.o_portal_index_card:has(a[href="/my/campaigns"]) [data-placeholder_count="aftersales_campaign_counter"]:contains("2")'
        ),
        {
            content: "Open the campaigns",
            trigger: '.o_portal_index_card a[href="/my/campaigns"]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The recall stands out", '.o_aftersales_campaign_row .o_aftersales_campaign_type.text-bg-danger:visible'),
        onScreen("The dealer's machines done of affected", '.o_aftersales_campaign_progress:contains("0 / 2")'),
        {
            content: "Open the recall",
            trigger: '.o_aftersales_campaign_row a[href^="/my/campaigns/"]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The required action: the kit", '.o_aftersales_campaign_kit_line:contains("Test Filter")'),
        onScreen("What a machine is paid", '.o_aftersales_campaign_estimate:contains("65.00")'),
        onScreen("Machine SN-A-2: its end user", '.o_aftersales_campaign_machine[data-serial="SN-A-2"] div:contains("End User of A"):visible'),
        onScreen(
            "File its campaign claim",
            '.o_aftersales_campaign_machine[data-serial="SN-A-2"] .o_aftersales_campaign_claim'
        ),
        {
            content: "File its campaign claim",
            trigger: '.o_aftersales_campaign_machine[data-serial="SN-A-2"] .o_aftersales_campaign_claim',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The claim is filled with the kit", '.o_portal_my_doc_table td:contains("Test Filter")'),
        onScreen("The kit and labour priced as a claim", '.o_aftersales_claim_claimed:contains("65.00")'),
        {
            content: "Submit the campaign claim",
            trigger: ".o_aftersales_submit",
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("Submitted", ".o_aftersales_success"),
    ],
});
