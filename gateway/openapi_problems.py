"""Make every operation's OpenAPI document say that errors are problem documents."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from contracts.problems import Problem
from gateway.openapi_decimals import with_decimal_patterns
from gateway.problems import PROBLEM_MEDIA_TYPE

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}}


def with_problem_responses(spec: dict[str, Any]) -> dict[str, Any]:
    """Replace FastAPI's validation-error shape with Problem and add the errors any call can get."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)
    schemas.update(Problem.model_json_schema(ref_template="#/components/schemas/{model}")["$defs"])
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    problem_schema.pop("$defs", None)
    schemas["Problem"] = problem_schema
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _problem_response("The request failed validation.")
            for status, response in responses.items():
                if status[0] in "45" and "content" not in response:
                    response["content"] = _problem_response("")["content"]
            responses.setdefault("400", _problem_response("The request is malformed."))
            responses.setdefault("413", _problem_response("The request body is too large."))
            responses.setdefault("500", _problem_response("Unexpected server error."))
    if not schemas:
        spec["components"].pop("schemas")
    return spec


def install_problem_openapi(app: FastAPI) -> None:
    """Generate `app`'s OpenAPI document once, with problem responses everywhere."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = with_decimal_patterns(with_problem_responses(spec))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
