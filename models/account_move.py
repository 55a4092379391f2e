# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta, timezone

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError
from odoo.tools import SQL, float_round, format_date, split_every
from odoo.tools.sql import create_index

from ..lib.codes import MAX_ITEMS_PER_CALL
from ..lib.exceptions import UrssafError
from ..lib.formats import last_sendable_day, urssaf_date, urssaf_day_start
from ..lib.payload import PaymentRequest, build_payment_request_payload
from ..lib.validators import validate_payment_request_payload
from .guard import check_urssaf_owned, claim
from .l10n_fr_urssaf_payment_request import (
    LIVE_STATES,
    NOT_PAID_ACTIVITY,
    OPEN_STATES,
    POLL_INTERVAL,
    STATES,
    cron_workers,
    is_own,
)

_logger = logging.getLogger(__name__)

MOVE_STATES = [
    ("to_send", "To send"),
    ("excluded", "Without avance immédiate"),
    *STATES,
]
# Urssaf may still pay these: cancelling needs Urssaf's cancellation.
HELD_STATES = ("sent", "waiting", "validated", "paid", "unpaid", "unknown")
# Urssaf collects these invoices, or may (answer lost, cancellation not
# confirmed yet): a payment by the customer would be a second one.
COLLECTING_STATES = ("to_reconcile", *HELD_STATES, "cancel_requested")
# Urssaf collects the invoice, or will once it is sent (rejected at sending:
# fixed and sent again), or may (answer lost, other status), or is still
# debiting the customer (unpaid): never ask the customer to pay us. After a
# refusal, a cancellation or a recovery by the provider, the customer pays us.
COLLECTED_STATES = ("to_send", "error", "to_reconcile", *HELD_STATES)
# Sent at the activation time + this margin when the service starts that day:
# Urssaf refuses a period that begins before the activation (BR4).
ACTIVATION_MARGIN = timedelta(minutes=1)
# Context value of Request cancellation's own reversal: an object, which no
# RPC call can forge (a context from the outside is JSON).
CANCELLING = object()
# Above this many invoices, sending goes to the background.
BACKGROUND_THRESHOLD = 50
# Invoices per run of the background sending (a commit per call of 10):
# enough calls for the pipeline to stay full.
BACKGROUND_CHUNK = 500
CRON_SEND = "l10n_fr_urssaf_avance_immediate.ir_cron_send"
# A background worker holds the chunk it claimed for at most this long.
QUEUE_LEASE = timedelta(hours=1)
# Set by the addon only (see guard.check_urssaf_owned).
URSSAF_OWNED_FIELDS = (
    "l10n_fr_urssaf_queued_by_id",
    "l10n_fr_urssaf_queue_lease",
    "l10n_fr_urssaf_state",
    "l10n_fr_urssaf_cancelled",
    "l10n_fr_urssaf_reissue_of_id",
)
# What Urssaf holds once the invoice is sent.
SENT_FIELDS = ("l10n_fr_urssaf_service_start", "l10n_fr_urssaf_service_end")


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "l10n.fr.urssaf.exchange.mixin"]

    l10n_fr_urssaf_service_start = fields.Date(
        string="Service Start",
        compute="_compute_l10n_fr_urssaf_service_period",
        store=True,
        readonly=False,
        copy=True,
        help="First day of the services invoiced. With the end, within one "
        "calendar month, for the avance immédiate.",
    )
    l10n_fr_urssaf_service_end = fields.Date(
        string="Service End",
        compute="_compute_l10n_fr_urssaf_service_period",
        store=True,
        readonly=False,
        copy=True,
        help="Last day of the services invoiced; not in the future.",
    )
    l10n_fr_urssaf_intervenants = fields.Char(
        string="Intervenants",
        copy=True,
        help="Who performed these services, by name: printed on the customer's "
        "attestation fiscale (article D7233-4 of the code du travail). Empty: "
        "the attestation names your staff.",
    )
    l10n_fr_urssaf_request_ids = fields.One2many(
        "l10n.fr.urssaf.payment.request", "move_id", string="Urssaf Payment Requests"
    )
    l10n_fr_urssaf_status_history_ids = fields.One2many(
        "l10n.fr.urssaf.request.status",
        "move_id",
        string="Urssaf Status History",
        readonly=True,
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    l10n_fr_urssaf_request_count = fields.Integer(
        string="Urssaf Payment Request Count",
        compute="_compute_l10n_fr_urssaf_request",
    )
    l10n_fr_urssaf_request_id = fields.Many2one(
        "l10n.fr.urssaf.payment.request",
        string="Urssaf Payment Request",
        compute="_compute_l10n_fr_urssaf_request",
    )
    l10n_fr_urssaf_error = fields.Text(
        string="Urssaf Rejection", compute="_compute_l10n_fr_urssaf_request"
    )
    l10n_fr_urssaf_state = fields.Selection(
        selection=MOVE_STATES,
        string="Avance Immédiate",
        compute="_compute_l10n_fr_urssaf_state",
        store=True,
        copy=False,
        help="Where the invoice stands with the Urssaf avance immédiate.",
    )
    l10n_fr_urssaf_excluded = fields.Boolean(
        string="Without Avance Immédiate",
        copy=False,
        tracking=True,
        help="The customer pays this invoice directly (services before the "
        "activation of their Urssaf account, or their choice): it is never sent "
        "to Urssaf.",
    )
    l10n_fr_urssaf_next_step = fields.Text(
        string="Urssaf Will Not Pay",
        compute="_compute_l10n_fr_urssaf_next_step",
        help="Why Urssaf will not pay this invoice, and what to do.",
    )
    l10n_fr_urssaf_applies = fields.Boolean(compute="_compute_l10n_fr_urssaf_applies")
    l10n_fr_urssaf_cancelled = fields.Boolean(
        string="Cancelled for Urssaf",
        readonly=True,
        copy=False,
        help="Cancelled by a credit note through Request cancellation.",
    )
    l10n_fr_urssaf_reissue_of_id = fields.Many2one(
        "account.move",
        string="Re-issue Of",
        readonly=True,
        copy=False,
        help="The cancelled invoice this one replaces.",
    )
    l10n_fr_urssaf_simulation = fields.Boolean(
        compute="_compute_l10n_fr_urssaf_applies"
    )
    l10n_fr_urssaf_collected = fields.Boolean(
        string="Collected by Urssaf",
        compute="_compute_l10n_fr_urssaf_collected",
        help="Urssaf collects the invoice (or will, once sent): the customer "
        "is not asked to pay us.",
    )
    l10n_fr_urssaf_tax_credit = fields.Monetary(
        string="Tax Credit Advanced by Urssaf",
        compute="_compute_l10n_fr_urssaf_amounts",
        help="Half the invoice, within the customer's yearly ceilings: Urssaf "
        "advances it and pays us the whole invoice.",
    )
    l10n_fr_urssaf_customer_share = fields.Monetary(
        string="Customer's Share",
        compute="_compute_l10n_fr_urssaf_amounts",
        help="What Urssaf debits from the customer's account once they "
        "validate the payment request.",
    )
    l10n_fr_urssaf_queued_by_id = fields.Many2one(
        "res.users",
        string="Urssaf Sending Queued By",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Waiting to be sent to Urssaf in the background.",
    )
    # Until then, one background worker holds this queued invoice.
    l10n_fr_urssaf_queue_lease = fields.Datetime(
        string="Urssaf Sending Claimed Until", readonly=True, copy=False
    )

    def init(self):
        # The invoices' Urssaf filters. With the columns of the invoice
        # list's domain and of the multi-company rule, the list's count (up
        # to 10,001 rows) reads the index alone. Most invoices have no state.
        create_index(
            self.env.cr,
            "account_move_l10n_fr_urssaf_state_index",
            self._table,
            ["l10n_fr_urssaf_state", "company_id", "move_type"],
            where="l10n_fr_urssaf_state IS NOT NULL",
        )
        return super().init()

    @api.depends(
        "invoice_date",
        "move_type",
        "partner_id.l10n_fr_urssaf_customer_id",
        "partner_id.l10n_fr_urssaf_activation_date",
    )
    def _compute_l10n_fr_urssaf_service_period(self):
        for move in self:
            start = move.l10n_fr_urssaf_service_start
            end = move.l10n_fr_urssaf_service_end
            partner = move.partner_id
            if (
                not (start or end)
                and move.move_type == "out_invoice"
                and move.invoice_date
                and partner.l10n_fr_urssaf_customer_id
            ):
                # Services of the invoice's month up to its date, and not
                # before the activation: Urssaf wants one calendar month,
                # already performed, with an active account.
                start, end = move.invoice_date.replace(day=1), move.invoice_date
                activation = partner.l10n_fr_urssaf_activation_date
                if activation:
                    activated = urssaf_date(activation)
                    if start < activated <= end:
                        start = activated
            move.l10n_fr_urssaf_service_start = start
            move.l10n_fr_urssaf_service_end = end

    # The computes read the requests as superuser: whoever may read the
    # invoice may open it, requests readable or not (a salesperson, a
    # purchase user opening a vendor bill).
    @api.depends(
        "l10n_fr_urssaf_request_ids.error_message",
        "company_id.l10n_fr_urssaf_environment",
    )
    def _compute_l10n_fr_urssaf_request(self):
        for move in self:
            requests = move.sudo().l10n_fr_urssaf_request_ids
            latest = move.sudo()._l10n_fr_urssaf_latest_request()
            move.l10n_fr_urssaf_request_count = len(requests)
            move.l10n_fr_urssaf_request_id = latest.id
            move.l10n_fr_urssaf_error = latest.error_message

    @api.depends(
        "state",
        "move_type",
        "partner_id.l10n_fr_urssaf_customer_id",
        "l10n_fr_urssaf_request_ids.state",
        "l10n_fr_urssaf_cancelled",
        "l10n_fr_urssaf_excluded",
    )
    def _compute_l10n_fr_urssaf_state(self):
        for move in self:
            request = move.sudo()._l10n_fr_urssaf_latest_request()
            if move.l10n_fr_urssaf_cancelled and request.state in (
                False,
                "error",
                "refused",
            ):
                # Nothing to ask Urssaf: cancelled here only.
                move.l10n_fr_urssaf_state = "cancelled"
            elif request:
                move.l10n_fr_urssaf_state = request.state
            elif (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and move.partner_id.l10n_fr_urssaf_customer_id
            ):
                move.l10n_fr_urssaf_state = "to_send"
            else:
                move.l10n_fr_urssaf_state = False
            if move.l10n_fr_urssaf_excluded and move.l10n_fr_urssaf_state in (
                "to_send",
                "error",
            ):
                move.l10n_fr_urssaf_state = "excluded"

    @api.depends(
        "l10n_fr_urssaf_state",
        "l10n_fr_urssaf_cancelled",
        "amount_residual",
        "l10n_fr_urssaf_request_ids.status_code",
        "l10n_fr_urssaf_request_ids.rejection_code",
        "l10n_fr_urssaf_request_ids.rejection_comment",
    )
    def _compute_l10n_fr_urssaf_next_step(self):
        for move in self:
            request = move.sudo()._l10n_fr_urssaf_latest_request()
            settled = move.l10n_fr_urssaf_cancelled or move.currency_id.is_zero(
                move.amount_residual
            )
            move.l10n_fr_urssaf_next_step = (
                not settled and request._not_paid_next_step() or False
            )

    @api.depends("l10n_fr_urssaf_state", "payment_state")
    def _compute_l10n_fr_urssaf_collected(self):
        for move in self:
            state = move.l10n_fr_urssaf_state
            # Paid (even partly) before sending: it can no longer be sent
            # (Urssaf pays whole invoices), the customer pays us the rest.
            paid_first = state in ("to_send", "error") and (
                move.payment_state != "not_paid"
            )
            move.l10n_fr_urssaf_collected = state in COLLECTED_STATES and not paid_first

    def _l10n_fr_urssaf_collected(self):
        """The invoices Urssaf collects from the customer, or will once sent:
        no payment instructions nor online payment for them."""
        return self.filtered("l10n_fr_urssaf_collected")

    @api.depends("amount_total", "currency_id")
    def _compute_l10n_fr_urssaf_amounts(self):
        # The tax credit is half the expense (within yearly ceilings that
        # only Urssaf knows): the customer pays the rest.
        for move in self:
            covered = float_round(
                move.amount_total / 2, precision_rounding=move.currency_id.rounding
            )
            move.l10n_fr_urssaf_tax_credit = covered
            move.l10n_fr_urssaf_customer_share = move.currency_id.round(
                move.amount_total - covered
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            given = {name: value for name, value in vals.items() if value}
            check_urssaf_owned(self, given, URSSAF_OWNED_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_urssaf_owned(self, vals, URSSAF_OWNED_FIELDS)
        if vals.get("l10n_fr_urssaf_excluded"):
            self._l10n_fr_urssaf_check_excludable()
        held = any(name in vals for name in SENT_FIELDS) and self._l10n_fr_urssaf_held()
        if held:
            check_urssaf_owned(held, vals, SENT_FIELDS)
        return super().write(vals)

    def _l10n_fr_urssaf_requests(self):
        """The requests of the company's current Urssaf environment: those
        of a local simulation count for nothing once live, and the reverse."""
        return self.l10n_fr_urssaf_request_ids.filtered(
            lambda request: request.environment
            == request.company_id.sudo().l10n_fr_urssaf_environment
        )

    def _l10n_fr_urssaf_latest_request(self):
        # Not [:1]: a request created in this transaction comes last in the
        # cache, whatever the model's order.
        return self._l10n_fr_urssaf_requests().sorted("id")[-1:]

    @api.depends("partner_id.l10n_fr_urssaf_customer_id", "move_type", "company_id")
    def _compute_l10n_fr_urssaf_applies(self):
        for move in self:
            move.l10n_fr_urssaf_applies = bool(
                move.sudo().l10n_fr_urssaf_request_ids
            ) or (
                move.move_type == "out_invoice"
                and bool(move.partner_id.l10n_fr_urssaf_customer_id)
            )
            move.l10n_fr_urssaf_simulation = (
                move.company_id.l10n_fr_urssaf_environment == "simulation"
            )

    # ------------------------------------------------------------ Odoo hooks

    @api.depends("l10n_fr_urssaf_request_ids.state")
    def _compute_need_cancel_request(self):
        return super()._compute_need_cancel_request()

    def _need_cancel_request(self):
        # Urssaf holds the invoice number: resetting to draft and editing
        # would make Urssaf and the books disagree.
        return super()._need_cancel_request() or bool(self._l10n_fr_urssaf_held())

    def _l10n_fr_urssaf_held(self):
        """The invoices whose number Urssaf holds."""
        return self.filtered(
            lambda move: any(
                request.state in LIVE_STATES
                for request in move.sudo()._l10n_fr_urssaf_requests()
            )
        )

    def _l10n_fr_urssaf_check_not_held(self):
        """Odoo's own reversal and reset to draft would leave Urssaf's request
        alive (and its payout unbooked): Request cancellation does both."""
        held = self._l10n_fr_urssaf_held()
        cancelling = self.env.context.get("l10n_fr_urssaf_cancelling")
        if held and cancelling is not CANCELLING:
            raise UserError(
                self.env._(
                    "Urssaf holds %(invoices)s: a credit note or a reset to draft "
                    "here would leave its payment request alive. Use Request "
                    "cancellation on the invoice: it makes the credit note and "
                    "asks Urssaf to cancel the payment request.",
                    invoices=", ".join(held.mapped("name")),
                )
            )

    def _reverse_moves(self, default_values_list=None, cancel=False):
        self._l10n_fr_urssaf_check_not_held()
        return super()._reverse_moves(default_values_list, cancel=cancel)

    def button_draft(self):
        self._l10n_fr_urssaf_check_not_held()
        return super().button_draft()

    def action_reverse(self):
        if len(self) == 1 and self._l10n_fr_urssaf_held():
            return self.action_l10n_fr_urssaf_cancel()
        self._l10n_fr_urssaf_check_not_held()
        return super().action_reverse()

    def _l10n_fr_urssaf_payout_to_book(self):
        """Urssaf paid, but its payout is to register by hand (no payout
        journal: see the request's _register_payout)."""
        request = self.sudo()._l10n_fr_urssaf_latest_request()
        return request.state == "paid" and not request.payment_id

    def js_assign_outstanding_line(self, line_id):
        # The payments widget's "Add": a credit of the customer (often the
        # rest of an earlier payout) would be a second payment.
        if (
            self.l10n_fr_urssaf_state in COLLECTING_STATES
            and not self._l10n_fr_urssaf_payout_to_book()
        ):
            raise UserError(
                self.env._(
                    "Urssaf collects %(invoice)s with the avance immédiate: the "
                    "customer's credit is not for it. If the customer really paid "
                    "this invoice, record it with Pay, which says what it means.",
                    invoice=self.name,
                )
            )
        return super().js_assign_outstanding_line(line_id)

    # ------------------------------------------------------------ exclusion

    def action_l10n_fr_urssaf_exclude(self):
        """The customer pays these invoices directly: never send them."""
        self._l10n_fr_urssaf_check_sender()
        self._l10n_fr_urssaf_set_excluded(True)

    def _l10n_fr_urssaf_check_excludable(self):
        wrong = self.filtered(
            lambda move: not move.l10n_fr_urssaf_excluded
            and move.l10n_fr_urssaf_state not in ("to_send", "error")
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Only an invoice to send to Urssaf, or rejected at sending, can "
                    "be marked without avance immédiate: %(invoices)s.",
                    invoices=", ".join(wrong.mapped("display_name")),
                )
            )

    def action_l10n_fr_urssaf_include(self):
        """Back to the avance immédiate: the invoice is to send again."""
        self._l10n_fr_urssaf_check_sender()
        self._l10n_fr_urssaf_set_excluded(False)

    def _l10n_fr_urssaf_set_excluded(self, excluded):
        self.l10n_fr_urssaf_excluded = excluded
        self._l10n_fr_urssaf_renew_pdf()

    def _l10n_fr_urssaf_renew_pdf(self):
        """The PDF kept since Send & Print says who collects the invoice:
        when that changes, Odoo's own detaching makes it print a new one
        (the old one stays in the chatter)."""
        self.sudo()._detach_attachments()

    # ------------------------------------------------------------ checks

    def _l10n_fr_urssaf_check_sender(self):
        self.env["res.company"]._l10n_fr_urssaf_check_user()

    def _l10n_fr_urssaf_send_problems(self):
        """Every reason why this invoice cannot go to Urssaf, in the user's
        language, before anything is sent (empty when it can)."""
        self.ensure_one()
        problems = self._l10n_fr_urssaf_invoice_problems()
        if self.move_type != "out_invoice":
            return problems
        problems += self._l10n_fr_urssaf_customer_problems()
        problems += self._l10n_fr_urssaf_period_problems()
        problems += self._l10n_fr_urssaf_line_problems()
        if problems:
            return problems
        payload = build_payment_request_payload(self._l10n_fr_urssaf_payment_request())
        french = (self.env.lang or "").startswith("fr")
        return [
            problem.message_fr if french else problem.message_en
            for problem in validate_payment_request_payload(payload)
        ]

    def _l10n_fr_urssaf_invoice_problems(self):
        _ = self.env._
        if self.move_type == "out_refund":
            return [
                _(
                    "Credit notes are never sent to Urssaf: to cancel an invoice "
                    "Urssaf holds, request its cancellation from the invoice."
                )
            ]
        if self.move_type != "out_invoice":
            return [_("Only customer invoices can be sent to Urssaf.")]
        problems = []
        if self.state != "posted":
            problems.append(_("Confirm the invoice first."))
        if self.l10n_fr_urssaf_excluded:
            problems.append(
                _(
                    "Marked without avance immédiate: the customer pays this invoice "
                    "directly. If Urssaf must pay it, use “With avance immédiate” on "
                    "the invoice first."
                )
            )
        if self.currency_id.name != "EUR":
            problems.append(
                _(
                    "Urssaf only pays invoices in euros; this one is in %(currency)s.",
                    currency=self.currency_id.name,
                )
            )
        live = (
            self.sudo()
            ._l10n_fr_urssaf_requests()
            .filtered(lambda r: r.state in LIVE_STATES)[:1]
        )
        if live:
            problems.append(
                _(
                    "Already sent to Urssaf (payment request %(request)s): an "
                    "invoice number is sent only once.",
                    request=live.display_name,
                )
            )
        elif not self.currency_id.is_zero(self.amount_total - self.amount_residual):
            problems.append(
                _(
                    "A payment is already recorded on this invoice: with the avance "
                    "immédiate, Urssaf pays the whole invoice. Remove the payment, "
                    "or do not send the invoice."
                )
            )
        if not self.company_id.l10n_fr_urssaf_sap_number:
            problems.append(
                _(
                    "Enter the SAP number of %(company)s in the settings.",
                    company=self.company_id.display_name,
                )
            )
        return problems

    def _l10n_fr_urssaf_customer_problems(self):
        _ = self.env._
        partner = self.partner_id
        if not partner.l10n_fr_urssaf_customer_id:
            return [
                _(
                    "%(customer)s is not registered with Urssaf: register the "
                    "customer from the Avance immédiate tab of the contact.",
                    customer=partner.display_name,
                )
            ]
        if partner.l10n_fr_urssaf_elsewhere:
            return [partner._l10n_fr_urssaf_elsewhere_message()]
        if partner.l10n_fr_urssaf_company_id != self.company_id:
            return [
                _(
                    "%(customer)s is registered with Urssaf by %(company)s: only that "
                    "company can invoice them with the avance immédiate.",
                    customer=partner.display_name,
                    company=partner.l10n_fr_urssaf_company_id.sudo().display_name,
                )
            ]
        if partner.l10n_fr_urssaf_state != "active":
            states = dict(
                partner._fields["l10n_fr_urssaf_state"]._description_selection(self.env)
            )
            return [
                _(
                    "The Urssaf account of %(customer)s is not active (%(state)s): "
                    "the customer must activate it from the Urssaf e-mail first. Use "
                    "Update Urssaf status on the contact once done.",
                    customer=partner.display_name,
                    state=states.get(partner.l10n_fr_urssaf_state),
                )
            ]
        if not partner.l10n_fr_urssaf_birth_date:
            return [
                _(
                    "Enter the birth date of %(customer)s.",
                    customer=partner.display_name,
                )
            ]
        return []

    def _l10n_fr_urssaf_period_problems(self):
        """Every problem of the service period, on Urssaf's clock (see
        lib.formats), whatever the user's time zone."""
        _ = self.env._
        start, end = self.l10n_fr_urssaf_service_start, self.l10n_fr_urssaf_service_end
        if not (start and end):
            return [_("Enter the service start and end dates (Avance immédiate).")]
        if end < start:
            return [_("The service end date is before its start date.")]
        problems = []
        if (start.year, start.month) != (end.year, end.month):
            problems.append(
                _(
                    "The services must be within one calendar month: Urssaf refuses "
                    "a period over two months. Make one invoice per month."
                )
            )
        if end > last_sendable_day():
            problems.append(
                _(
                    "The service end date is in the future: send the invoice once "
                    "the services are performed."
                )
            )
        activation = self.partner_id.l10n_fr_urssaf_activation_date
        if activation and start < urssaf_date(activation):
            problems.append(
                _(
                    "The services start on %(start)s, before %(customer)s activated "
                    "the Urssaf account (%(activation)s): only services from the "
                    "activation on can be paid by Urssaf. Move the start date, or "
                    "invoice the earlier services without the avance immédiate.",
                    start=format_date(self.env, start),
                    customer=self.partner_id.display_name,
                    activation=format_date(self.env, urssaf_date(activation)),
                )
            )
        return problems

    def _l10n_fr_urssaf_lines(self):
        return self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )

    def _l10n_fr_urssaf_line_problems(self):
        _ = self.env._
        lines = self._l10n_fr_urssaf_lines()
        if not lines:
            return [_("The invoice has no service line.")]
        problems = []
        for line in lines:
            if line.price_total < 0 or line.quantity < 0:
                problems.append(
                    _(
                        "Line %(line)s is negative: Urssaf refuses negative amounts, "
                        "such as a discount line. Lower the unit price, or use the "
                        "discount column, instead.",
                        line=line._l10n_fr_urssaf_label(),
                    )
                )
            elif not line.quantity:
                problems.append(
                    _(
                        "Line %(line)s has no quantity.",
                        line=line._l10n_fr_urssaf_label(),
                    )
                )
            if not line.l10n_fr_urssaf_nature_code:
                problems.append(
                    _(
                        "Line %(line)s has no Urssaf service nature: reset the "
                        "invoice to draft and choose it in the Urssaf Service Nature "
                        "column of the line. %(product)s",
                        line=line._l10n_fr_urssaf_label(),
                        product=self._l10n_fr_urssaf_nature_hint(),
                    )
                )
        return problems

    def _l10n_fr_urssaf_nature_hint(self):
        # Invoicing users only read products: someone else sets it there.
        if self.env["product.template"].has_access("write"):
            return self.env._(
                "For the next invoices, set it on the product too (Urssaf Service "
                "Nature, General Information tab)."
            )
        return self.env._(
            "For the next invoices, ask who manages the products to set it on the "
            "product (Urssaf Service Nature, General Information tab)."
        )

    # ------------------------------------------------------------ payload

    def _l10n_fr_urssaf_payment_request(self):
        """The invoice as ``lib`` expects it."""
        self.ensure_one()
        partner = self.partner_id
        start, end = self._l10n_fr_urssaf_period_bounds()
        company = self.company_id
        return PaymentRequest(
            customer_id=partner.l10n_fr_urssaf_customer_id,
            customer_birth_date=partner.l10n_fr_urssaf_birth_date,
            invoice_number=self.name,
            invoice_date=self.invoice_date,
            start=start,
            end=end,
            intervenant=company.l10n_fr_urssaf_intervenant
            or company.l10n_fr_urssaf_sap_number
            or "",
            lines=[
                line._l10n_fr_urssaf_service_line()
                for line in self._l10n_fr_urssaf_lines()
            ],
            total=self.amount_total,
        )

    def _l10n_fr_urssaf_period_bounds(self):
        """Start and end as sent (see lib.formats on the clock): midnight UTC,
        except on the activation day where the start is just after the
        activation time (quirk 7), or now in the margin's first minute: both
        are after the activation, and now is not in the future."""
        start = urssaf_day_start(self.l10n_fr_urssaf_service_start)
        end = urssaf_day_start(self.l10n_fr_urssaf_service_end)
        activation = self.partner_id.l10n_fr_urssaf_activation_date
        if activation and urssaf_date(activation) == start.date():
            after = min(activation + ACTIVATION_MARGIN, fields.Datetime.now())
            start = max(start, after.replace(tzinfo=timezone.utc))
        return start, max(end, start)

    # ------------------------------------------------------------ sending

    def action_l10n_fr_urssaf_send(self):
        """Open the send wizard on these invoices."""
        self._l10n_fr_urssaf_check_sender()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send to Urssaf"),
            "res_model": "l10n.fr.urssaf.send",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": self.ids},
        }

    def _l10n_fr_urssaf_lock(self):
        """The invoices nobody else is sending right now, locked until the end
        of this transaction."""
        if not self:
            return self
        self.env.cr.execute(
            SQL(
                # In id order: the calls' batches do not depend on where
                # the rows happen to lie in the table.
                "SELECT id FROM account_move WHERE id IN %s ORDER BY id "
                "FOR NO KEY UPDATE SKIP LOCKED",
                tuple(self.ids),
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _l10n_fr_urssaf_lock_free(self):
        """Lock the invoices nobody else is sending; the others are results."""
        locked = self._l10n_fr_urssaf_lock()
        busy = self.env._("Someone is sending this invoice right now.")
        return locked, {move: ("not_sent", busy) for move in self - locked}

    def _l10n_fr_urssaf_send(self):
        """Send these invoices as payment requests, 10 per call.

        Before a call goes out, its invoices are marked in flight and
        committed: each gets its request in state ``to_reconcile``, the state
        of a lost answer. Whatever happens next (answer lost, crash, killed
        worker), the request is searched by its number at Urssaf by the status
        cron, never sent again. Each answer is recorded and committed as it
        comes; the next call runs meanwhile in a worker thread (as the
        refresh does), which only touches the client, never the ORM.

        :return: ``{move: (outcome, message)}`` with outcome ``sent``,
            ``rejected``, ``not_sent`` or ``unknown``
        """
        self._l10n_fr_urssaf_check_sender()
        locked, results = self._l10n_fr_urssaf_lock_free()
        ready = self.browse()
        for move, problems in locked._l10n_fr_urssaf_sending_problems().items():
            if problems:
                results[move] = ("not_sent", "\n".join(problems))
            else:
                ready |= move
        by_company = ready.grouped("company_id")
        # Every company's credentials first: better no call than some.
        for company in by_company:
            company._l10n_fr_urssaf_check_credentials()
        for company, moves in by_company.items():
            with company._l10n_fr_urssaf_client(moves) as client:
                results.update(moves._l10n_fr_urssaf_send_calls(client))
        due = self.env["l10n.fr.urssaf.payment.request"].search(
            [("move_id", "in", ready.ids), ("next_check", "!=", False)],
            order="next_check",
            limit=1,
        )
        if due:
            self.env.ref(
                "l10n_fr_urssaf_avance_immediate.ir_cron_payment_request_status"
            )._trigger(at=due.next_check)
        return results

    def _l10n_fr_urssaf_send_calls(self, client):
        """The calls of one company's invoices, 10 per call, pipelined: while
        call k runs, batch k - 1's answer is recorded and batch k + 1 marked
        in flight, both committed at once before call k + 1 goes out."""
        results = {}
        journal = client.on_exchange
        batches = iter(
            self.browse(ids) for ids in split_every(MAX_ITEMS_PER_CALL, self.ids)
        )

        def mark_next():
            batch = next(batches, None)
            return batch and batch._l10n_fr_urssaf_send_batch(client)

        with ThreadPoolExecutor(max_workers=1) as worker:

            def call(function, *args):
                return worker.submit(function, *args).result()

            def send(marked):
                payloads = marked and marked[1]
                future = payloads and worker.submit(
                    client.submit_payment_requests, payloads
                )
                return marked and (marked, future)

            marked = mark_next()
            following = mark_next()
            self._l10n_fr_urssaf_commit()
            out = send(marked)
            while out:
                (moves, payloads, requests, not_sent), future = out
                submissions = future.result() if future else []
                # Journaled before anything else (own transaction): what was
                # sent stays known even if recording the answer fails.
                journal.forget(
                    requests.browse(
                        request.id
                        for request, submission in zip(
                            requests, submissions, strict=True
                        )
                        if submission.outcome == "retry"
                    )
                )
                journal.flush(count=journal.pending())
                out = send(following)  # marked and committed: it may go
                results.update(not_sent)
                results.update(
                    moves._l10n_fr_urssaf_record(
                        client, payloads, submissions, requests, call
                    )
                )
                following = mark_next()
                self._l10n_fr_urssaf_commit()
        return results

    def _l10n_fr_urssaf_commit(self):
        if self._l10n_fr_urssaf_can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _l10n_fr_urssaf_can_commit(self):
        """Odoo's rule (not in tests), and not while modules load: the demo
        data sends invoices inside the installation's transaction."""
        return self._can_commit() and self.env.registry.ready

    def _l10n_fr_urssaf_sending_problems(self):
        """``{move: problems}`` as :meth:`_l10n_fr_urssaf_send_problems` says
        them, the invoices, customers, lines, products and requests read for
        all these invoices at once (prefetched among themselves only)."""
        moves = self.with_prefetch()
        return {move: move._l10n_fr_urssaf_send_problems() for move in moves}

    def _l10n_fr_urssaf_send_batch(self, client):
        """Lock these (at most 10) invoices again, check them again (a commit
        since the first check let others change or send them), and mark those
        that can go as in flight.

        :return: ``(moves, payloads, requests, results)``: the invoices that
            go, their payloads and in-flight requests (same order), and the
            results of the others
        """
        _ = self.env._
        environment = self.company_id.sudo().l10n_fr_urssaf_environment
        locked, results = self._l10n_fr_urssaf_lock_free()
        # Read once locked (the checks below read them too).
        sent = locked.filtered(
            lambda move: any(
                request.state != "error" and request.environment == environment
                for request in move.sudo().l10n_fr_urssaf_request_ids
            )
        )
        for move in sent:
            results[move] = ("not_sent", _("Already sent to Urssaf meanwhile."))
        moves = self.browse()
        checked = (locked - sent)._l10n_fr_urssaf_sending_problems()
        for move, problems in checked.items():
            if problems:
                results[move] = ("not_sent", "\n".join(problems))
            else:
                moves |= move
        payloads = [
            build_payment_request_payload(move._l10n_fr_urssaf_payment_request())
            for move in moves
        ]
        requests = moves._l10n_fr_urssaf_mark_in_flight(payloads)
        client.on_exchange.know(requests)
        locked.filtered("l10n_fr_urssaf_queued_by_id").sudo().write(
            {"l10n_fr_urssaf_queued_by_id": False}
        )
        return moves, payloads, requests, results

    def _l10n_fr_urssaf_mark_in_flight(self, payloads):
        """Create these invoices' requests, in one create, as sent with no
        answer yet (``to_reconcile``, checked by number after the polling
        interval unless the answer comes first).

        :return: the requests, in the order of the invoices
        """
        now = fields.Datetime.now()
        environment = self.company_id.sudo().l10n_fr_urssaf_environment
        return (
            self.env["l10n.fr.urssaf.payment.request"]
            .sudo()
            .create(
                [
                    {
                        "name": payload["numFactureTiers"],
                        "move_id": move.id,
                        "partner_id": move.partner_id.id,
                        "company_id": move.company_id.id,
                        "amount": move.amount_total,
                        "sent_date": now,
                        "environment": environment,
                        "state": "to_reconcile",
                        "error_message": self._l10n_fr_urssaf_lost_message(),
                        "next_check": now + POLL_INTERVAL["to_reconcile"],
                    }
                    for move, payload in zip(self, payloads, strict=True)
                ]
            )
        )

    def _l10n_fr_urssaf_lost_message(self):
        return self.env._(
            "The Urssaf answer was lost: Urssaf may have received the invoice. "
            "It will be checked by its number; do not send it again meanwhile."
        )

    def _l10n_fr_urssaf_queue(self):
        """Send in the background (large selections), as Odoo's batch Send &
        Print does; the user is notified when done."""
        self._l10n_fr_urssaf_check_sender()
        self.sudo().l10n_fr_urssaf_queued_by_id = self.env.user
        self.env.ref(CRON_SEND)._trigger()

    @api.model
    def _cron_l10n_fr_urssaf_send(self):
        """Send the next queued invoices (a chunk per call, Odoo's cron calls
        again while some remain), as the users who queued them, each batch of
        10 committed on its own: a killed worker resumes where it was.

        Copies of this cron job share the queue (several Odoo servers, see the
        README): each run claims its chunk, and wakes the copies up when more
        invoices wait."""
        total = self.search_count([("l10n_fr_urssaf_queued_by_id", "!=", False)])
        if total > BACKGROUND_CHUNK:
            running = self.env["ir.cron"].browse(self.env.context.get("cron_id"))
            for worker in cron_workers(self.env, CRON_SEND) - running:
                worker._trigger()
        now = fields.Datetime.now()
        chunk = claim(
            self.sudo(),
            SQL(
                "l10n_fr_urssaf_queued_by_id IS NOT NULL "
                "AND COALESCE(l10n_fr_urssaf_queue_lease, %s) <= %s",
                now,
                now,
            ),
            BACKGROUND_CHUNK,
            "l10n_fr_urssaf_queue_lease",
            now + QUEUE_LEASE,
        ).with_env(self.env)
        for user, moves in chunk.grouped("l10n_fr_urssaf_queued_by_id").items():
            try:
                moves.with_user(user)._l10n_fr_urssaf_send()
            except RedirectWarning as exc:
                # Credentials missing: settings to complete, not a bug.
                _logger.warning("Background sending to Urssaf: %s", exc.args[0])
            except Exception:  # pylint: disable=broad-except
                # Back to the last batch committed; the user is told below.
                _logger.exception("Background sending to Urssaf failed")
                if self._l10n_fr_urssaf_can_commit():
                    self.env.cr.rollback()  # pylint: disable=invalid-commit
            # Those not sent (problems, an error) leave the queue too; those
            # another worker is sending stay, for it to finish.
            locked, _busy = moves._l10n_fr_urssaf_lock_free()
            # The lease goes with them: queued again, they are free at once.
            locked.filtered("l10n_fr_urssaf_queued_by_id").sudo().write(
                {
                    "l10n_fr_urssaf_queued_by_id": False,
                    "l10n_fr_urssaf_queue_lease": False,
                }
            )
            if not self.search_count([("l10n_fr_urssaf_queued_by_id", "=", user.id)]):
                self._l10n_fr_urssaf_notify_sent(user)
            if self._l10n_fr_urssaf_can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env["ir.cron"]._notify_progress(
            done=len(chunk), remaining=max(total - len(chunk), 0)
        )

    def _l10n_fr_urssaf_notify_sent(self, user):
        _ = self.with_user(user).with_context(lang=user.lang).env._
        user.partner_id._bus_send(
            "simple_notification",
            {
                "title": _("Avance immédiate"),
                "message": _(
                    "Background sending to Urssaf done. The invoices not sent, and "
                    "why, are under the Avance immédiate filters of the invoices."
                ),
                "type": "info",
                "sticky": True,
            },
        )

    def _l10n_fr_urssaf_record(
        self, client, payloads, submissions, requests, call=None
    ):
        """Record a call's results (:class:`lib.client.SubmissionResult`) on
        these invoices' in-flight requests (invoices, payloads, results and
        requests in the same order), in bulk: the requests' writes, one note
        each logged in one create per model, their status history in one
        create. The requests of invoices the call certainly did not bring to
        Urssaf are deleted: those invoices are to send again.

        :param call: runs a method of the client in the thread that owns it
            (default: here)
        :return: ``{move: (outcome, message)}``
        """
        _ = self.env._
        explain = self.env["res.company"]._l10n_fr_urssaf_explain
        # Urssaf's answer, recorded whoever sends (invoicing users only read
        # requests).
        Request = self.env["l10n.fr.urssaf.payment.request"].sudo()
        now = fields.Datetime.now()
        results, notes, adopted, rows = {}, {}, [], []
        unsent = Request
        for move, payload, submission, request in zip(
            self, payloads, submissions, requests, strict=True
        ):
            outcome = submission.outcome
            codes = [error.code for error in submission.errors]
            if outcome == "rejected" and codes == ["ERR_FACTURE_DOUBLON"]:
                try:
                    info = move._l10n_fr_urssaf_find_own(client, payload, call)
                except UrssafError:
                    # Ours or another invoice's? Checked later by its number,
                    # never taken for a rejection meanwhile.
                    info, outcome = None, "unknown"
                if info:
                    # Ours, from a sending whose answer was lost: adopt it.
                    message = _(
                        "Urssaf already had this invoice from an earlier sending "
                        "whose answer was lost; it is now followed here."
                    )
                    adopted.append((request, info))
                    notes[request] = message
                    results[move] = ("sent", message)
                    continue
            if outcome == "accepted":
                request.write(
                    {
                        "urssaf_id": submission.payment_request_id,
                        "status_code": submission.status or "10",
                        "state": "sent",
                        "status_date": now,
                        "next_check": now + timedelta(minutes=5),
                        "error_message": False,
                    }
                )
                message = note = _(
                    "Sent to Urssaf: payment request %(id)s. The customer will be "
                    "asked to validate it.",
                    id=submission.payment_request_id,
                )
                result = "sent"
            elif outcome == "rejected":
                message = self.env["res.company"]._l10n_fr_urssaf_explain_codes(
                    submission.errors
                )
                request.write(
                    {
                        "state": "error",
                        "error_codes": ", ".join(codes),
                        "error_message": message,
                        "next_check": False,
                    }
                )
                note = _("Urssaf rejected the invoice:\n%(why)s", why=message)
                result = "rejected"
            elif outcome == "unknown":
                message = note = self._l10n_fr_urssaf_lost_message()
                request.write(
                    {
                        "error_codes": submission.error and submission.error.code,
                        "next_check": now,
                    }
                )
                result = "unknown"
            else:
                unsent |= request
                results[move] = ("not_sent", explain(submission.error))
                continue
            notes[request] = note
            rows.append(request._history_values("M050", submission.exchange_ref, now))
            results[move] = (result, message)
        unsent._forget_unsent()
        rows += Request._apply_infos(adopted, now)
        Request._post_notes(notes)
        Request._create_history(rows)
        return results

    def _l10n_fr_urssaf_find_own(self, client, payload, call=None):
        """The request Urssaf holds under this number, if it is this very
        invoice (same customer and amount), else None.

        :param call: runs the client's search (default: here)
        :raises UrssafError: when Urssaf cannot tell
        """
        search = client.search_by_invoice_numbers
        numbers = [payload["numFactureTiers"]]
        found = call(search, numbers) if call else search(numbers)
        for info in found.items:
            if is_own(info, payload["idClient"], payload["mntFactureTTC"], self):
                return info
        return None

    # ------------------------------------------------------------ following

    def action_l10n_fr_urssaf_refresh(self):
        return self.l10n_fr_urssaf_request_ids.filtered(
            lambda r: r.state in (*OPEN_STATES, "paid")
        ).action_refresh()

    def action_l10n_fr_urssaf_requests(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_fr_urssaf_avance_immediate.action_payment_request"
        )
        action["domain"] = [("move_id", "in", self.ids)]
        if self.l10n_fr_urssaf_request_count == 1:
            action.update(
                view_mode="form",
                views=[(False, "form")],
                res_id=self.l10n_fr_urssaf_request_ids.id,
            )
        return action

    def _l10n_fr_urssaf_simulate(self, action):
        self.ensure_one()
        if not self.l10n_fr_urssaf_request_id:
            raise UserError(self.env._("The invoice was not sent to Urssaf."))
        return getattr(self.l10n_fr_urssaf_request_id, action)()

    def action_l10n_fr_urssaf_simulate_validate(self):
        return self._l10n_fr_urssaf_simulate("action_simulate_validate")

    def action_l10n_fr_urssaf_simulate_pay(self):
        return self._l10n_fr_urssaf_simulate("action_simulate_pay")

    def action_l10n_fr_urssaf_simulate_cancel(self):
        return self._l10n_fr_urssaf_simulate("action_simulate_cancel")

    # ------------------------------------------------------------ cancellation

    def button_request_cancel(self):
        if self.l10n_fr_urssaf_state:
            return self.action_l10n_fr_urssaf_cancel()
        return super().button_request_cancel()

    def action_l10n_fr_urssaf_cancel(self):
        """Open the cancellation dialog: credit note, and Urssaf's cancellation
        when Urssaf holds the request."""
        self.ensure_one()
        self._l10n_fr_urssaf_check_sender()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request cancellation"),
            "res_model": "l10n.fr.urssaf.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def _l10n_fr_urssaf_cancel_problem(self):
        """Why this invoice cannot be cancelled now, or None."""
        self.ensure_one()
        _ = self.env._
        if self.move_type != "out_invoice" or self.state != "posted":
            return _("Only a confirmed customer invoice can be cancelled this way.")
        if self.l10n_fr_urssaf_cancelled:
            return _("This invoice is already cancelled: re-issue it if needed.")
        if self.l10n_fr_urssaf_state == "to_reconcile":
            return _(
                "Urssaf's answer to the sending was lost and is being checked: "
                "update the Urssaf status first, then cancel."
            )
        return None

    def _l10n_fr_urssaf_cancel(self, reason, comment=None):
        """Cancel the invoice with a full credit note reconciled with it, and
        mark its request for Urssaf's cancellation when Urssaf holds it.

        :return: the credit note
        """
        self.ensure_one()
        self._l10n_fr_urssaf_check_sender()
        problem = self._l10n_fr_urssaf_cancel_problem()
        if problem:
            raise UserError(problem)
        request = self._l10n_fr_urssaf_latest_request()
        held = request.state in HELD_STATES
        reasons = dict(
            request._fields["cancel_reason"]._description_selection(self.env)
        )
        # cancel=True reconciles the credit note with the invoice, after
        # unreconciling a payout: it becomes the customer's credit until
        # Urssaf debits it back.
        refund = (
            self.with_context(l10n_fr_urssaf_cancelling=CANCELLING)
            ._reverse_moves(
                [
                    {
                        "ref": self.env._(
                            "Cancellation of %(invoice)s: %(reason)s",
                            invoice=self.name,
                            reason=reasons[reason],
                        ),
                        "invoice_date": fields.Date.context_today(self),
                    }
                ],
                cancel=True,
            )
            .with_env(self.env)
        )
        self.sudo().l10n_fr_urssaf_cancelled = True
        message = self.env._(
            "Cancelled by credit note %(refund)s (%(reason)s).",
            refund=refund.name,
            reason=reasons[reason],
        )
        if comment:
            message += " " + comment
        if held:
            now = fields.Datetime.now()
            request.sudo().write(
                {
                    "state": "cancel_requested",
                    "cancel_reason": reason,
                    "cancel_comment": comment,
                    "next_check": now + timedelta(hours=1),
                }
            )
            request._create_history(
                [request._history_values("cancellation", None, now)]
            )
            message += " " + self.env._(
                "Urssaf still holds payment request %(id)s: send the cancellation "
                "e-mail to Urssaf; its status is followed until Urssaf confirms.",
                id=request.urssaf_id,
            )
        if request.payment_id:
            message += " " + self.env._(
                "Urssaf had paid %(amount)s (%(payment)s): once it cancels, Urssaf "
                "debits that amount from your account. The payout is now the "
                "customer's credit: match Urssaf's debit with it when it shows on "
                "your bank statement.",
                amount=request._format_amount(request.payment_id.amount),
                payment=request.payment_id.name,
            )
        self.message_post(body=message)
        if request:
            request.sudo().message_post(body=message)
        self._l10n_fr_urssaf_close_not_paid(message)
        return refund

    def _l10n_fr_urssaf_close_not_paid(self, feedback):
        """Mark done what a refusal (or a cancellation by Urssaf) asked: the
        invoice is cancelled, or re-issued."""
        self.sudo().activity_feedback([NOT_PAID_ACTIVITY], feedback=feedback)

    def action_l10n_fr_urssaf_cancellation_email(self):
        """The mail composer with the cancellation request to Urssaf, also to
        write it again after the dialog was closed."""
        self.ensure_one()
        self._l10n_fr_urssaf_check_sender()
        request = self._l10n_fr_urssaf_latest_request()
        template = self.env.ref(
            "l10n_fr_urssaf_avance_immediate.mail_template_cancellation_request"
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancellation e-mail to Urssaf"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": request._name,
                "default_res_ids": request.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
            },
        }

    def action_l10n_fr_urssaf_reissue(self):
        """A new draft of this cancelled invoice, same services and period,
        which gets a new number when confirmed."""
        self.ensure_one()
        self._l10n_fr_urssaf_check_sender()
        if not self.l10n_fr_urssaf_cancelled:
            raise UserError(self.env._("Cancel the invoice before re-issuing it."))
        new = self.copy()
        new.sudo().l10n_fr_urssaf_reissue_of_id = self
        # A draft has no number yet: link to it.
        self.message_post(
            body=escape(self.env._("Re-issued as a new draft invoice: %(new)s."))
            % {"new": new._get_html_link()}
        )
        new.message_post(
            body=escape(self.env._("Re-issue of the cancelled invoice %(old)s."))
            % {"old": self._get_html_link()}
        )
        self._l10n_fr_urssaf_close_not_paid(
            self.env._("Re-issued as %(new)s.", new=new.display_name)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": new.id,
        }

    # ------------------------------------------------------------ customer

    def _get_mail_template(self):
        # Send & Print's default e-mail: what the customer validates with
        # Urssaf instead of how to pay us.
        if self and not self - self._l10n_fr_urssaf_collected():
            return self.env.ref(
                "l10n_fr_urssaf_avance_immediate.mail_template_invoice_avance_immediate"
            )
        return super()._get_mail_template()

    def _has_to_be_paid(self):
        """No online payment on the portal for an invoice Urssaf collects.

        Defined by account_payment, which this addon does not depend on (hence
        super() only if there). Where it is installed, this override wins: the
        registry stacks models in module load order, by depth in the module
        graph, and this addon (over l10n_fr_account) is deeper than
        account_payment, so it comes first in the class's MRO.
        """
        if self._l10n_fr_urssaf_collected():
            return False
        standard = getattr(super(), "_has_to_be_paid", None)
        return bool(standard and standard())
