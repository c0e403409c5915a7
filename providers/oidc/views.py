"""Sign-in views. Placeholder until the OpenID Connect flow lands (issue: customer sign-in)."""

from django.http import Http404


def choose(request, tenant_slug):
    raise Http404("Sign-in is not available yet.")


def login(request, tenant_slug, provider_slug):
    raise Http404("Sign-in is not available yet.")


def callback(request, tenant_slug, provider_slug):
    raise Http404("Sign-in is not available yet.")


def logout(request, tenant_slug):
    raise Http404("Sign-in is not available yet.")
