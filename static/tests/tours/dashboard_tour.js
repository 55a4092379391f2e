import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const filter = (name) => `.o_filter_menu .o_menu_item:contains(${name})`;

registry.category("web_tour.tours").add("l10n_fr_urssaf_dashboard", {
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open Invoicing"),
        {
            content: "Open its Reporting menu",
            trigger: ".o_menu_sections button:contains(Reporting)",
            run: "click",
        },
        {
            content: "The avance immédiate follow-up is there",
            trigger: ".dropdown-item:contains(Follow-up)",
            run: "click",
        },
        {
            content: "Requests by month sent and state, as a chart",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
        {
            content: "Switch to the pivot table",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "One row per state",
            trigger: ".o_pivot tbody th:contains(Awaiting customer)",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "What needs a look: customers silent for more than 48 hours",
            trigger: filter("Awaiting the customer for more than 48 hours"),
            run: "click",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Only the request the customer has not validated for 3 days is left",
            trigger:
                ".o_list_view .o_data_row:only-child td[name='state']:contains(Awaiting customer)",
        },
        {
            content: "Open the Reporting menu again",
            trigger: ".o_menu_sections button:contains(Reporting)",
            run: "click",
        },
        {
            content: "Open the expected payouts",
            trigger: ".dropdown-item:contains(Expected Payouts)",
            run: "click",
        },
        {
            content: "Filtered on the requests not paid yet",
            trigger: ".o_searchview_facet:contains(Payout expected)",
        },
        {
            content: "Switch to the pivot table",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The amount expected, by week",
            trigger: ".o_pivot thead th:contains(Amount Sent)",
        },
    ],
});
