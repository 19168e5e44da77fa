from process_apis._runtime.redaction import MASK, redact, upstream_ids


def test_masks_sensitive_keys_at_any_depth() -> None:
    value = {"worker": {"cost_rate": "95.00", "name": "Ada"}, "lines": [{"billRate": 1}]}

    assert redact(value) == {
        "worker": {"cost_rate": MASK, "name": "Ada"},
        "lines": [{"billRate": MASK}],
    }


def test_cuts_long_lists_and_strings() -> None:
    shown = redact({"items": list(range(60)), "note": "x" * 600})

    assert len(shown["items"]) == 51
    assert shown["items"][-1] == "… 10 more"
    assert len(shown["note"]) == 501


def test_upstream_ids_are_top_level_id_fields() -> None:
    output = {
        "invoice_id": "in_1",
        "invoice_number": "INV-7",
        "id": "x",
        "count": 3,
        "nested": {"a_id": "n"},
    }

    assert upstream_ids(output) == {"invoice_id": "in_1", "invoice_number": "INV-7", "id": "x"}
    assert upstream_ids(["not", "a", "dict"]) == {}


def test_a_cost_centre_is_a_code_not_an_amount() -> None:
    assert redact({"cost_centre": "CC-GB01-CON", "costCentre": "CC-1", "cost": "9"}) == {
        "cost_centre": "CC-GB01-CON",
        "costCentre": "CC-1",
        "cost": MASK,
    }
