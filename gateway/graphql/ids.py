"""Global ids given as arguments: decoded here, so a malformed one is the caller's error."""

from __future__ import annotations

import binascii

from strawberry import relay

from gateway.graphql.errors import InvalidInputError


def decoded(value: str) -> relay.GlobalID | None:
    """The global id `value` encodes, or None if it is not one."""
    try:
        return relay.GlobalID.from_id(value)
    except (ValueError, binascii.Error, UnicodeError):
        return None


def global_id(value: str, argument: str) -> relay.GlobalID:
    """The global id of an argument, or an `InvalidInputError` naming the argument."""
    found = decoded(value)
    if found is None:
        raise InvalidInputError(
            "validation-failed", f"`{argument}` is not a global id.", argument=argument
        )
    return found
