import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("l10n_fr_urssaf_settings", {
    steps: () => [
        {
            content: "The Urssaf block starts in local simulation",
            trigger:
                "#l10n_fr_urssaf_environment_setting input[data-value='simulation']:checked",
        },
        {
            content: "Choose the Urssaf sandbox",
            trigger: "#l10n_fr_urssaf_environment_setting input[data-value='sandbox']",
            run: "click",
        },
        {
            content: "Credentials appear, the secret hidden",
            trigger:
                "#l10n_fr_urssaf_credentials_setting div[name='l10n_fr_urssaf_client_secret'] input[type='password']",
        },
        {
            content: "Client ID",
            trigger: "div[name='l10n_fr_urssaf_client_id'] input",
            run: "edit tour-client-id",
        },
        {
            content: "SAP number as printed on the NOVA receipt",
            trigger: "div[name='l10n_fr_urssaf_sap_number'] input",
            run: "edit SAP 123 456 789",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved and normalised",
            trigger:
                "body:not(:has(.o_form_dirty)) div[name='l10n_fr_urssaf_sap_number'] input:value(SAP123456789)",
        },
    ],
});
