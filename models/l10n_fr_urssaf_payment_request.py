# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_amount, format_date, split_every
from odoo.tools.sql import create_index
from odoo.tools.translate import LazyTranslate

from ..lib.codes import (
    MAX_ITEMS_PER_CALL,
    PAYMENT_STATUSES,
    UNCONFIRMED_PAYMENT_STATUSES,
    payment_status_label,
)
from ..lib.exceptions import UrssafAuthError, UrssafError
from ..lib.formats import urssaf_date, urssaf_month_start
from ..lib.simulator.errors import SimulatorError
from .exchange_journal import identifiers
from .guard import claim, run_guarded
from .res_company import ENVIRONMENTS
from .ui import notification

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)


def _search(client, ids, numbers):
    """Urssaf's answer for ids and invoice numbers, and the exchange ref of
    the call by numbers, the one that misses a request without id (lib only:
    runs in a thread)."""
    infos = client.search_by_ids(ids).items if ids else []
    numbers_ref = None
    if numbers:
        infos += client.search_by_invoice_numbers(numbers).items
        numbers_ref = client.last_exchange_ref
    return infos, numbers_ref


def is_own(info, customer_id, amount, record):
    """Whether a request Urssaf found by invoice number is this invoice's:
    same customer and amount (``record`` gives the currency)."""
    sent = info.raw.get("demandePaiement") or {}
    return info.customer_id == customer_id and record.currency_id.is_zero(
        float(sent.get("mntFactureTTC") or 0) - amount
    )


# Life of a request (Urssaf status codes in brackets):
#
#   to_reconcile --(found by invoice number)--> sent / ... ; --(not found)--> error
#   sent [10] -> waiting [20] -> validated [30, 50] -> paid [70]
#   waiting -> refused [40]          validated -> unpaid [60]
#   unpaid -> cancelled [111, 112] or recovered [120]
#   any open state -> cancel_requested (our e-mail to Urssaf) -> cancelled [110]
#   error: Urssaf rejected the request at sending; it holds nothing.
STATES = [
    ("to_reconcile", "Answer lost, checking"),
    ("error", "Rejected at sending"),
    ("sent", "Sent"),
    ("waiting", "Awaiting customer"),
    ("validated", "Validated"),
    ("paid", "Paid"),
    ("refused", "Refused by the customer"),
    ("unpaid", "Unpaid"),
    ("cancel_requested", "Cancellation requested"),
    ("cancelled", "Cancelled"),
    ("recovered", "Recovered by the provider"),
    ("unknown", "Other Urssaf status"),
]
STATE_BY_STATUS = {
    "10": "sent",
    "20": "waiting",
    "30": "validated",
    "50": "validated",
    "70": "paid",
    "40": "refused",
    "60": "unpaid",
    "110": "cancelled",
    "111": "cancelled",
    "112": "cancelled",
    "120": "recovered",
}
# Urssaf may still move these, so they are polled.
OPEN_STATES = (
    "to_reconcile",
    "sent",
    "waiting",
    "validated",
    "unpaid",
    "unknown",
    "cancel_requested",
)
# The request holds the invoice number at Urssaf: the invoice is sent.
LIVE_STATES = (*OPEN_STATES, "paid", "refused", "cancelled", "recovered")
# A paid request can still turn unpaid or cancelled (CAERP watches 7 days).
PAID_WATCH = timedelta(days=7)
POLL_INTERVAL = {
    "to_reconcile": timedelta(minutes=15),
    "sent": timedelta(hours=1),
    "waiting": timedelta(hours=3),
    "validated": timedelta(hours=3),
    "unpaid": timedelta(hours=12),
    "unknown": timedelta(hours=12),
    "cancel_requested": timedelta(hours=6),
    "paid": timedelta(days=1),
}
RETRY_DELAY = timedelta(hours=1)
# Urssaf's usual pace (urssaf-api.md, money flow): the customer has 48 hours
# to validate (silence validates), the payout follows about 4 days later.
CUSTOMER_DELAY = timedelta(hours=48)
PAYOUT_DELAY = timedelta(days=4)
PAYOUT_LATE = timedelta(days=7)
FOLLOW_UPS = [
    ("customer_late", "Awaiting the customer for more than 48 hours"),
    ("payout_late", "Validated, no payout after 7 days"),
    ("refused_month", "Refused this month"),
    ("unpaid", "Unpaid or recovered"),
]
CRON_LIMIT = 5000
CRON_REFRESH = "l10n_fr_urssaf_avance_immediate.ir_cron_payment_request_status"
# A worker claims 50 calls' worth of requests at once (a claim costs two
# commits), for at most LEASE (50 calls at Urssaf's 30 s timeout: 25 min).
CLAIM_SIZE = 50 * MAX_ITEMS_PER_CALL
LEASE = timedelta(minutes=30)
# Statuses that need someone to act on the invoice: a refusal, a bounced
# debit and how the unpaid request ended.
ACTIVITY_STATUSES = ("40", "60", "111", "112", "120")
# Urssaf will not pay: the invoice is cancelled and re-issued, or paid by
# the customer directly. Their activities close with the cancellation.
NOT_PAID_STATUSES = ("40", "111", "112", "120")
# Ends after which Urssaf debits back a payout it made.
TAKEN_BACK_STATUSES = ("111", "112", "120")
NOT_PAID_ACTIVITY = "l10n_fr_urssaf_avance_immediate.mail_activity_type_not_paid"


# Reasons Urssaf records on a cancellation at the provider's request (110),
# REJECTION_REASONS' ANNUL_* codes with English labels (French in fr.po).
CANCEL_REASONS = [
    ("ANNUL_DBL", "Duplicate payment request"),
    ("ANNUL_ERR_MNT", "Wrong amount invoiced"),
    ("ANNUL_ERR_TECH", "Technical error"),
    ("ANNUL_AUTRE", "Other (say why)"),
]


