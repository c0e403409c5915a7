"""The gateway's front page: what it is and where to go (customers arrive on tenant links)."""

from django.shortcuts import render

from tenants.models import Tenant


def home(request):
    tenants = Tenant.objects.filter(is_active=True).order_by("name")[:50] if request.user.is_staff else []
    return render(request, "home.html", {"tenants": tenants})
