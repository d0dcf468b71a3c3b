"""Helpers of the notifications tests: values carried through the workflow, and a local HTTP
server that records what it receives and answers with the statuses it is given."""

from __future__ import annotations

import http.server
import threading
from decimal import Decimal

from indicators import services
from tests.factories import element

STRAW = "straw_utilization_rate"  # agriculture's
FILM = "agricultural_film_recovery_rate"  # agriculture's
MANURE = "livestock_manure_utilization_rate"  # agriculture's


def submitted(clerk, region, key: str, year: int, value="95"):
    saved = services.value_save(
        actor=clerk, region=region, data_element=element(key), year=year, value=Decimal(value)
    ).value
    return services.value_submit(value=saved, actor=clerk)


class Receiver:
    """An HTTP server in a thread: answers each POST with the next of ``statuses`` (then 200)
    and keeps (headers, body) of every request."""

    def __init__(self, statuses=()) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[dict, bytes]] = []
        self.received = threading.Event()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.requests.append((dict(self.headers), body))
                status = owner.statuses.pop(0) if owner.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0}')
                if status == 200:
                    owner.received.set()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
