"""Customer and LoginEvent now belong to the identity side (`providers`): the portal consumes identities,
it does not define them. The rows stay where they are; only the tables are renamed to the new app's
names, and `providers.0003_customer_loginevent` takes the models over in Django's state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_provisioning_resume_schedule")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="customer", table="providers_customer"),
                migrations.AlterModelTable(name="loginevent", table="providers_loginevent"),
            ],
            state_operations=[
                migrations.DeleteModel(name="LoginEvent"),
                migrations.DeleteModel(name="Customer"),
            ],
        ),
    ]
