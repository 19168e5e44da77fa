"""The committed contracts under openapi/ are exactly what the running gateway serves."""

from __future__ import annotations

from pathlib import Path

from gateway.openapi_export import export_documents, render_document
from gateway.settings import GatewaySettings

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"


async def test_committed_documents_match_the_running_app(tmp_path: Path) -> None:
    documents = await export_documents(GatewaySettings(data_dir=tmp_path))
    committed = {p.relative_to(OPENAPI_DIR).as_posix() for p in OPENAPI_DIR.rglob("*.json")}
    assert committed == set(documents), "run `make openapi` and commit the result"
    for relative, document in documents.items():
        on_disk = (OPENAPI_DIR / relative).read_text()
        assert on_disk == render_document(document), f"{relative} drifted: run `make openapi`"


async def test_every_error_response_is_a_problem_document(tmp_path: Path) -> None:
    documents = await export_documents(GatewaySettings(data_dir=tmp_path))
    for document in documents.values():
        if "openapi" not in document:
            continue  # the event contracts (JSON Schema, AsyncAPI) have no HTTP responses
        for path_item in document["paths"].values():
            for operation in path_item.values():
                for status, response in operation["responses"].items():
                    if status.startswith(("4", "5")) and "content" in response:
                        assert list(response["content"]) == ["application/problem+json"]
                assert "500" in operation["responses"]
