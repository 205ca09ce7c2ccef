"""The client's address, as far as it can be trusted."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client that spoke to our outermost trusted proxy.

    X-Forwarded-For is written by the client as well as by proxies, so only the entries our
    own proxies appended (the last `MASTHEAD_TRUSTED_PROXIES` of them) are believed; trusting
    the leftmost entry would let anyone claim Googlebot's address or dodge the sign-in throttle.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.MASTHEAD_TRUSTED_PROXIES
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            remote = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return ""


def address_block(address: str) -> str:
    """What one client controls: an IPv4 address itself, an IPv6 address's /64 (a household or
    a phone is given a whole /64 and can pick any address in it). Counting per block is what
    makes the meter's and the throttle's per-address limits hold over IPv6."""
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address
