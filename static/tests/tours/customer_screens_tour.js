import {registry} from "@web/core/registry";

const field = (name, tag = "input") => `.o_field_widget[name='${name}'] ${tag}`;
const tab = {
    content: "Open the Avance immédiate tab",
    trigger: "a.nav-link:contains(Avance immédiate)",
    run: "click",
};
const back = {
    content: "Back to the customer",
    trigger: ".o_breadcrumb .breadcrumb-item:last a",
    run: "click",
};

registry.category("web_tour.tours").add("l10n_fr_urssaf_customer_screens", {
    steps: () => [
        {
            content: "Search the tour's customers",
            trigger: ".o_searchview_input",
            run: "edit Tourmaline",
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "The kanban card shows the active Urssaf account",
            trigger:
                ".o_kanban_record:contains(Jeanne Tourmaline) .badge:contains(Active)",
        },
        {
            content: "and the one awaiting activation",
            trigger:
                ".o_kanban_record:contains(Paul Tourmaline) .badge:contains(Awaiting activation)",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the Urssaf status",
            trigger: ".o_data_row:contains(Jeanne Tourmaline) .badge:contains(Active)",
        },
        {
            content: "Open the active customer",
            trigger: ".o_data_row:contains(Jeanne Tourmaline) .o_data_cell:first",
            run: "click",
        },
        {
            content: "One invoice for the avance immédiate",
            trigger:
                "button[name='action_l10n_fr_urssaf_invoices'] .o_stat_value:contains(1)",
            run: "click",
        },
        {
            content: "The customer's invoice is listed",
            trigger: ".o_data_row:contains(Jeanne Tourmaline)",
        },
        back,
        {
            content: "One payment request",
            trigger:
                "button[name='action_l10n_fr_urssaf_payment_requests'] .o_stat_value:contains(1)",
            run: "click",
        },
        {
            content: "The customer's payment request is listed",
            trigger: ".o_data_row:contains(Jeanne Tourmaline)",
        },
        back,
        tab,
        {
            content: "A new e-mail address",
            trigger: `.o_notebook ${field("email")}`,
            run: "edit jeanne.nouvelle@example.com",
        },
        {
            content: "Leave the field",
            trigger: `.o_notebook ${field("l10n_fr_urssaf_birth_name")}`,
            run: "click",
        },
        {
            content: "Told that Urssaf will not be updated, and what to do",
            trigger:
                ".modal:contains(Urssaf will not be updated):contains(particulier.urssaf.fr) footer button",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The chatter keeps it",
            trigger: ".o-mail-Message:contains(Changed here only (e-mail address))",
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb .breadcrumb-item:first a",
            run: "click",
        },
        {
            content: "Open the customer awaiting activation",
            trigger: ".o_data_row:contains(Paul Tourmaline) .o_data_cell:first",
            run: "click",
        },
        tab,
        {
            content: "The customer activates the account (local simulation)",
            trigger: "button[name='action_l10n_fr_urssaf_simulate_activation']",
            run: "click",
        },
        {
            content: "On a date of the trainer's choice",
            trigger: `.modal ${field("activation_date")}`,
            run: "edit 11/02/2026 09:00:00",
        },
        {
            content: "Activate",
            trigger: ".modal button[name='action_activate']",
            run: "click",
        },
        {
            content: "The badge says the account is active",
            trigger: ".o_form_sheet .badge:contains(Active)",
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb .breadcrumb-item:first a",
            run: "click",
        },
        {
            content: "A new customer",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name",
            trigger: `.o_field_widget[name='name'] input, .o_field_widget[name='name'] textarea`,
            run: "edit Claire Tourmaline",
        },
        tab,
        {
            content: "Birth commune: Lyon",
            trigger: field("l10n_fr_urssaf_birth_commune_id"),
            run: "edit Lyon",
        },
        {
            content: "Lyon first",
            trigger: ".o-autocomplete--dropdown-item:first:contains(69123)",
        },
        {
            content: "then its 1st arrondissement",
            trigger: ".o-autocomplete--dropdown-item:eq(1):contains(69381)",
        },
        {
            content: "and the next ones in order",
            trigger: ".o-autocomplete--dropdown-item:eq(7):contains(69387)",
        },
        {
            content: "Pick Lyon",
            trigger: ".o-autocomplete--dropdown-item:first a",
            run: "click",
        },
        {
            content: "The IBAN, before the contact is saved",
            trigger: field("l10n_fr_urssaf_iban"),
            run: "edit FR76 3000 4000 0312 3456 7890 143",
        },
        {
            content: "The bank",
            trigger: field("l10n_fr_urssaf_bank_id"),
            run: "edit BNP",
        },
        {
            content: "Pick BNP",
            trigger: ".o-autocomplete--dropdown-item a:contains(BNPAFRPP)",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, with its bank account",
            trigger: ".o_form_saved .o_field_widget[name='l10n_fr_urssaf_iban'] input",
            run() {
                if (!this.anchor.value.includes("FR76")) {
                    throw new Error(`IBAN shown: ${this.anchor.value}`);
                }
            },
        },
    ],
});
