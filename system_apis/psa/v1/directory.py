"""Clients and projects by id or key, reused for a short while: they change rarely and
every time entry and assignment needs its project's customer and currency."""

from __future__ import annotations

import time
from collections.abc import Callable

from system_apis.psa.connector.api import HarvestConnector
from system_apis.psa.connector.models import HarvestClient, HarvestProject
from system_apis.psa.mapping import MappingPolicy, split_customer_name


class Directory:
    """A TTL cache of Harvest clients (all of them) and projects (by id, on demand)."""

    def __init__(
        self,
        connector: HarvestConnector,
        policy: MappingPolicy,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connector = connector
        self._policy = policy
        self._ttl_s = ttl_s
        self._clock = clock
        self._clients: dict[int, HarvestClient] = {}
        self._clients_at: float | None = None
        self._projects: dict[int, tuple[float, HarvestProject]] = {}

    def _fresh(self, at: float | None) -> bool:
        return at is not None and self._clock() - at < self._ttl_s

    async def clients(self) -> dict[int, HarvestClient]:
        """Every client of the account, by id."""
        if not self._fresh(self._clients_at):
            clients: dict[int, HarvestClient] = {}
            params: dict[str, str] | None = {"per_page": "2000"}
            while params is not None:
                page = await self._connector.list_clients(params)
                clients.update((c.id, c) for c in page.items)
                params = page.next_params
            self._clients, self._clients_at = clients, self._clock()
        return self._clients

    async def client_by_number(self, customer_number: str) -> HarvestClient | None:
        """The client whose name carries `customer_number`."""
        for client in (await self.clients()).values():
            if split_customer_name(client.name, self._policy)[0] == customer_number:
                return client
        return None

    def remember_client(self, client: HarvestClient) -> None:
        """Keep a client just created, so lookups by number find it before the next refresh."""
        self._clients[client.id] = client

    def forget_clients(self) -> None:
        """Read the clients afresh on the next lookup."""
        self._clients_at = None

    async def currency_of_client(self, client_id: int) -> str | None:
        client = (await self.clients()).get(client_id)
        return client.currency if client is not None else None

    async def project(self, project_id: int) -> HarvestProject:
        """A project by id (raises the connector's 404 when Harvest has none)."""
        cached = self._projects.get(project_id)
        if cached is not None and self._fresh(cached[0]):
            return cached[1]
        project = await self._connector.retrieve_project(str(project_id))
        self.remember(project)
        return project

    def remember(self, project: HarvestProject) -> None:
        """Keep a project just read or written."""
        self._projects[project.id] = (self._clock(), project)
