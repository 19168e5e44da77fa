"""Who is calling a system API, as far as object-level rules care: partner and scopes.

The gateway's edge authenticates the request and leaves its principal in the request
state; system APIs read it duck-typed so they never import the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from contracts.problems import ProblemError


@dataclass(frozen=True, slots=True)
class Caller:
    """The partner a caller is bound to (None: the firm itself) and the scopes it holds."""

    partner_id: str | None
    scopes: frozenset[str]

    def may_see(self, partner_key: str | None) -> bool:
        return self.partner_id is None or partner_key == self.partner_id

    def holds(self, scope: str) -> bool:
        return scope in self.scopes

    def check_visible(self, partner_key: str | None) -> None:
        """A 404 for another partner's object: its existence is not disclosed."""
        if not self.may_see(partner_key):
            raise ProblemError("not-found", "The resource does not exist.")


FIRM = Caller(partner_id=None, scopes=frozenset())


def current_caller(request: Request) -> Caller:
    principal = request.scope.get("state", {}).get("principal")
    if principal is None:
        return FIRM
    return Caller(
        partner_id=getattr(principal, "partner_id", None),
        scopes=frozenset(getattr(principal, "scopes", ())),
    )


CallerDep = Annotated[Caller, Depends(current_caller)]
