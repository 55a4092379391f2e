"""Fault injection registry (in memory, thread-safe)."""

import itertools
import threading
from dataclasses import asdict, dataclass

from .errors import UnknownId

OPERATIONS = ("token", "inscription", "statut", "demande", "recherche")
ANY_OPERATION = "*"

DELAY = "delay"
ERROR_500 = "error_500"
MAINTENANCE_503 = "maintenance_503"
EMPTY_400 = "empty_400"
EXPIRED_TOKEN = "expired_token"
DROP = "drop"
FAULT_KINDS = (DELAY, ERROR_500, MAINTENANCE_503, EMPTY_400, EXPIRED_TOKEN, DROP)


@dataclass
class Fault:
    id: int
    operation: str
    kind: str
    times: int = 1  # None: persistent
    delay: float = 0.0


class FaultRegistry:
    def __init__(self):
        self._faults = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def add(self, operation, kind, times=1, delay=0.0):
        if operation != ANY_OPERATION and operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}")
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        if times is not None and int(times) < 1:
            raise ValueError("times must be >= 1 or None (persistent)")
        if float(delay) < 0:
            raise ValueError("delay must be >= 0")
        with self._lock:
            fault = Fault(
                next(self._ids),
                operation,
                kind,
                None if times is None else int(times),
                float(delay),
            )
            self._faults.append(fault)
            return fault.id

    def take(self, operation):
        """Consume and return the first fault matching ``operation``, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.operation in (operation, ANY_OPERATION):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return Fault(**asdict(fault))
        return None

    def remove(self, fault_id):
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            if len(self._faults) == before:
                raise UnknownId(f"unknown fault {fault_id}")

    def clear(self):
        with self._lock:
            self._faults.clear()

    def list(self):
        with self._lock:
            return [asdict(f) for f in self._faults]
