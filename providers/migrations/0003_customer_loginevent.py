"""Takes Customer and LoginEvent over from the portal app (see portal.0004_identity_moves_to_providers,
which renamed their tables): state only, plus the content types, so admin log entries and permissions
keep pointing at the same models."""

import django.db.models.deletion
from django.db import migrations, models

import sso_gateway.pages

MOVED = ("customer", "loginevent")


def content_types_move(apps, schema_editor, *, source="portal", target="providers"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=target)


def content_types_move_back(apps, schema_editor):
    content_types_move(apps, schema_editor, source="providers", target="portal")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("providers", "0002_admin_help"),
        ("portal", "0004_identity_moves_to_providers"),
        ("tenants", "0003_sync_schedule"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Customer",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("subject", models.CharField(max_length=255, verbose_name="subject (sub)")),
                        ("email", models.EmailField(max_length=254)),
                        ("first_name", models.CharField(blank=True, max_length=150)),
                        ("last_name", models.CharField(blank=True, max_length=150)),
                        ("display_name", models.CharField(blank=True, max_length=255)),
                        ("groups", models.JSONField(blank=True, default=list)),
                        ("jira_account_id", models.CharField(blank=True, max_length=128, verbose_name="Jira account id")),
                        ("provisioning", models.CharField(choices=[("pending", "Pending"), ("done", "Done"), ("retrying", "Retrying (Jira unavailable)"), ("failed", "Failed (gave up)")], default="pending", max_length=16)),
                        ("provisioning_error", models.TextField(blank=True)),
                        ("provisioning_queued_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("last_login_at", models.DateTimeField(blank=True, null=True)),
                        ("provider", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="customers", to="providers.identityprovider")),
                        ("provisioning_desk", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="tenants.servicedesk")),
                        ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="customers", to="tenants.tenant")),
                    ],
                    options={"ordering": ["-last_login_at"]},
                ),
                migrations.CreateModel(
                    name="LoginEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP")),
                        ("user_agent", models.CharField(blank=True, max_length=512)),
                        ("outcome", models.CharField(choices=[("success", "Success"), ("failure", "Failure")], max_length=16)),
                        ("reason", models.CharField(blank=True, help_text="A short code, e.g. iss_mismatch.", max_length=64)),
                        ("detail", models.TextField(blank=True)),
                        ("reference", models.CharField(db_index=True, default=sso_gateway.pages.new_reference, max_length=16)),
                        ("is_test", models.BooleanField(default=False, verbose_name="test connection")),
                        ("customer", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to="providers.customer")),
                        ("provider", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to="providers.identityprovider")),
                        ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="login_events", to="tenants.tenant")),
                    ],
                    options={"ordering": ["-created_at"]},
                ),
                migrations.AddConstraint(
                    model_name="customer",
                    constraint=models.UniqueConstraint(fields=("tenant", "provider", "subject"), name="uniq_customer_identity"),
                ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]
