import { registry } from "@web/core/registry";

/**
 * A step that waits for ``trigger`` and checks the page fits the phone's screen: the document is
 * no wider than the window (nothing to scroll sideways), the element lies within the screen's
 * width, and its text is not cut (``whole``: the element's cell shows all of it).
 */
export function onScreen(content, trigger, { whole = false } = {}) {
    return {
        content,
        trigger,
        run() {
            const width = window.innerWidth;
            const page = document.documentElement.scrollWidth;
            if (page > width) {
                throw new Error(`The page is ${page} px wide on a ${width} px screen`);
            }
            const box = this.anchor.getBoundingClientRect();
            if (box.left < 0 || box.right > width) {
                throw new Error(`"${this.anchor.textContent.trim()}" lies off the screen (${box.left}-${box.right} px of ${width})`);
            }
            const cell = this.anchor.closest("td") || this.anchor;
            if (whole && cell.scrollWidth > cell.clientWidth) {
                throw new Error(`"${cell.textContent.trim()}" is cut (${cell.scrollWidth} px in ${cell.clientWidth})`);
            }
        },
    };
}

// Run on a phone-size screen (390 px): a dealer goes through its claims and its statement.
registry.category("web_tour.tours").add("aftersales_portal_phone_tour", {
    url: "/my/claims",
    steps: () => [
        onScreen(
            "The claims list shows the sent-back claim's status and amounts",
            'tr:has(.o_aftersales_claim_state:contains("Sent Back")) td:last-child:contains("0.00")'
        ),
        onScreen(
            "The claimed amount",
            'tr:has(.o_aftersales_claim_state:contains("Sent Back")) td:contains("290.00")'
        ),
        {
            content: "Open the sent-back claim",
            trigger: 'tr:has(.o_aftersales_claim_state:contains("Sent Back")) a[href^="/my/claims/"]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The claimed amount at the top of the claim", '.o_aftersales_claim_claimed:contains("290.00")'),
        onScreen("The approved amount beside it", '.o_aftersales_claim_approved:contains("0.00")'),
        {
            content: "The reviewer's question is in the claim's conversation",
            trigger: '#chatterRoot:shadow .o-mail-Message:contains("Which filter did you fit?")',
        },
        {
            content: "Back to the claims",
            trigger: '.o_portal_submenu a[href="/my/claims"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "File a new claim",
            trigger: ".o_aftersales_new_claim",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: '.o_aftersales_claim_serial input[name="serial"]',
            run: "edit SN-A-1",
        },
        {
            trigger: ".o_aftersales_serial_continue",
            run: "click",
            expectUnloadPage: true,
        },
        onScreen(
            "The compressor head: its reference and its whole name",
            '.o_aftersales_claim_part:contains("[SP-C-HEAD]") .o_aftersales_part_name:contains("Compressor head assembly")',
            { whole: true }
        ),
        onScreen(
            "The compressor motor: told apart from the head",
            '.o_aftersales_claim_part:contains("[SP-C-MOT]") .o_aftersales_part_name:contains("Compressor motor 2 HP")',
            { whole: true }
        ),
        onScreen("Its quantity", '.o_aftersales_claim_part:contains("[SP-C-MOT]") input'),
        onScreen("The claimed amount of the new claim", ".o_aftersales_claim_total_amount"),
        {
            content: "Back to the portal home",
            trigger: '.o_portal_submenu a[href="/my/home"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the statements",
            trigger: '.o_portal_index_card a[href="/my/statements"]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen(
            "The statements list shows the closing balance",
            'tr:contains("TOUR-PHONE-ST") .o_aftersales_statement_closing:contains("600.00")'
        ),
        {
            content: "Open the statement",
            trigger: 'a:contains("TOUR-PHONE-ST")',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen(
            "The statement shows its closing balance",
            '.o_aftersales_statement_amounts .o_aftersales_statement_closing:contains("600.00")'
        ),
        {
            content: "Back to the portal home",
            trigger: '.o_portal_submenu a[href="/my/home"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the machines",
            trigger: '.o_portal_index_card a[href="/my/machines"]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The machine's warranty end", 'tr:contains("SN-A-1") td:last-child'),
        {
            content: "Open the machine",
            trigger: 'a:contains("SN-A-1")',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("The machine's claim: its claimed amount", '.o_aftersales_machine_claims tr:contains("290.00") td:contains("290.00")'),
        onScreen("Its status", '.o_aftersales_machine_claims .o_aftersales_claim_state:contains("Sent Back")'),
        {
            content: "Back to the portal home",
            trigger: '.o_portal_submenu a[href="/my/home"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the parts prices",
            trigger: '.o_portal_index_card a[href="/my/parts"]',
            run: "click",
            expectUnloadPage: true,
        },
        onScreen("A part's price", '.o_aftersales_part_row:contains("SP-C-MOT") .o_aftersales_dealer_price'),
        onScreen("The quantity to quote", '.o_aftersales_part_row:contains("SP-C-MOT") input'),
    ],
});
