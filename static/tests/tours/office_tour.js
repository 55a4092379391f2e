import {registry} from "@web/core/registry";

const notification = (text) => `.o_notification:contains(${text})`;
const button = (name) => `.o_form_statusbar button[name='${name}']`;
const simulationBadge =
    "div[name='l10n_fr_urssaf_simulation_badge'] .badge:contains(Local simulation)";

registry.category("web_tour.tours").add("l10n_fr_urssaf_office_product", {
    steps: () => [
        {
            content: "An invoicing user sees the service nature on the product's first tab",
            trigger:
                ".o_notebook .tab-pane.active .o_field_widget[name='l10n_fr_urssaf_nature_code']:contains(Ménage - repassage)",
        },
    ],
});

registry.category("web_tour.tours").add("l10n_fr_urssaf_office_settings", {
    steps: () => [
        {
            content: "Local simulation: no warning",
            trigger:
                "#l10n_fr_urssaf_environment_setting input[data-value='simulation']:checked",
        },
        {
            content: "Choose the Urssaf sandbox",
            trigger: "#l10n_fr_urssaf_environment_setting input[data-value='sandbox']",
            run: "click",
        },
        {
            content: "Before saving, the block warns that credentials are missing",
            trigger:
                "div[name='l10n_fr_urssaf_credentials_missing']:contains(nothing can be sent)",
        },
        {
            content: "Client ID",
            trigger: "div[name='l10n_fr_urssaf_client_id'] input",
            run: "edit tour-client",
        },
        {
            content: "Client secret",
            trigger: "div[name='l10n_fr_urssaf_client_secret'] input",
            run: "edit tour-secret",
        },
        {
            content: "Leave the field",
            trigger: "div[name='l10n_fr_urssaf_sap_number'] input",
            run: "click",
        },
        {
            content: "With both, the warning goes",
            trigger: "body:not(:has(div[name='l10n_fr_urssaf_credentials_missing']))",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, the connection was tested: the block says it works",
            trigger:
                "body:not(:has(.o_form_dirty)) div[name='l10n_fr_urssaf_connection_checked']:contains(it works)",
        },
    ],
});

registry.category("web_tour.tours").add("l10n_fr_urssaf_office_invoice", {
    steps: () => [
        {
            content: "The invoice's avance immédiate part says it is a simulation",
            trigger: simulationBadge,
        },
        {
            content: "Update the Urssaf status",
            trigger: button("action_l10n_fr_urssaf_refresh"),
            run: "click",
        },
        {
            content: "Told that nothing changed",
            trigger: notification("No change at Urssaf"),
        },
        {
            content: "The customer validates (local simulation)",
            trigger: button("action_l10n_fr_urssaf_simulate_validate"),
            run: "click",
        },
        {
            content: "Told what changed, as a simulation",
            trigger:
                ".o_notification:has(.o_notification_title:contains(simulation)):contains(Sent → Validated)",
        },
        {
            content: "The chatter says it too",
            trigger: ".o-mail-Message-body:contains((local simulation))",
        },
        {
            content: "Open the payment request",
            trigger: ".o-form-buttonbox button[name='action_l10n_fr_urssaf_requests']",
            run: "click",
        },
        {
            content: "The payment request wears the simulation ribbon",
            trigger: ".o_form_sheet .ribbon:contains(Simulation)",
        },
    ],
});

registry.category("web_tour.tours").add("l10n_fr_urssaf_office_customer", {
    steps: () => [
        {
            content: "Open the Avance immédiate tab",
            trigger: "a.nav-link:contains(Avance immédiate)",
            run: "click",
        },
        {
            content: "The customer's Urssaf account says it is a simulation",
            trigger: simulationBadge,
        },
    ],
});
