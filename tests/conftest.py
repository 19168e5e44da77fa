pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.apps",
    "tests.fixtures.servers",
]
