import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("l10n_fr_urssaf_tax_statements", {
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open Invoicing"),
        {
            content: "Open the Customers menu",
            trigger: ".o_menu_sections button:contains(Customers)",
            run: "click",
        },
        {
            content: "Generate the attestations fiscales",
            trigger: ".dropdown-item:contains(Generate Attestations Fiscales)",
            run: "click",
        },
        {
            content: "For 2025",
            trigger: ".modal div[name='year'] input",
            run: "edit 2025",
        },
        {
            content: "Generate",
            trigger: ".modal button[name='action_generate']",
            run: "click",
        },
        {
            content: "One attestation per customer who paid in 2025",
            trigger:
                ".o_list_view:has(td[name='amount_paid']):has(.o_data_row:contains(Paul Petit)):has(.o_data_row:contains(Jeanne Martin))",
        },
        {
            content: "Select them all",
            trigger: ".o_list_view thead .o_list_record_selector",
            run: "click",
        },
        {
            content: "Both are selected",
            trigger: ".o_list_selection_box:contains(2)",
        },
        {
            content: "Send them by e-mail",
            trigger: ".o_control_panel_actions button[name='action_send']",
            run: "click",
        },
        {
            content: "Odoo's composer, with the attestation's template: send",
            trigger: ".modal:contains(Send Attestations Fiscales):contains(attestation fiscale for the services) button[name='action_send_mail']",
            run: "click",
        },
        {
            content: "The composer is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
