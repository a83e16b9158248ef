"""The rehearsal's SMTP sink (aiosmtpd): every message received is appended, one JSON line each, to a file.

    python scripts/rehearsal_smtp_sink.py PORT LOG [DELAY_SECONDS]

Each line holds the Message-ID, the recipients and the subject, so the rehearsal counts how many times
each message arrived. ``DELAY_SECONDS`` slows every acceptance down (a slow SMTP server), to kill a worker
in the middle of a batch.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, log: str, delay: float) -> None:
        self.log = log
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content)
        line = {
            "message_id": message.get("Message-ID", ""),
            "key": message.get("X-Colophon-Key", ""),
            "to": envelope.rcpt_tos,
            "subject": message.get("Subject", ""),
            "at": time.time(),
        }
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        return "250 OK"


def main() -> None:
    port, log = int(sys.argv[1]), sys.argv[2]
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    controller = Controller(Sink(log, delay), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