# Urssaf's reasons (infoRejet.code, lib.codes.REJECTION_REASONS) in words;
# the code itself is kept for support in rejection_code.
REJECTION_LABELS = {
    "REGUL_MNT_FACT": _lt("Correction: wrong amount or rate invoiced"),
    "REGUL_NB_QTE_FACT": _lt("Correction: wrong number of hours or quantities"),
    "REGUL_PRESTA_FACT": _lt("Correction: wrong services invoiced"),
    "REGUL_AUTRE": _lt("Correction, for another reason"),
    "CONTEST_ERR_FACT": _lt("Disputed: the invoice contains an error"),
    "CONTEST_FACT_REGLEE": _lt("Disputed: the invoice was already paid"),
    "CONTEST_AUTRE": _lt("Disputed, for another reason"),
    "ANNUL_DBL": _lt("Cancelled: duplicate payment request"),
    "ANNUL_ERR_MNT": _lt("Cancelled: wrong amount invoiced"),
    "ANNUL_ERR_TECH": _lt("Cancelled: technical error"),
    "ANNUL_AUTRE": _lt("Cancelled, for another reason"),
}


def cron_workers(env, xmlid):
    """The cron job ``xmlid`` and its copies (same code), one per cron worker
    meant to share its work."""
    cron = env.ref(xmlid).sudo()
    return cron | cron.search(
        [("model_id", "=", cron.model_id.id), ("code", "=", cron.code)]
    )


def status_selection():
    return [
        *PAYMENT_STATUSES.items(),
        *UNCONFIRMED_PAYMENT_STATUSES.items(),
        ("other", "Undocumented status"),
    ]


