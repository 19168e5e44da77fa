"""The GraphQL experience layer at `/graphql`: one schema over the system and process APIs.

Data comes from the system APIs through their typed v1 clients, and from the process APIs
(runs, exceptions, events), in-process through the gateway's own edge and with the caller's
own token, so partner isolation and sensitive-field rules are exactly those of REST. Each
module holds one idea:

    endpoint.py       the ASGI endpoint (HTTP and WebSocket), its per-request context, mounting
    schema.py         the roots (Query, Mutation, Subscription), schema construction, SDL
    context.py        what a resolver sees: principal, scope policy, upstream clients, loaders
    upstream.py       the system-API clients of one request, carrying the caller's token
    process.py        the process-API client (runs, exceptions, events); flows from the policy
    errors.py         GraphQL errors with stable codes; which errors are masked
    scans.py          whole-collection reads, memoised per request (the batch of last resort)
    loaders.py        per-request DataLoaders: one upstream call per batch, never one per row
    pagination.py     Relay cursors and connections over upstream pages or loaded lists
    scopes.py         field-level authorization from the REST operations' scopes
    cost.py           the cost rule, checked before any resolver runs
    protection.py     depth, alias, token and cost limits; introspection; error masking
    operations.py     Query fields over runs, exceptions, events, and lineage by business key
    mutations.py      the exception queue's actions (claim, resume, retry, cancel)
    subscriptions.py  run status changes and opened exceptions, polled per socket
    dashboards/       utilization, project financials, integration health (formulas inside)
    types/            the object types (Worker, Project, Invoice, FlowRun, ...), Relay nodes

A new kind of node is a new module under `types/` with its loaders, registered in
`schema.NODE_TYPES` and given a Query field.
"""
