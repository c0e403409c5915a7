"""Run the fake JSM on its own for the demo: `python -m fakes.jsm --port 8111 --desks 3`.

Prints the site URL, the service account's email and a freshly generated token to paste into the
gateway's Jira connection (classic token), then serves until Ctrl-C.
"""

import argparse
import secrets

from fakes.jsm.server import FakeJSM


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--email", default="gateway@example.com")
    parser.add_argument("--desks", type=int, default=3, help="How many service desks to create.")
    args = parser.parse_args()
    fake = FakeJSM.start(port=args.port)
    token = secrets.token_urlsafe(24)
    fake.add_account(email=args.email, token=token)
    for n, name in enumerate(["IT Help", "HR Questions", "Facilities", "Finance", "Legal"][: args.desks]):
        desk = fake.state.add_service_desk(name=name, key=name[:2].upper() + str(n))
        fake.state.add_request_type(desk_id=desk["id"], name="Get help")
    print(f"Fake Jira site: {fake.url}\nService account: {args.email}\nAPI token: {token}", flush=True)
    fake.serve_until_interrupted()


if __name__ == "__main__":
    main()
