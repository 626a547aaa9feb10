"""Plans and leads belong to an authority.

Forwards: one Authority per distinct Plan.authority text (reusing those the inspections
migration made from Inspection.authority), every plan assigned to its own. A lead is assigned to
the authority of the plans whose actions, co-led actions, risks and themes use it; a lead used by
plans of two or more authorities is split into one lead per authority, each copy linked to the
same users, and every reference (and the history rows of those actions and risks) repointed to
the copy of the plan's authority. The original stays with the first authority (lowest id).
Leads used by no plan go to the installation's only authority if it has exactly one, and
otherwise to an authority named "Unassigned", for an administrator to place.

Backwards: the plan's authority text comes back from its authority's name, and leads that share
a name key are merged into the lowest id (users united, references repointed), so the old
installation-wide unique name key holds again.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify

UNASSIGNED = "Unassigned"


def authority_named(Authority, text):
    name = (text or "").strip() or UNASSIGNED
    found = Authority.objects.filter(name=name).first()
    if found:
        return found
    base = slugify(name)[:55] or "authority"
    slug, n = base, 1
    while Authority.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Authority.objects.create(name=name, slug=slug)


def default_authority(Authority):
    """Where a lead no plan uses goes: the only authority, if there is exactly one."""
    if Authority.objects.count() == 1:
        return Authority.objects.get()
    return authority_named(Authority, UNASSIGNED)


class Models:
    def __init__(self, apps):
        for name in ("Plan", "Lead", "Action", "Risk", "Theme", "HistoricalAction", "HistoricalRisk"):
            setattr(self, name, apps.get_model("improvement", name))
        self.Authority = apps.get_model("authorities", "Authority")
        self.CoLead = self.Action.co_leads.through


def authorities_using(m, lead):
    ids = set(m.Action.objects.filter(lead=lead).values_list("plan__authority_id", flat=True))
    ids |= set(m.CoLead.objects.filter(lead=lead).values_list("action__plan__authority_id", flat=True))
    ids |= set(m.Risk.objects.filter(owner=lead).values_list("plan__authority_id", flat=True))
    ids |= set(m.Theme.objects.filter(lead=lead).values_list("plan__authority_id", flat=True))
    return sorted(ids)


def repoint(m, *, old, new, authority_id=None):
    """Every reference to `old` (of plans of `authority_id`, or all) now names `new`."""
    scope = {} if authority_id is None else {"plan__authority_id": authority_id}
    m.Action.objects.filter(lead=old, **scope).update(lead=new)
    m.Risk.objects.filter(owner=old, **scope).update(owner=new)
    m.Theme.objects.filter(lead=old, **scope).update(lead=new)
    actions = m.Action.objects.filter(**scope).values("pk")
    m.HistoricalAction.objects.filter(lead_id=old.pk, id__in=actions).update(lead_id=new.pk)
    risks = m.Risk.objects.filter(**scope).values("pk")
    m.HistoricalRisk.objects.filter(owner_id=old.pk, id__in=risks).update(owner_id=new.pk)
    co_led = m.CoLead.objects.filter(lead=old, action__in=actions)
    # An action co-led by both copies keeps one row.
    co_led.filter(action__in=m.CoLead.objects.filter(lead=new).values("action")).delete()
    co_led.update(lead=new)


def constraints_now(schema_editor):
    # PostgreSQL defers foreign key checks to the end of the transaction; the ALTER TABLE that
    # follows this step refuses to run while any are pending, so check them here.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def forward(apps, schema_editor):
    m = Models(apps)
    for plan in m.Plan.objects.order_by("pk"):
        plan.authority = authority_named(m.Authority, plan.authority_name)
        plan.save(update_fields=["authority"])
    fallback = None
    for lead in m.Lead.objects.order_by("pk"):
        ids = authorities_using(m, lead)
        if not ids:
            fallback = fallback or default_authority(m.Authority)
            ids = [fallback.pk]
        lead.authority_id = ids[0]
        lead.save(update_fields=["authority"])
        for authority_id in ids[1:]:
            copy = m.Lead.objects.create(
                authority_id=authority_id,
                name=lead.name,
                name_key=lead.name_key,
                organisation=lead.organisation,
                email=lead.email,
            )
            copy.users.set(lead.users.all())
            repoint(m, old=lead, new=copy, authority_id=authority_id)
    constraints_now(schema_editor)


def backward(apps, schema_editor):
    m = Models(apps)
    for plan in m.Plan.objects.select_related("authority"):
        plan.authority_name = plan.authority.name
        plan.save(update_fields=["authority_name"])
    keys = (
        m.Lead.objects.values("name_key")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .values_list("name_key", flat=True)
    )
    for key in list(keys):
        keep, *others = m.Lead.objects.filter(name_key=key).order_by("pk")
        for other in others:
            keep.users.add(*other.users.all())
            repoint(m, old=other, new=keep)
            other.delete()
    constraints_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0001_initial"),
        ("inspections", "0002_inspection_authority_fk"),
        ("improvement", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("plan", "authority", "authority_name"),
        migrations.AlterField("plan", "authority_name", models.CharField(max_length=120, null=True)),
        migrations.AddField(
            "plan",
            "authority",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="authorities.authority",
            ),
        ),
        migrations.AddField(
            "lead",
            "authority",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="leads",
                to="authorities.authority",
            ),
        ),
        migrations.AlterField(
            "lead", "name_key", models.CharField(editable=False, max_length=200)
        ),
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            "plan",
            "authority",
            models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="authorities.authority",
            ),
        ),
        migrations.AlterField(
            "lead",
            "authority",
            models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="leads",
                to="authorities.authority",
            ),
        ),
        migrations.RemoveField("plan", "authority_name"),
        migrations.AlterModelOptions(name="plan", options={"ordering": ["authority__name", "title"]}),
        migrations.AddConstraint(
            "lead",
            models.UniqueConstraint(
                fields=("authority", "name_key"),
                name="lead_name_unique_in_authority",
                violation_error_message="This authority already has a lead of this name.",
            ),
        ),
    ]
