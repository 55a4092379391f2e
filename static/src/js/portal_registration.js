/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Birth communes offered while the customer types a name or a postal code;
// without it the server still finds the commune, or lists those that match.
import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";
import { debounce } from "@web/core/utils/timing";

publicWidget.registry.L10nFrUrssafRegistration = publicWidget.Widget.extend({
    selector: ".o_l10n_fr_urssaf_registration_form",
    events: {
        "input input[name='birth_commune']": "_onCommuneInput",
    },

    init() {
        this._super(...arguments);
        this._search = debounce(this._search.bind(this), 250);
    },

    _onCommuneInput(ev) {
        this._search(ev.currentTarget.value);
    },

    async _search(term) {
        const names = await rpc(`${window.location.pathname}/communes`, { term });
        const list = this.el.querySelector("#o_l10n_fr_urssaf_communes");
        list.replaceChildren(
            ...names.map((name) => Object.assign(document.createElement("option"), { value: name }))
        );
    },
});
