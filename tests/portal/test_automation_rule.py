"""The JSM automation rule shipped in docs/jsm-automation/ (issue 15, item 6) recognises exactly the comments the
hosted portal posts for a customer: if the gateway's attribution line changes, this fails until the rule follows."""

import json
import re
from pathlib import Path

from portal.selectors import ATTRIBUTION
from portal.services_requests import customer_name
from providers.models import Customer

RULES = Path(__file__).resolve().parents[2] / "docs" / "jsm-automation"
RULE = RULES / "customer-reply-moves-to-waiting-for-support.json"


def _rule() -> dict:
    [rule] = json.loads(RULE.read_text())["rules"]
    return rule


def _body_pattern() -> re.Pattern:
    [matches] = [c["value"] for c in _rule()["components"] if (c.get("value") or {}).get("operator") == "MATCHES"]
    assert matches["first"] == "{{comment.body}}"
    return re.compile(matches["second"])  # Java's regex and Python's agree on this subset


def test_the_rule_moves_a_public_comment_from_waiting_for_customer_to_waiting_for_support():
    rule = _rule()
    assert rule["trigger"]["type"] == "jira.issue.event.trigger:commented"
    conditions = [c["value"] for c in rule["components"] if c["component"] == "CONDITION"]
    assert conditions[0]["compareValue"]["value"] == "Waiting for customer"
    assert {"first": "{{comment.internal}}", "second": "false", "operator": "EQUALS"} in conditions
    [action] = [c for c in rule["components"] if c["component"] == "ACTION"]
    assert action["type"] == "jira.issue.transition"
    assert action["value"]["destinationStatus"] == {"type": "NAME", "value": "Waiting for support"}


def test_its_pattern_matches_what_the_portal_posts_for_a_customer_and_not_an_agents_reply():
    customer = Customer(display_name="Grace Hopper", email="grace@example.com")
    posted = f"*{customer_name(customer)}* (via the help center):\n\nIt still beeps.\nTwice."
    assert ATTRIBUTION.match(posted)
    assert _body_pattern().fullmatch(posted)
    assert not _body_pattern().fullmatch("Thanks, we will replace it.")
    assert not _body_pattern().fullmatch("Quoting: *Grace Hopper* (via the help center):\n\nx")
