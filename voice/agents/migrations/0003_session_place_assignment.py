# A session's place that is not one of the user's own devices: the device assigned for the
# session, its default user, and the user's own devices to give back at the end.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('provisioning', '0002_settings_features_services'),
        ('voice_agents', '0002_queue'),
    ]

    operations = [
        migrations.AddField(
            model_name='contactcentersession',
            name='place_device',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='place_session', to='provisioning.device'),
        ),
        migrations.AddField(
            model_name='contactcentersession',
            name='place_default_user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='contactcentersession',
            name='default_devices',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
