# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the addon shows users, the same way on every screen."""

from odoo import fields


def format_user_datetime(env, value):
    """A datetime as the web client shows it: the user's time zone, the
    language's date format (30/11/2026 in French), hours and minutes."""
    lang = env["res.lang"]._get_data(code=env.lang or "en_US")
    local = fields.Datetime.context_timestamp(env.user, value)
    return local.strftime(f"{lang.date_format} %H:%M")


def notification(env, title, message, kind, simulation=False, next_action=None):
    """Odoo's notification then ``next_action``; its title says when Urssaf's
    answer came from the local simulation. Problems stay until closed."""
    if simulation:
        title = env._("%(title)s (simulation)", title=title)
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "title": title,
            "message": message,
            "type": kind,
            "sticky": kind in ("warning", "danger"),
            "next": next_action,
        },
    }
