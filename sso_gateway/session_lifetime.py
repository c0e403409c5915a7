"""How long a signed-in session lasts: admins until the browser closes, customers a set time.

Admins and customers share Django's session machinery (a customer is a key in the session,
providers/sessions.py), so the lifetime is set per session when someone signs in, not globally:

- An admin login (django.contrib.auth's `user_logged_in`) makes the session a browser session: its cookie
  has no expiry, and the server forgets it SESSION_COOKIE_AGE (GATEWAY_ADMIN_SESSION_SECONDS) after its last
  change. An unattended admin browser is the most valuable thing to find (OWASP ASVS 4.0, 3.3.1 and 3.3.2;
  OWASP Session Management Cheat Sheet, "Session Expiration").
- A customer sign-in lasts GATEWAY_CUSTOMER_SESSION_SECONDS, cookie and server alike; then the portal
  sends the customer through their identity provider again (usually without a password prompt).

When one browser holds both, the stricter rule wins: an admin's session never outlives the browser.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY


def admin_signed_in(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver: the session ends with the browser (set_expiry(0))."""
    if request is not None and hasattr(request, "session"):
        request.session.set_expiry(0)


def customer_signed_in(session) -> None:
    """The customer's lifetime, unless an admin is signed in in the same session (which keeps ending with the
    browser)."""
    if SESSION_KEY not in session:
        session.set_expiry(settings.GATEWAY_CUSTOMER_SESSION_SECONDS)
