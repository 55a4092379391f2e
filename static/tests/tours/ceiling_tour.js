import {registry} from "@web/core/registry";

const warning = ".modal div[name='ceiling_warning']";

registry.category("web_tour.tours").add("l10n_fr_urssaf_ceiling_warning", {
    steps: () => [
        {
            content: "Send the invoice to Urssaf",
            trigger: ".o_form_statusbar button[name='action_l10n_fr_urssaf_send']",
            run: "click",
        },
        {
            content: "The dialog warns that the customer passes the yearly ceiling",
            trigger: `${warning}:contains(Tax-credit ceiling):contains(12,012.00):contains(12,000.00)`,
        },
        {
            content: "A warning, not a block: the invoice can be sent",
            trigger: ".modal .alert-info:contains(1 invoice will be sent)",
        },
        {
            content: "Send anyway",
            trigger: ".modal footer button[name='action_send']",
            run: "click",
        },
        {
            content: "The invoice is sent",
            trigger:
                ".o_form_sheet .o_field_widget[name='l10n_fr_urssaf_state'] .badge:contains(Sent)",
        },
    ],
});
