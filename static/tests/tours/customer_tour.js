import {registry} from "@web/core/registry";

const field = (name, tag = "input") => `.o_field_widget[name='${name}'] ${tag}`;

registry.category("web_tour.tours").add("l10n_fr_urssaf_customer", {
    steps: () => [
        {
            content: "Open the Avance immédiate tab",
            trigger: "a.nav-link:contains(Avance immédiate)",
            run: "click",
        },
        {
            content: "Civility",
            trigger: field("l10n_fr_urssaf_civility", "select"),
            run: 'select "2"',
        },
        {
            content: "Birth name as on the tax notice",
            trigger: field("l10n_fr_urssaf_birth_name"),
            run: "edit Durand",
        },
        {
            content: "All first names",
            trigger: field("l10n_fr_urssaf_first_names"),
            run: "edit Jeanne Marie",
        },
        {
            content: "Birth date",
            trigger: field("l10n_fr_urssaf_birth_date"),
            run: "edit 03/29/1980",
        },
        {
            content: "Birth commune, chosen by name",
            trigger: field("l10n_fr_urssaf_birth_commune_id"),
            run: "edit Rennes",
        },
        {
            content: "Pick Rennes (35)",
            trigger: ".o-autocomplete--dropdown-item a:contains(35238)",
            run: "click",
        },
        {
            content: "Mobile phone",
            trigger: `.o_notebook ${field("mobile")}`,
            run: "edit 06 12 34 56 78",
        },
        {
            content: "Register with Urssaf",
            trigger: "button[name='action_l10n_fr_urssaf_register']",
            run: "click",
        },
        {
            content: "The badge says the account awaits activation",
            trigger: ".o_form_sheet .badge:contains(Awaiting activation)",
        },
        {
            content: "The customer activates the account (local simulation)",
            trigger: "button[name='action_l10n_fr_urssaf_simulate_activation']",
            run: "click",
        },
        {
            content: "Now, as proposed",
            trigger: ".modal button[name='action_activate']",
            run: "click",
        },
        {
            content: "The badge says the account is active",
            trigger: ".o_form_sheet .badge:contains(Active)",
        },
    ],
});
