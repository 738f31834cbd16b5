from django.db import migrations

SEGMENTS = [
    ("elderly", "老年人"),
    ("student", "青少年学生"),
    ("new-citizen", "新市民"),
    ("rural", "农村居民"),
    ("employee", "企业职工"),
    ("small-business", "小微企业主"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    Segment = apps.get_model("accounts", "Segment")
    for position, (code, name) in enumerate(SEGMENTS):
        Segment.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