class L10nFrUrssafPaymentRequest(models.Model):
    _name = "l10n.fr.urssaf.payment.request"
    _description = "Urssaf Payment Request"
    _inherit = ["mail.thread", "l10n.fr.urssaf.exchange.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # Invoicing users only read requests, yet write the cancellation e-mail
    # and notes on them.
    _mail_post_access = "read"

    name = fields.Char(
        string="Invoice Number",
        required=True,
        readonly=True,
        help="Number sent to Urssaf (numFactureTiers): unique forever at Urssaf.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        string="Amount Sent", readonly=True, help="Invoice total incl. VAT sent."
    )
    urssaf_id = fields.Char(
        string="Urssaf ID",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="idDemandePaiement given by Urssaf.",
    )
    status_code = fields.Char(
        string="Urssaf Status Code",
        readonly=True,
        help="Status code as Urssaf returned it, even when undocumented.",
    )
    status = fields.Selection(
        selection=status_selection(),
        string="Urssaf Status",
        compute="_compute_status",
        store=True,
        # In the INSERT of a create of many, not in an UPDATE after it.
        precompute=True,
    )
    state = fields.Selection(
        selection=STATES,
        required=True,
        readonly=True,
        default="sent",
    )
    rejection_code = fields.Char(
        string="Reason Code", readonly=True, help="Urssaf's code, for its support."
    )
    rejection_label = fields.Char(string="Reason", compute="_compute_rejection_label")
    rejection_comment = fields.Text(
        string="Customer's Comment",
        readonly=True,
        help="Text typed by the customer when refusing, or by Urssaf.",
    )
    error_codes = fields.Char(readonly=True)
    error_message = fields.Text(
        string="Why Urssaf Rejected It",
        readonly=True,
        help="Urssaf's errors explained, with what to do.",
    )
    # The bank reconciliation looks payouts up by date.
    transfer_date = fields.Date(
        string="Payout Date", readonly=True, index="btree_not_null"
    )
    transfer_amount = fields.Monetary(string="Payout Amount", readonly=True)
    payment_id = fields.Many2one(
        "account.payment",
        string="Payout Payment",
        readonly=True,
        copy=False,
    )
    cancel_reason = fields.Selection(
        selection=CANCEL_REASONS,
        string="Cancellation Reason",
        readonly=True,
        help="Reason given to Urssaf when asking for the cancellation.",
    )
    cancel_comment = fields.Text(string="Cancellation Comment", readonly=True)
    # The list's order, and its "Sent on" filter.
    sent_date = fields.Datetime(readonly=True, default=fields.Datetime.now, index=True)
    status_date = fields.Datetime(
        string="Status Since", readonly=True, help="When we saw the status change."
    )
    last_check = fields.Datetime(readonly=True)
    next_check = fields.Datetime(readonly=True, index=True)
    environment = fields.Selection(
        selection=ENVIRONMENTS,
        string="Urssaf Environment",
        required=True,
        readonly=True,
        help="Where it was sent: a request of a local simulation is never polled "
        "at the real Urssaf, nor the reverse.",
    )
    is_simulation = fields.Boolean(
        string="Local Simulation", compute="_compute_is_simulation"
    )
    status_history_ids = fields.One2many(
        "l10n.fr.urssaf.request.status",
        "request_id",
        string="Status History",
        readonly=True,
    )
    # The follow-up dashboard's filters and measures.
    follow_up = fields.Selection(
        selection=FOLLOW_UPS,
        string="Follow-up",
        compute="_compute_follow_up",
        search="_search_follow_up",
        help="What to look into: still awaiting the customer after 48 hours "
        "(Urssaf validates when the customer stays silent: the status is late), "
        "no payout 7 days after the validation or the debit, refused this month "
        "(Paris time), or the customer's debit failed.",
    )
    expected_payout_date = fields.Date(
        compute="_compute_expected_payout_date",
        store=True,
        help="The payout date once Urssaf paid; before, an estimate: the "
        "customer has 48 hours to validate, Urssaf pays about 4 days after the "
        "validation (counted from the last status seen: validated or debited).",
    )
    refusal_rate = fields.Float(
        string="Refusal Rate (%)",
        compute="_compute_refusal_rate",
        store=True,
        aggregator="avg",
        help="100 for a request the customer refused, else 0: its average over "
        "the requests Urssaf received is the share refused.",
    )

    _sql_constraints = [
        (
            "urssaf_id_company_unique",
            "UNIQUE(company_id, urssaf_id)",
            "Urssaf gave this payment request id twice.",
        )
    ]

    def init(self):
        # An invoice number is sent once: a single live request per invoice
        # in each environment (a local simulation sends nothing for real).
        self.env.cr.execute(
            SQL(
                "DROP INDEX IF EXISTS %s; "
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (move_id, environment) "
                "WHERE state != 'error'",
                SQL.identifier(f"{self._table}_live_move_unique"),
                SQL.identifier(f"{self._table}_live_move_environment_unique"),
                SQL.identifier(self._table),
            )
        )
        # The list's state filters, their count (up to 10,001 rows) read from
        # the index alone under the multi-company rule; it replaces the
        # state's own index of earlier versions.
        self.env.cr.execute(
            SQL(
                "DROP INDEX IF EXISTS %s", SQL.identifier(f"{self._table}__state_index")
            )
        )
        create_index(
            self.env.cr,
            f"{self._table}_state_index",
            self._table,
            ["state", "company_id"],
        )

    @api.depends("status_code")
    def _compute_status(self):
        known = dict(status_selection())
        for request in self:
            code = request.status_code
            request.status = code if code in known else (code and "other")

    @api.depends("rejection_code")
    def _compute_rejection_label(self):
        for request in self:
            code = request.rejection_code
            label = REJECTION_LABELS.get(code)
            request.rejection_label = (
                self.env._(label)
                if label
                else code and self.env._("Reason not documented by Urssaf")
            )

    @api.depends("environment", "company_id.l10n_fr_urssaf_environment")
    def _compute_is_simulation(self):
        for request in self:
            request.is_simulation = (
                request.environment
                == request.company_id.l10n_fr_urssaf_environment
                == "simulation"
            )

    @api.model
    def _follow_up_domains(self):
        now = fields.Datetime.now()
        return {
            "customer_late": [
                ("state", "=", "waiting"),
                ("status_date", "<=", now - CUSTOMER_DELAY),
            ],
            "payout_late": [
                ("state", "=", "validated"),
                ("status_date", "<=", now - PAYOUT_LATE),
            ],
            "refused_month": [
                ("state", "=", "refused"),
                ("status_date", ">=", urssaf_month_start(now)),
            ],
            "unpaid": [("state", "in", ("unpaid", "recovered"))],
        }

    def _compute_follow_up(self):
        domains = self._follow_up_domains()
        for request in self:
            request.follow_up = next(
                (
                    key
                    for key, domain in domains.items()
                    if request.filtered_domain(domain)
                ),
                False,
            )

    def _search_follow_up(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(
                self.env._(
                    "The Follow-up field can only be searched with “is”, “is not”, "
                    "“is in” or “is not in”: change the operator of your filter."
                )
            )
        domains = self._follow_up_domains()
        values = value if isinstance(value, list | tuple) else [value]
        if False in values:
            # No follow-up: none of them.
            values = [key for key in domains if key not in values]
            operator = "!=" if operator in ("=", "in") else "="
        domain = expression.OR([domains[key] for key in values if key in domains])
        return domain if operator in ("=", "in") else ["!", *domain]

    @api.depends("state", "status_date", "sent_date", "transfer_date")
    def _compute_expected_payout_date(self):
        for request in self:
            since = {
                "sent": (request.sent_date, CUSTOMER_DELAY + PAYOUT_DELAY),
                "waiting": (request.status_date, CUSTOMER_DELAY + PAYOUT_DELAY),
                "validated": (request.status_date, PAYOUT_DELAY),
            }.get(request.state)
            request.expected_payout_date = request.transfer_date or (
                since and since[0] and urssaf_date(since[0] + since[1])
            )

    @api.depends("state")
    def _compute_refusal_rate(self):
        for request in self:
            request.refusal_rate = 100.0 if request.state == "refused" else 0.0

    @api.depends("name", "state")
    def _compute_display_name(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        for request in self:
            request.display_name = f"{request.name} ({states.get(request.state)})"

    def _creation_message(self):
        # Odoo's "%s created" cannot agree in French with "demande".
        return self.env._("Payment request created.")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_live(self):
        if any(request.state in LIVE_STATES for request in self):
            raise UserError(
                self.env._(
                    "A payment request Urssaf holds cannot be deleted: it is the "
                    "trace of what was sent."
                )
            )

    def _forget_unsent(self):
        """Delete these in-flight requests of a call that certainly did not
        reach Urssaf (nothing processed): their invoices are to send again,
        as if never sent. No longer live first, else they could not go."""
        if self:
            self.sudo().write({"state": "error"})
            self.sudo().unlink()

    # ------------------------------------------------------------- following

    def action_refresh(self):
        """Update status, on demand, for the requests Urssaf may still move."""
        self.env["account.move"]._l10n_fr_urssaf_check_sender()
        requests = self.filtered(lambda r: r.state in (*OPEN_STATES, "paid"))
        if not requests:
            raise UserError(
                self.env._("These payment requests can no longer change at Urssaf.")
            )
        before = {request: (request.state, request.status) for request in requests}
        errors = requests._refresh()
        if errors:
            raise UserError("\n".join(sorted(set(errors.values()))))
        return requests._refresh_notification(before)

    def _refresh_notification(self, before):
        """Say what the update changed, in words, or that nothing did; then
        reload the screen.

        :param before: ``{request: (state, status)}`` before the update
        """
        _ = self.env._
        labels = {
            name: dict(self._fields[name]._description_selection(self.env))
            for name in ("state", "status")
        }
        changes = []
        for request in self:
            old_state, old_status = before[request]
            # Urssaf's status tells more when the state stays (30 -> 50).
            name = "state" if request.state != old_state else "status"
            old = old_state if name == "state" else old_status
            if request[name] != old:
                changes.append(
                    _(
                        "%(request)s: %(old)s → %(new)s.",
                        request=request.name,
                        old=labels[name].get(old) or "-",
                        new=labels[name].get(request[name]) or "-",
                    )
                )
        if changes:
            # A notification shows one paragraph.
            message, kind = " ".join(changes), "success"
        elif len(self) == 1:
            message = _(
                "No change at Urssaf: %(request)s is still %(state)s.",
                request=self.name,
                state=labels["state"].get(self.state),
            )
            kind = "info"
        else:
            message = _(
                "No change at Urssaf for these %(count)s payment requests.",
                count=len(self),
            )
            kind = "info"
        return notification(
            self.env,
            _("Urssaf status"),
            message,
            kind,
            simulation=any(request.environment == "simulation" for request in self),
            next_action={"type": "ir.actions.client", "tag": "soft_reload"},
        )

    def _refresh(self, after_batch=None):
        """Ask Urssaf for these requests: one client per company, one call per
        10 requests, each call applied in its own savepoint (see :meth:`_poll`).

        :param after_batch: called with each batch once it is applied
        :return: ``{request: error text}`` for those not refreshed
        """
        errors = {}
        # Prefetched among themselves: read through an x2many, they would
        # prefetch through its parents' cache, which each commit clears.
        requests = self.sudo().with_prefetch()._followed(errors)
        # Every batch's search keys are read now: a commit clears the cache.
        plan = [
            (company, iter(list(company_requests._batches())))
            for company, company_requests in requests.grouped("company_id").items()
        ]
        for company, batches in plan:
            failure = self._poll(company, batches, errors, after_batch)
            for batch, *_keys in batches if failure else ():
                errors.update(dict.fromkeys(batch, failure))
        return errors

    def _followed(self, errors):
        """These requests but those sent in another environment than their
        company's current one (a simulation before going live): the current
        Urssaf does not know them; they are no longer checked."""
        self.fetch(
            ["company_id", "urssaf_id", "name", "environment", "partner_id", "move_id"]
        )
        elsewhere = self.filtered(
            lambda r: r.environment != r.company_id.l10n_fr_urssaf_environment
        )
        if elsewhere:
            elsewhere.next_check = False
            errors.update(dict.fromkeys(elsewhere, self._elsewhere_message()))
        return self - elsewhere

    def _batches(self):
        """``(batch, search keys, journal keys)`` per call of 10, the keys read
        at once (see :meth:`_poll`)."""
        for ids in split_every(MAX_ITEMS_PER_CALL, self.ids):
            batch = self.browse(ids)
            yield batch, batch._search_keys(), identifiers(batch)

    @api.model
    def _poll(self, company, batches, errors, after_batch=None):
        """One call per batch of ``batches`` (an iterator of :meth:`_batches`,
        drawn one ahead), the call for the next batch running in a worker
        thread while this one is recorded, so the network wait overlaps the
        database work; the thread only touches the client, never the ORM.

        :return: the error that stopped the polling (the batches not drawn
            are left to the caller), else None
        """
        explain = self.env["res.company"]._l10n_fr_urssaf_explain
        drawn = []  # batches drawn and not recorded
        try:
            with (
                company._l10n_fr_urssaf_client() as client,
                ThreadPoolExecutor(max_workers=1) as worker,
            ):

                def draw():
                    batch, keys, about = next(batches, (None, None, None))
                    if batch is None:
                        return None
                    drawn.append(batch)
                    client.on_exchange.learn(about)
                    return batch, worker.submit(_search, client, *keys)

                following = draw()
                while following:
                    batch, call = following
                    following = draw()
                    try:
                        found = call.result()
                    except UrssafAuthError:
                        if following:
                            following[1].cancel()
                        raise
                    except UrssafError as exc:
                        errors.update(dict.fromkeys(batch, explain(exc)))
                        batch._postpone()
                    else:
                        run_guarded(
                            batch,
                            lambda records, found=found: records._apply_search(*found),
                            lambda request, exc: errors.update(
                                {request: request._fault(exc)}
                            ),
                        )
                    drawn.pop(0)  # this batch
                    # Committed with the batch (the cron commits there).
                    client.on_exchange.flush(durable=not after_batch)
                    if after_batch:
                        after_batch(batch)
        except UrssafError as exc:  # no token, or credentials refused
            failure = explain(exc)
        except RedirectWarning as exc:  # credentials missing
            failure = exc.args[0]
        else:
            return None
        for batch in drawn:
            errors.update(dict.fromkeys(batch, failure))
        return failure

    def _elsewhere_message(self):
        return self.env._(
            "Sent in another Urssaf environment than the company's current one: "
            "it is no longer followed."
        )

    def _search_keys(self):
        """Urssaf ids to search, and invoice numbers of requests without one."""
        return (
            [r.urssaf_id for r in self if r.urssaf_id],
            [r.name for r in self if not r.urssaf_id],
        )

    def _lock(self):
        """The requests of this batch nobody else is refreshing right now."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _apply_search(self, infos, numbers_ref=None):
        """Record a search's answer for this batch; requests another worker is
        refreshing are left to it.

        :param numbers_ref: exchange ref of the search by invoice numbers
        """
        requests = self._lock()
        by_id = {r.urssaf_id: r for r in requests if r.urssaf_id}
        by_number = {r.name: r for r in requests if not r.urssaf_id}
        found = {}
        for info in infos:
            request = by_id.get(info.payment_request_id)
            if not request:
                # Found by number: only this invoice's own request counts.
                request = by_number.get(info.invoice_number)
                if request and not is_own(
                    info,
                    request.partner_id.l10n_fr_urssaf_customer_id,
                    request.amount,
                    request,
                ):
                    request = None
            if request:
                found[request] = info
        now = fields.Datetime.now()
        unchanged = requests.browse()
        history, changed = [], []
        for request in requests:
            info = found.get(request)
            if info is None:
                history.append(request._apply_missing(now, numbers_ref))
            elif request._status_changed(info):
                changed.append((request, info))
            else:
                unchanged |= request
        history += self._apply_infos(changed, now)
        self._create_history(history)
        # Most polls change nothing: one UPDATE per next-check date.
        for next_check, group in unchanged.grouped(
            lambda r: r._next_check(r.state, now, r.status_date)
        ).items():
            group.write({"last_check": now, "next_check": next_check})
        # A payout that could not be booked is tried again at each poll,
        # until it is, or someone registers the payment by hand.
        for request in unchanged:
            if (
                request.state == "paid"
                and not request.payment_id
                and not request.currency_id.is_zero(request.move_id.amount_residual)
            ):
                request._book_payout()

    def _fault(self, exc):
        """An unexpected error while recording Urssaf's answer: try later, and
        tell a person (who may have to fix the data)."""
        self._postpone()
        message = self.env._(
            "The Urssaf status of %(invoice)s could not be recorded: %(error)s. "
            "It is tried again in an hour; fix the cause if it persists.",
            invoice=self.move_id.name,
            error=exc.args[0] if exc.args else self.env._("unexpected error"),
        )
        self._todo(self.env._("Avance immédiate: status not recorded"), message)
        return message

    def _todo(
        self, summary, note, log=True, activity_type="mail.mail_activity_data_todo"
    ):
        """Give the problem to a person as an activity on the invoice, once
        while it stays open; ``log`` also notes it in the chatters."""
        move = self.move_id.sudo()
        if move.activity_ids.filtered(lambda activity: activity.summary == summary):
            return
        if log:
            self._post_note(note)
        move.activity_schedule(
            activity_type,
            summary=summary,
            note=note,
            user_id=self.company_id.sudo()
            ._l10n_fr_urssaf_responsible(move.invoice_user_id)
            .id,
        )

    def _postpone(self):
        self.write({"next_check": fields.Datetime.now() + RETRY_DELAY})

    @api.model
    def _next_check(self, state, now, since):
        if state == "paid":
            since = since or now
            return now + POLL_INTERVAL["paid"] if now < since + PAID_WATCH else False
        interval = POLL_INTERVAL.get(state)
        return interval and now + interval

    def _status_changed(self, info):
        # Amounts come as Decimal, are stored as float: compare in cents.
        amount = info.transfer_amount
        return (
            info.status != self.status_code
            or info.payment_request_id != self.urssaf_id
            or info.rejection_code != (self.rejection_code or None)
            or (info.transfer_date and info.transfer_date.date())
            != (self.transfer_date or None)
            or (amount is None) != (not self.transfer_amount)
            or (
                amount is not None
                and self.currency_id.compare_amounts(
                    float(amount), self.transfer_amount
                )
                != 0
            )
        )

    def _apply_missing(self, now, exchange_ref):
        """Record that a search did not find this request; returns the history
        row to create when its state changes, else None."""
        if self.urssaf_id:
            # Urssaf lost track of a request it gave us an id for: keep
            # polling, an employee should look.
            _logger.warning("Urssaf payment request %s not found", self.id)
            self.write({"last_check": now, "next_check": now + RETRY_DELAY})
            return None
        if not self.last_check:
            # One search that misses may be too early: confirm it later
            # before the invoice is released.
            self.write({"last_check": now, "next_check": now + RETRY_DELAY / 4})
            return None
        # Answer lost at sending, and two searches found no request with this
        # number: Urssaf never received it, so it may be sent again.
        self.write(
            {
                "state": "error",
                "last_check": now,
                "next_check": False,
                "error_codes": "NOT_RECEIVED",
                "error_message": self.env._(
                    "Urssaf has no payment request for invoice %(number)s: the lost "
                    "sending never reached it. You can send the invoice again.",
                    number=self.name,
                ),
            }
        )
        self._post_note(self.error_message)
        return self._history_values("M070", exchange_ref, now)

    def _apply_info(self, info, now):
        """Record what a search returned (:class:`lib.client.PaymentRequestInfo`)
        for this request; see :meth:`_apply_infos`."""
        return self._apply_infos([(self, info)], now)[0]

    @api.model
    def _apply_infos(self, changes, now):
        """Record what searches returned for ``[(request, info)]``, in bulk:
        the requests' writes, then their invoices' state computed once, one
        note per request logged in one create per model, then activities and
        payouts, in that order for each request.

        :return: per request, the history row to create when its status
            changed, else None (the caller creates those of a batch at once)
        """
        requests = self.browse([request.id for request, _info in changes])
        moves = requests.move_id
        collected = {move: move.l10n_fr_urssaf_collected for move in moves}
        before = {request: request._history_key() for request in requests}
        notes = {}
        for request, info in changes:
            note = request._write_info(info, now)
            if note:
                notes[request] = note
        for move in moves:
            if move.l10n_fr_urssaf_collected != collected[move]:
                # Refused, or collected after all: the PDF says who to pay.
                move._l10n_fr_urssaf_renew_pdf()
        requests._post_notes(notes)
        rows = []
        for request, info in changes:
            if (
                request.payment_id
                and info.status in TAKEN_BACK_STATUSES
                and before[request][0] != info.status
            ):
                request._release_payout()
            if request in notes and info.status in ACTIVITY_STATUSES:
                request._schedule_activity(info)
            if request.state == "paid":
                request._book_payout()
            rows.append(
                None
                if request._history_key() == before[request]
                else request._history_values(
                    "M070", info.exchange_ref, now, info.status_label
                )
            )
        return rows

    def _write_info(self, info, now):
        """Write what Urssaf said of this request; returns the note to log
        when its status changed."""
        state = STATE_BY_STATUS.get(info.status, "unknown")
        status_changed = info.status != self.status_code
        waiting_cancel = self.state == "cancel_requested"
        if waiting_cancel and state in ("sent", "waiting", "validated", "paid"):
            # Urssaf has not processed our cancellation e-mail yet.
            state = "cancel_requested"
        values = {
            "urssaf_id": info.payment_request_id or self.urssaf_id,
            "status_code": info.status,
            "state": state,
            "rejection_code": info.rejection_code,
            "rejection_comment": info.rejection_comment,
            "transfer_amount": info.transfer_amount,
            "transfer_date": info.transfer_date and info.transfer_date.date(),
            "last_check": now,
        }
        if status_changed:
            values["status_date"] = now
        if self.state == "to_reconcile":
            values.update(error_codes=False, error_message=False)
        values["next_check"] = self._next_check(
            state, now, values.get("status_date", self.status_date)
        )
        self.write(values)
        if state not in STATE_BY_STATUS.values() and state != "cancel_requested":
            _logger.warning(
                "Undocumented Urssaf status %r, request %s", info.status, self.id
            )
        if not status_changed:
            return None
        message = self._status_message(info)
        if waiting_cancel and state != "cancel_requested":
            message += " " + (
                self.env._("Urssaf confirmed the cancellation.")
                if info.status == "110"
                else self.env._(
                    "Urssaf reports this status instead of the cancellation "
                    "requested: contact Urssaf."
                )
            )
        return message

    # ------------------------------------------------------------- history

    def _history_key(self):
        return self.status_code, self.state, self.rejection_code

    def _history_values(self, operation, exchange_ref, now, label=None):
        """This request's status as it stands now, as a status history row.

        :param operation: where it comes from (see the history's operations)
        :param label: Urssaf's label of the status, if it gave one
        """
        if self.state in ("error", "to_reconcile"):
            reason, comment = self.error_codes, self.error_message
        elif operation == "cancellation":
            reason, comment = self.cancel_reason, self.cancel_comment
        else:
            reason, comment = self.rejection_code, self.rejection_comment
        code = self.status_code
        return {
            "request_id": self.id,
            "move_id": self.move_id.id,
            "company_id": self.company_id.id,
            "status_code": code,
            "status_label": label or (code and payment_status_label(code)),
            "state": self.state,
            "reason_code": reason,
            "comment": comment or False,
            "seen_at": now,
            "operation": operation,
            "exchange_ref": exchange_ref,
        }

    @api.model
    def _create_history(self, rows):
        """One create for the rows of a batch (None: nothing changed)."""
        rows = [row for row in rows if row]
        if rows:
            self.env["l10n.fr.urssaf.request.status"].sudo().create(rows)

    def _status_message(self, info):
        message = self.env._(
            "Urssaf status of payment request %(id)s: %(status)s.",
            id=self.urssaf_id,
            status=info.status_label,
        )
        if self.rejection_code:
            message += " " + self.env._(
                "Reason: %(reason)s.",
                reason=self.rejection_label,
            )
        if self.rejection_comment:
            message += " " + self.env._(
                "Comment: %(comment)s", comment=self.rejection_comment
            )
        return message

    def _message_post_after_hook(self, message, msg_vals):
        # The cancellation e-mail is sent from the request: say so where
        # accountants look.
        if self.state == "cancel_requested" and message.partner_ids:
            self.move_id.sudo()._message_log(
                body=self.env._(
                    "Cancellation e-mail sent to Urssaf (%(to)s).",
                    to=", ".join(message.partner_ids.mapped("email")),
                )
            )
        return super()._message_post_after_hook(message, msg_vals)

    def _post_note(self, body):
        """Same note on the request and its invoice, where accountants look;
        logged without notifying followers (activities do that), which also
        keeps the cron light when many statuses change."""
        self._post_notes({self: body})

    @api.model
    def _post_notes(self, bodies):
        """:meth:`_post_note` for ``{request: body}``: one create per model
        (Odoo's batch logging); an invoice named twice gets its second note
        apart."""
        note = self.env["res.company"]._l10n_fr_urssaf_note
        bodies = {
            request: note(body, request.environment) for request, body in bodies.items()
        }
        if not bodies:
            return
        self.browse([request.id for request in bodies])._message_log_batch(
            {request.id: body for request, body in bodies.items()}
        )
        on_moves, again = {}, []
        for request, body in bodies.items():
            if request.move_id.id in on_moves:
                again.append((request.move_id, body))
            else:
                on_moves[request.move_id.id] = body
        Move = self.env["account.move"].sudo()
        Move.browse(list(on_moves))._message_log_batch(on_moves)
        for move, body in again:
            move.sudo()._message_log(body=body)

    def _schedule_activity(self, info):
        _ = self.env._
        # What the invoice's banner says, or, while Urssaf may still pay:
        note = self._not_paid_next_step() or _(
            "The customer's debit for payment request %(id)s bounced. Urssaf "
            "blocks the customer's account and may present the debit again; the "
            "customer may have to pay you directly. Watch the next statuses.",
            id=self.urssaf_id,
        )
        if self.payment_id and info.status in TAKEN_BACK_STATUSES:
            note += " " + _(
                "Urssaf had paid you (%(payment)s) and debits that amount back from "
                "your account: the payout no longer pays the invoice, which the "
                "customer owes you again; it stays the customer's credit until "
                "Urssaf's debit shows on your bank statement, where the "
                "reconciliation proposes it.",
                payment=self.payment_id.name,
            )
        elif self.payment_id and info.status != "40":
            note += " " + _(
                "Urssaf had paid you (%(payment)s) and will debit that amount back "
                "from your account if it cannot debit the customer.",
                payment=self.payment_id.name,
            )
        self._todo(
            self.env._("Avance immédiate: %(status)s", status=info.status_label),
            note,
            log=False,  # the status change is already noted
            activity_type=NOT_PAID_ACTIVITY
            if info.status in NOT_PAID_STATUSES
            else "mail.mail_activity_data_todo",
        )

    def _not_paid_next_step(self):
        """Why Urssaf will not pay the invoice and what to do, shown on the
        invoice until it is settled, or None while Urssaf may pay."""
        _ = self.env._
        status = self.state in ("refused", "cancelled", "recovered") and (
            self.status_code
        )
        if status == "40":
            why = _(
                "The customer refused payment request %(id)s on their Urssaf "
                "account: Urssaf will not pay this invoice. Reason: %(reason)s.",
                id=self.urssaf_id,
                reason=self.rejection_label or self.rejection_code or "-",
            )
            if self.rejection_comment:
                why += " " + _(
                    "Customer's comment: %(comment)s", comment=self.rejection_comment
                )
            step = _(
                "Next step: check the invoice with the customer. If it is wrong, "
                "cancel it with Request cancellation (a credit note), then "
                "re-issue a corrected invoice and send it to Urssaf. If the "
                "customer prefers to pay you directly, register their payment on "
                "this invoice."
            )
        elif status == "111":
            why = _(
                "Urssaf cancelled payment request %(id)s after the customer's "
                "debit failed: Urssaf will not pay this invoice.",
                id=self.urssaf_id,
            )
            step = _(
                "Next step: collect the invoice from the customer directly and "
                "register their payment on it, or cancel it with Request "
                "cancellation if it is not owed."
            )
        elif status in ("112", "120"):
            why = _(
                "Payment request %(id)s ended with your recovery of the invoice "
                "from the customer, outside Urssaf.",
                id=self.urssaf_id,
            )
            step = _("Next step: register the customer's payment on this invoice.")
        else:
            return None
        return f"{why}\n{step}"

    # ------------------------------------------------------------- payout

    def _book_payout(self):
        """Register Urssaf's transfer as a payment of the invoice, once its
        amount is known."""
        if self.payment_id or not self.transfer_amount:
            return
        # A journal without inbound method, a missing account...: the status
        # stays recorded, a person books it, later polls retry.
        self._payout_step(
            self._register_payout,
            "booked",
            self.env._("Avance immédiate: payout to book"),
            lambda error: self.env._(
                "Urssaf paid %(amount)s for %(invoice)s, but the payment could "
                "not be registered: %(error)s. Fix the cause (payout journal in "
                "the settings) or register the payment by hand.",
                amount=self._format_amount(self.transfer_amount),
                invoice=self.move_id.name,
                error=error,
            ),
        )

    def _payout_step(self, step, done, summary, note):
        """Run ``step`` on its own savepoint; if it fails, the rest goes on
        and a person gets ``note(error)`` as an activity."""
        try:
            with self.env.cr.savepoint():
                step()
        except Exception as exc:  # pylint: disable=broad-except
            _logger.exception("Urssaf payout of request %s not %s", self.id, done)
            self._todo(
                summary,
                note(exc.args[0] if exc.args else self.env._("unexpected error")),
            )

    def _register_payout(self):
        move = self.move_id.sudo()
        journal = self.company_id.l10n_fr_urssaf_journal_id
        # Settled by other means, though Urssaf pays the whole invoice: most
        # likely by the customer, who then paid twice.
        paid = move.amount_total - move.amount_residual
        refund = self.env._("Avance immédiate: refund the customer")
        summary = self.env._("Avance immédiate: payout to book")
        problem = None
        if not journal:
            problem = self.env._(
                "Urssaf paid %(amount)s for %(invoice)s, but no payout journal is set "
                "in the settings: register the payment by hand, or set the journal.",
                amount=self._format_amount(self.transfer_amount),
                invoice=move.name,
            )
        elif move.currency_id.is_zero(move.amount_residual):
            # Maybe Urssaf's payout itself, registered by hand: not booked twice.
            summary = refund
            problem = self.env._(
                "Urssaf paid %(payout)s for %(invoice)s, which was already paid by "
                "other means (%(paid)s). Unless that payment is Urssaf's payout "
                "registered by hand, %(customer)s paid twice: refund %(paid)s to "
                "them, and register Urssaf's payout as their credit.",
                payout=self._format_amount(self.transfer_amount),
                invoice=move.name,
                paid=self._format_amount(paid),
                customer=move.partner_id.display_name,
            )
        if problem:
            self._todo(summary, problem)
            return
        # Beyond what is left to pay, the payout stays the customer's credit.
        wizard = (
            self.env["account.payment.register"]
            .sudo()
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "journal_id": journal.id,
                    "amount": self.transfer_amount,
                    "payment_date": self.transfer_date
                    or fields.Date.context_today(self),
                    "communication": self.env._(
                        "Urssaf avance immédiate %(id)s, %(invoice)s",
                        id=self.urssaf_id,
                        invoice=move.name,
                    ),
                    "payment_difference_handling": "open",
                }
            )
        )
        self.payment_id = wizard._create_payments()[:1]
        self._post_note(
            self.env._(
                "Urssaf payout of %(amount)s on %(date)s booked as %(payment)s.",
                amount=self._format_amount(self.transfer_amount),
                date=format_date(self.env, self.transfer_date),
                payment=self.payment_id.name,
            )
        )
        if not move.currency_id.is_zero(paid):
            self._todo(
                refund,
                self.env._(
                    "%(customer)s had already paid %(paid)s on %(invoice)s by other "
                    "means when Urssaf paid the whole invoice (%(payout)s) and "
                    "debited the customer's share: the customer paid twice. Refund "
                    "%(paid)s to %(customer)s; until then, the part of the payout "
                    "beyond the invoice is their credit (%(payment)s).",
                    customer=move.partner_id.display_name,
                    paid=self._format_amount(paid),
                    invoice=move.name,
                    payout=self._format_amount(self.transfer_amount),
                    payment=self.payment_id.name,
                ),
            )

    def _release_payout(self):
        """Urssaf takes its payout back: unreconciled from the invoice, the
        payout is the customer's credit that Urssaf's debit is matched with
        on the bank statement, and the invoice is the customer's to pay."""
        payout = self.payment_id.sudo()
        lines = payout.move_id.line_ids
        partials = (lines.matched_debit_ids | lines.matched_credit_ids).filtered(
            lambda partial: self.move_id
            in partial.debit_move_id.move_id | partial.credit_move_id.move_id
        )
        summary = self.env._("Avance immédiate: payout to release")

        def note(error):
            return self.env._(
                "Urssaf takes back its payout %(payment)s of %(invoice)s, but "
                "it could not be unreconciled from the invoice: %(error)s. "
                "Unreconcile it by hand: the customer owes the invoice again.",
                payment=payout.name,
                invoice=self.move_id.name,
                error=error,
            )

        if not payout.move_id:
            # Enterprise books a payment without entry unless its method has
            # an outstanding account: nothing to unreconcile here.
            self._todo(
                summary,
                note(
                    self.env._(
                        "the payout has no journal entry (set an outstanding "
                        "receipts account on the payout journal's incoming "
                        "payment method)"
                    )
                ),
            )
            return
        self._payout_step(partials.unlink, "released", summary, note)

    def _format_amount(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    @api.model
    def _cron_refresh(self, limit=CRON_LIMIT):
        """Poll the requests due for a check, 10 per call, each call committed
        on its own so that a later failure undoes nothing.

        Copies of this cron job share the work (several Odoo servers, see the
        README): each claims the requests it polls (:meth:`_claim`), and a run
        whose claim is full wakes the copies up. Companies go oldest due
        first."""
        now = fields.Datetime.now()
        domain = [("next_check", "<=", now)]
        Request = self.sudo()
        total = Request.search_count(domain)
        done = [0]
        cron = self.env["ir.cron"]

        def after_batch(batch):
            done[0] += len(batch)
            cron._notify_progress(done=done[0], remaining=max(total - done[0], 0))
            if self.env["account.move"]._l10n_fr_urssaf_can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit

        errors = {}
        companies = Request._read_group(
            domain, ["company_id"], ["next_check:min"], order="next_check:min"
        )
        for company, _oldest in companies:
            batches = Request._claimed_batches(company, now, limit, done, errors)
            failure = Request._poll(company, batches, errors, after_batch)
            if failure:
                # Credentials missing or refused: the whole company waits,
                # rather than every run (and every copy) asking again.
                _logger.warning("Urssaf, company %s: %s", company.id, failure)
                Request.search([*domain, ("company_id", "=", company.id)])._postpone()
                if self.env["account.move"]._l10n_fr_urssaf_can_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        for request, error in errors.items():
            _logger.warning("Urssaf payment request %s: %s", request.id, error)

    @api.model
    def _claimed_batches(self, company, now, limit, done, errors):
        """:meth:`_batches` of this company's requests due at ``now``, claimed
        as the polling goes, until ``done[0]`` reaches ``limit``."""
        woken = False
        while done[0] < limit:
            size = min(CLAIM_SIZE, limit - done[0])
            claimed = self._claim(company, now, size)
            if not claimed:
                return
            if len(claimed) == size and not woken:
                # More may wait: the copies of this cron job share them.
                woken = True
                running = self.env["ir.cron"].browse(self.env.context.get("cron_id"))
                for worker in cron_workers(self.env, CRON_REFRESH) - running:
                    worker._trigger()
            # Read now: the commit after each batch clears the cache.
            yield from list(claimed._followed(errors)._batches())

    @api.model
    def _claim(self, company, now, size):
        """Up to ``size`` of this company's requests due at ``now`` that no
        other worker holds, leased to this worker: their next check moves a
        lease ahead (see :func:`.guard.claim`)."""
        where = SQL("company_id = %s AND next_check <= %s", company.id, now)
        lease = fields.Datetime.now() + LEASE
        order = SQL("next_check, id")
        return claim(self, where, size, "next_check", lease, order=order)

    # ------------------------------------------------------------- simulation

    def _simulate(self, action, **kwargs):
        """Play the customer or Urssaf in local simulation, then refresh."""
        self.ensure_one()
        if not self.is_simulation or not self.urssaf_id:
            raise UserError(self.env._("Only available in local simulation."))
        self.env["account.move"]._l10n_fr_urssaf_check_sender()
        simulator = self.company_id._l10n_fr_urssaf_simulator()
        try:
            getattr(simulator, action)(self.urssaf_id, **kwargs)
        except (SimulatorError, KeyError, ValueError) as exc:
            # Urssaf's simulated side has moved on (e.g. validated by itself).
            raise UserError(str(exc)) from exc
        return self.action_refresh()

    def action_simulate_validate(self):
        return self._simulate("validate")

    def action_simulate_refuse(self):
        return self._simulate("refuse", code="CONTEST_ERR_FACT")

    def action_simulate_pay(self):
        return self._simulate("pay")

    def action_simulate_bounce(self):
        return self._simulate("bounce")

    def action_simulate_cancel(self):
        """Urssaf processes the cancellation e-mail."""
        return self._simulate("cancel", code=self.cancel_reason or "ANNUL_AUTRE")
