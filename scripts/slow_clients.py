"""Slow-header clients ("slowloris"): connections that each send one header line of a request
every few seconds and never finish it, the attack that, sent straight to gunicorn, holds a
worker thread per connection until its timeout. A proxy that reads whole requests before
passing them on (docs/deploy.md) keeps them away from gunicorn; tests/test_proxies.py uses
this to show it.

    python scripts/slow_clients.py 127.0.0.1 8080 --clients 12 --every 3 --seconds 60
"""

import argparse
import socket
import threading
import time


class SlowClients:
    """``count`` connections to ``host:port``, each sending a header line every ``every``
    seconds from ``start()`` until ``stop()``."""

    def __init__(self, host, port, count=12, every=2.0, path="/"):
        self.host, self.port, self.count, self.every, self.path = host, port, count, every, path
        self.sockets = []
        self.lines_sent = 0
        self._stopping = threading.Event()
        self._thread = None

    def start(self):
        for _ in range(self.count):
            s = socket.create_connection((self.host, self.port), timeout=10)
            s.sendall(f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\n".encode())
            self.sockets.append(s)
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()
        return self

    def _trickle(self):
        n = 0
        while not self._stopping.wait(self.every):
            n += 1
            for s in list(self.sockets):
                try:
                    s.sendall(f"X-Slow-{n}: {'a' * 10}\r\n".encode())
                    self.lines_sent += 1
                except OSError:  # the server gave up on it (a header timeout): fair
                    self.sockets.remove(s)
                    s.close()

    def still_open(self):
        """How many of the connections the server has not closed yet."""
        return len(self.sockets)

    def stop(self):
        self._stopping.set()
        if self._thread:
            self._thread.join()
        for s in self.sockets:
            s.close()
        self.sockets = []


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--every", type=float, default=3.0, help="seconds between header lines")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to keep them up")
    args = parser.parse_args()
    clients = SlowClients(args.host, args.port, args.clients, args.every).start()
    try:
        time.sleep(args.seconds)
    finally:
        print(f"{clients.still_open()} of {args.clients} still open; {clients.lines_sent} lines")
        clients.stop()


if __name__ == "__main__":
    main()
