"""The published Notte 1.2.1 client against a running browserd: start, then close.

Run by tests/api/notte.rs with BROWSERD_URL and BROWSERD_KEY set; exits non-zero on any
mismatch. The client validates every response with its own pydantic models.
"""

import os
import sys

from notte.sdk.client import NotteClient


def main() -> int:
    client = NotteClient(api_key=os.environ["BROWSERD_KEY"], server_url=os.environ["BROWSERD_URL"])
    started = client.start(session_timeout_minutes=7)
    assert started.status == "active", started
    assert started.timeout_minutes == 7, started
    assert client.session_id == started.session_id
    closed = client.close()
    assert closed.status == "closed", closed
    assert closed.session_id == started.session_id
    assert client.session_id is None
    print("notte client: start and close ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
