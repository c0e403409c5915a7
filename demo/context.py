"""Template context of the demo (settings.py adds this processor only in demo mode): `demo` on every
page, evaluated only where a template reads it (the home page's "what to click" panel)."""

from django.utils.functional import SimpleLazyObject

from demo import selectors


def demo(request):
    return {"demo": SimpleLazyObject(lambda: selectors.demo_overview(request=request))}
