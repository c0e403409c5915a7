"""Bindings of identities to Jira accounts. Customers already provisioned keep their account when they were
the first of the tenant's identities to use it; later identities that shared it by email alone lose it and
are provisioned again under the binding rules at their next visit (refused unless an admin links them or
their provider is authoritative for the email's domain). Existing customers count as verified: their
email was accepted under the rules of the time, and only the first of them keeps an account."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def bindings_from_existing_customers(apps, schema_editor):
    Customer = apps.get_model("providers", "Customer")
    Binding = apps.get_model("providers", "JiraAccountBinding")
    Customer.objects.update(email_verified=True)
    owners = set()
    for customer in Customer.objects.exclude(jira_account_id="").order_by("created_at", "pk"):
        key = (customer.tenant_id, customer.jira_account_id)
        if key in owners:
            Customer.objects.filter(pk=customer.pk).update(
                jira_account_id="",
                provisioning="pending",
                provisioning_error="Its Jira account belongs to an earlier sign-in with the same email.",
            )
            continue
        owners.add(key)
        Binding.objects.create(
            tenant_id=customer.tenant_id, customer=customer, account_id=customer.jira_account_id, how="first_claim"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('providers', '0003_customer_loginevent'),
        ('tenants', '0003_sync_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='email_verified',
            field=models.BooleanField(default=False, help_text="The provider vouched for the email at the last sign-in (email_verified true, or the claim absent and the provider authoritative for the email's domain). Only a verified email creates or claims a Jira account."),
        ),
        migrations.CreateModel(
            name='JiraAccountBinding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('account_id', models.CharField(max_length=128, verbose_name='Jira account id')),
                ('how', models.CharField(choices=[('first_claim', 'First to claim it'), ('authoritative', "Provider authoritative for the email's domain"), ('admin_link', 'Linked by an admin')], max_length=16)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('customer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='jira_binding', to='providers.customer')),
                ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='jira_account_bindings', to='tenants.tenant')),
            ],
            options={
                'verbose_name': 'Jira account binding',
                'ordering': ['tenant', 'account_id', 'created_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('how', 'first_claim')), fields=('tenant', 'account_id'), name='uniq_jira_account_owner')],
            },
        ),
        migrations.RunPython(bindings_from_existing_customers, migrations.RunPython.noop),
    ]
