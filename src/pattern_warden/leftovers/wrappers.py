"""Parallel wrappers: two or more modules that each wrap the same external service.

Each session that needs the payments API and does not find the client an earlier session wrote
writes another one. Two modules that both talk to the network and both name the same service
(the same host in a URL, the same SDK client, the same endpoint paths) are that; the fix is one
client the others call.
"""

from __future__ import annotations

from collections import defaultdict

from pattern_warden.leftovers.facts import ModuleFacts
from pattern_warden.leftovers.models import Leftover
from pattern_warden.leftovers.project import Project, non_product

#: Endpoint paths two wrappers must share to count as wrapping the same API by paths alone.
_SHARED_ENDPOINTS = 2


def parallel_wrappers(project: Project, report: set[str]) -> list[Leftover]:
    """One finding per service wrapped in more than one product module, at the later modules."""
    by_service: dict[str, list[ModuleFacts]] = defaultdict(list)
    for facts in project.modules:
        if non_product(facts):
            continue
        for client in facts.clients:
            if client.split(".")[0] not in project.top_packages:  # the project's own client is the shared one
                by_service[f"the SDK client {client}"].append(facts)
        if facts.calls_network:
            for host in facts.services:
                by_service[f"the service at {host}"].append(facts)
    found: list[Leftover] = []
    seen: set[frozenset[str]] = set()
    for service, members in sorted(by_service.items()):
        members = sorted({m.path: m for m in members}.values(), key=lambda m: m.path)
        if len(members) < 2 or frozenset(m.path for m in members) in seen:
            continue
        seen.add(frozenset(m.path for m in members))
        if not any(m.path in report for m in members):
            continue
        shared = set.intersection(*(set(m.endpoints) for m in members))
        first, *others = members
        for other in others:
            found.append(Leftover(
                kind="parallel-wrapper", path=other.path, line=1, end_line=1, symbol=other.module,
                # one host can serve unrelated APIs; shared endpoints show it is the same one
                confidence=90 if len(shared) >= _SHARED_ENDPOINTS else 60, action="merge",
                reason=f"{other.path} and {first.path} both wrap {service}"
                       + (f" and share the endpoints {', '.join(sorted(shared)[:3])}" if shared else "") + ".",
                fix=f"Keep one client for {service} (e.g. in {first.path}), make the other module call it, "
                    f"and delete the duplicated requests.",
                evidence=[m.path for m in members],
            ))
    return found
