import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";

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
