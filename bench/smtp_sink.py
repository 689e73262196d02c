"""A local SMTP server in its own process for the mail benchmark (aiosmtpd): it accepts and
discards every message, counting them, and on SIGTERM prints how many it received, so the
benchmark can check that the messages it timed really crossed SMTP.

    python bench/smtp_sink.py PORT
"""

import asyncio
import logging
import signal
import sys

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.ERROR)


class Counter:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += len(envelope.rcpt_tos)
        return "250 OK"


def main():
    port = int(sys.argv[1])
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stopping = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stopping.set)
    loop.run_until_complete(stopping.wait())
    controller.stop()
    print(counter.received, flush=True)


if __name__ == "__main__":
    main()
