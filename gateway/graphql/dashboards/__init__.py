"""Dashboards computed per request from live system-API data and the process APIs' records.

    utilization.py   billable and non-billable hours against capacity minus leave
    financials.py    budget vs actual hours, billed vs WIP, labour cost, margin, FX
    health.py        time-to-bill, staffing latency, exceptions, sync completeness, SLAs
    data.py          what they read, once per request (shared with the loaders)
    fx.py            reference rates from policies/fx_rates.yaml
    periods.py       'YYYY-MM' and 'YYYY-Qn'
    query.py         the Query fields (merged into the schema's Query)

Each module's docstring states its formulas. Everything is Decimal; a ratio over nothing
is null, never zero. Each field declares what it reads to the cost rule (`Costed(weight=…)`).
"""
