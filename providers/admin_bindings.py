"""Admin for the Jira account bindings: which Jira account each identity acts as, and the admin's link.

Email never links identities on its own (`providers.services.jira_account_claim`). When one person signs in
through two providers whose email the gateway may not trust for each other, an admin who knows they are one
person links the second identity to the first one's account here ("Add Jira account binding").
"""

from django import forms
from django.contrib import admin

from providers.models import Customer, JiraAccountBinding
from providers.services import jira_account_link
from tenants.admin_base import TenantScopedAdmin, scoped_choices


class JiraAccountLinkForm(forms.ModelForm):
    same_person_as = forms.ModelChoiceField(
        queryset=Customer.objects.none(),
        help_text="A customer of the same tenant who already has a Jira account. The customer above will act as "
        "that account: only link two sign-ins you know belong to one person.",
    )
    owners = Customer.objects.none()  # the choices, narrowed per request by the admin

    class Meta:
        model = JiraAccountBinding
        fields = ["customer"]
        help_texts = {"customer": "The sign-in (identity provider and subject) to link."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["same_person_as"].queryset = self.owners

    def clean(self):
        data = super().clean()
        customer, owner = data.get("customer"), data.get("same_person_as")
        if customer and owner:
            if customer.tenant_id != owner.tenant_id:
                raise forms.ValidationError("Only customers of the same tenant can be linked.")
            if customer.pk == owner.pk:
                raise forms.ValidationError("Choose another customer to link to.")
        return data


@admin.register(JiraAccountBinding)
class JiraAccountBindingAdmin(TenantScopedAdmin):
    list_display = ["customer", "account_id", "how", "tenant", "created_at", "created_by"]
    list_filter = ["how", "tenant"]
    search_fields = ["customer__email", "customer__subject", "account_id"]
    readonly_fields = ["tenant", "customer", "account_id", "how", "created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, **kwargs)
        form = super().get_form(request, obj, form=JiraAccountLinkForm, **kwargs)
        owners = Customer.objects.filter(jira_binding__isnull=False).select_related("provider")
        if not request.user.is_superuser:
            owners = scoped_choices(Customer, owners, request)
        return type(form.__name__, (form,), {"owners": owners})

    def has_change_permission(self, request, obj=None):
        return False  # a binding is made by a sign-in or a link, and undone by deleting it

    def save_model(self, request, obj, form, change):
        binding = jira_account_link(
            customer=form.cleaned_data["customer"], owner=form.cleaned_data["same_person_as"], by=request.user
        )
        obj.pk, obj.tenant_id, obj.account_id, obj.how = binding.pk, binding.tenant_id, binding.account_id, binding.how
