"""Field formats and rule constants shared by the client and the simulator.

The client-side validators (:mod:`.validators`) turn them into user-facing
problems, the simulator (:mod:`.simulator.rules`) into Urssaf error codes:
only predicates and constants live here, never messages.
"""

import re
import unicodedata
from datetime import datetime, time, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

# nomNaissance, nomUsage, prenoms: 80 characters since API v1.30.3 (the
# swagger 1.29.1 still says 100/256).
NAME_MAX_LENGTH = 80
# BR13 as listed in CT's error catalogue (ERR_MONTANT_ACOMPTE): the deposit
# may not exceed this share of the invoice total.
DEPOSIT_MAX_RATIO = Decimal("0.5")

# 5-character INSEE commune code (``69123``, ``2A004``, ``97411``).
INSEE_COMMUNE_RE = re.compile(r"[0-9][0-9ABab][0-9]{3}")
# complement2: ``SAP`` + SIREN (9 digits) or ``SIR`` + SIRET (14 digits).
INTERVENANT_RE = re.compile(r"SAP[0-9]{9}|SIR[0-9]{14}")

# Urssaf only accepts UTC with a ``Z`` suffix, not numeric offsets.
API_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# One clock for service days. A day is a Paris calendar day (the activation
# day is the Paris day of the activation); it is sent as its midnight UTC,
# which lies inside that Paris day and in the same month. Urssaf refuses a
# period that ends in the future (ERR_DATE_FUTUR), so a day can be sent once
# that midnight UTC is past: the last day sendable is today in UTC, which in
# Paris' first hour or two is still yesterday.
URSSAF_TZ = ZoneInfo("Europe/Paris")


def urssaf_date(moment):
    """The Paris calendar day of ``moment`` (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(URSSAF_TZ).date()


def urssaf_midnight(day):
    """The first moment of the Paris day ``day``, as naive UTC (how Odoo
    stores datetimes)."""
    start = datetime.combine(day, time.min, tzinfo=URSSAF_TZ)
    return start.astimezone(timezone.utc).replace(tzinfo=None)


def urssaf_month_start(moment):
    """The first moment of the Paris month of ``moment``, as naive UTC."""
    return urssaf_midnight(urssaf_date(moment).replace(day=1))


def last_sendable_day(now=None):
    """The last service day Urssaf accepts as not in the future."""
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is not None:
        now = now.astimezone(timezone.utc)
    return now.date()


def urssaf_day_start(day):
    """The moment ``day`` is sent as: its midnight UTC, aware."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def format_api_datetime(value):
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC; naive means UTC, a date midnight UTC."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime(API_DATETIME_FORMAT)


def split_commune_code(code):
    """``(departementNaissance, codeCommune)`` of a 5-character INSEE code.

    Metropolitan ``DDCCC`` -> ``0DD``/``CCC`` (``2A004`` -> ``02A``/``004``);
    overseas ``97xCC``/``98xCC`` -> ``97x``/``0CC`` (``97411`` -> ``974``/
    ``011``), as Urssaf support told CAERP to send.
    """
    if code[:2] in ("97", "98"):
        return code[:3], "0" + code[3:]
    return "0" + code[:2], code[2:]


def iban_checksum_ok(iban):
    """ISO 13616 mod-97 check, case-insensitive; False when not alphanumeric."""
    iban = iban.upper()
    rearranged = iban[4:] + iban[:4]
    try:
        return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1
    except ValueError:
        return False


def strip_accents(text):
    """``text`` without combining marks (``Éloïse`` -> ``Eloise``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
