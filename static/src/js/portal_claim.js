import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";
import { formatCurrency } from "@web/core/currency";

/**
 * New warranty claim: check the serial number as it is typed (unknown, not yours, out of
 * warranty, not registered) before the dealer fills in and submits the claim. The server does
 * the same checks again on submit.
 */
publicWidget.registry.AftersalesClaimSerial = publicWidget.Widget.extend({
    selector: ".o_aftersales_claim_serial",
    events: {
        "input input[name='serial']": "_onSerialInput",
    },

    start() {
        this.message = this.el.querySelector(".o_aftersales_serial_message");
        this.requestId = 0;
        return this._super(...arguments);
    },

    _onSerialInput(ev) {
        clearTimeout(this.timer);
        const serial = ev.currentTarget.value;
        this.timer = setTimeout(() => this._check(serial), 300);
    },

    async _check(serial) {
        const requestId = ++this.requestId;
        if (!serial.trim()) {
            this._show("", "");
            return;
        }
        const result = await rpc("/my/claims/check_serial", { serial });
        if (requestId === this.requestId) {
            this._show(result.level, result.message);
        }
    },

    _show(level, message) {
        this.message.className = "mt-2 o_aftersales_serial_message" + (level ? ` alert alert-${level}` : "");
        this.message.textContent = message;
    },
});

/**
 * New warranty claim: the claimed amount (quantity x price of each line, each rounded to the
 * currency, as the claim rounds its lines) as the dealer types the quantities. The claim prices
 * its lines again when it is saved.
 */
publicWidget.registry.AftersalesClaimTotal = publicWidget.Widget.extend({
    selector: ".o_aftersales_claim_form",
    events: {
        "input .o_aftersales_claim_qty": "_update",
    },

    start() {
        this.totalBox = this.el.querySelector(".o_aftersales_claim_total");
        this._update();
        return this._super(...arguments);
    },

    _update() {
        const digits = parseInt(this.totalBox.dataset.digits);
        const factor = 10 ** digits;
        let total = 0;
        for (const input of this.el.querySelectorAll(".o_aftersales_claim_qty")) {
            const quantity = parseFloat(input.value) || 0;
            const price = parseFloat(input.dataset.price) || 0;
            total += Math.round(quantity * price * factor) / factor;
        }
        this.totalBox.querySelector(".o_aftersales_claim_total_amount").textContent = formatCurrency(
            total,
            parseInt(this.totalBox.dataset.currencyId),
            { digits: [69, digits] }
        );
    },
});
