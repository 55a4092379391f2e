"""Clocks owned by the simulator (aware UTC datetimes, second precision)."""

import threading
from datetime import datetime, timedelta, timezone

from dateutil.parser import isoparse


def utcnow():
    return datetime.now(timezone.utc).replace(microsecond=0)


def to_utc(value):
    """Parse an ISO string or accept a datetime; naive values are taken as UTC."""
    if isinstance(value, str):
        value = isoparse(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class _Clock:
    mode = None

    def __init__(self):
        self._lock = threading.Lock()

    def now(self):
        raise NotImplementedError

    def advance(self, delta):
        raise NotImplementedError

    def set(self, value):
        """Jump to ``value`` (ISO string or datetime)."""
        self.advance(to_utc(value) - self.now())

    def state(self):
        """JSON-able state, see :func:`clock_from_state`."""
        raise NotImplementedError


class RealClock(_Clock):
    """Wall-clock time shifted by ``offset`` (a timedelta or seconds)."""

    mode = "real"

    def __init__(self, offset=0):
        super().__init__()
        if not isinstance(offset, timedelta):
            offset = timedelta(seconds=float(offset))
        self.offset = offset

    def now(self):
        with self._lock:
            return utcnow() + self.offset

    def advance(self, delta):
        with self._lock:
            self.offset += delta

    def state(self):
        return {"mode": self.mode, "offset": self.offset.total_seconds()}


class ManualClock(_Clock):
    """Frozen time that moves only through :meth:`advance` and :meth:`set`."""

    mode = "manual"

    def __init__(self, start=None):
        super().__init__()
        self._now = utcnow() if start is None else to_utc(start)

    def now(self):
        with self._lock:
            return self._now

    def advance(self, delta):
        with self._lock:
            self._now += delta

    def state(self):
        return {"mode": self.mode, "now": self._now.isoformat()}


def clock_from_state(state):
    if state["mode"] == ManualClock.mode:
        return ManualClock(state["now"])
    return RealClock(state["offset"])


def make_clock(mode, now=None):
    """Clock of ``mode`` ("real"/"manual") currently showing ``now``."""
    if mode == ManualClock.mode:
        return ManualClock(now)
    if mode != RealClock.mode:
        raise ValueError(f"unknown clock mode {mode!r}")
    clock = RealClock()
    if now is not None:
        clock.set(now)
    return clock
