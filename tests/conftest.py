pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.apps",
    "tests.fixtures.servers",
    "tests.fixtures.sandboxes",
    "tests.fixtures.vendor_specs",
]
