"""The books a `cleaner clean` run keeps: every record read is written or reported.

Each input gets a ledger: the units its reader framed (records read), the outputs the
writer took (written) and the error records reported (failed). When an input is
finished its ledger must balance, read = written + failed; at the end of the run the
outputs themselves must hold as many records as were written to them (what each
writer counted it delivered, after the rename). A run whose books do not balance says
where and exits non-zero: it lost or doubled records, and must never report success.
The check costs three counters a record, so it runs in every mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Books", "Ledger"]


@dataclass
class Ledger:
    """One input's records in this run (a resumed run counts what it does itself)."""

    read: int = 0
    written: int = 0
    failed: int = 0

    @property
    def balanced(self) -> bool:
        return self.read == self.written + self.failed


@dataclass
class Books:
    """The run's ledgers, summed; `problems()` lists what does not balance."""

    total: Ledger = field(default_factory=Ledger)
    delivered: int = 0  # records the writers say their finished outputs hold
    unbalanced: list[str] = field(default_factory=list)

    def close(self, name: str, ledger: Ledger) -> None:
        """An input is finished: add its ledger, and note it if it does not balance."""
        self.total.read += ledger.read
        self.total.written += ledger.written
        self.total.failed += ledger.failed
        if not ledger.balanced:
            self.unbalanced.append(
                f"{name}: {ledger.read:,} record(s) read, but {ledger.written:,} written "
                f"+ {ledger.failed:,} error(s) = {ledger.written + ledger.failed:,}"
            )

    def deliver(self, writer: Any) -> None:
        """A writer's output is in place: count what it holds."""
        self.delivered += getattr(writer, "records", 0)

    def lose(self, n: int) -> None:
        """n written records whose output could not be put in place became errors."""
        self.total.written -= n
        self.total.failed += n

    def problems(self, finished: bool = True) -> list[str]:
        """What does not balance; of an unfinished run, only the inputs it finished."""
        out = list(self.unbalanced)
        if finished and self.delivered != self.total.written:
            out.append(
                f"the outputs hold {self.delivered:,} record(s), "
                f"but {self.total.written:,} were written to them"
            )
        return out

    def summary(self) -> str:
        t = self.total
        return f"books: {t.read:,} records read = {t.written:,} written + {t.failed:,} errors"
