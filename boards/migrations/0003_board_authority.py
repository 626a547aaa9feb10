"""Boards belong to an authority, and oversee only that authority's plans.

Forwards: a board takes the authority of its plans. A board overseeing plans of two or more
authorities is split: the original keeps the authority with most of its plans (then the lowest
id) and its meetings; each other authority gets a board of the same name, chair and members, with
its plans and their packs. A board with no plans goes to the installation's only authority if it
has exactly one, and otherwise to an authority named "Unassigned".
Then every meeting action whose owner is a lead of another authority than its board's is
repointed to that authority's lead of the same name: an existing one, or the owner itself moved
there when no plan uses it, or else a copy linked to the same users.

Backwards: the authority column goes; split boards stay apart (nothing is lost), and meeting
action owners go back to the lowest-id lead of their name, which the improvement migration's
backwards step keeps when it merges leads.
"""

from collections import Counter

import django.db.models.deletion
from django.db import migrations, models

UNASSIGNED = "Unassigned"


def default_authority(Authority):
    if Authority.objects.count() == 1:
        return Authority.objects.get()
    found = Authority.objects.filter(name=UNASSIGNED).first()
    if found:
        return found
    slug, n = "unassigned", 1
    while Authority.objects.filter(slug=slug).exists():
        n += 1
        slug = f"unassigned-{n}"
    return Authority.objects.create(name=UNASSIGNED, slug=slug)


def split_board(apps, board):
    Board = apps.get_model("boards", "Board")
    Pack = apps.get_model("boards", "Pack")
    plans = list(board.plans.all())
    counts = Counter(plan.authority_id for plan in plans)
    ranked = sorted(counts, key=lambda a: (-counts[a], a))
    board.authority_id = ranked[0]
    board.save(update_fields=["authority"])
    for authority_id in ranked[1:]:
        theirs = [plan for plan in plans if plan.authority_id == authority_id]
        copy = Board.objects.create(
            authority_id=authority_id,
            name=board.name,
            chair_name=board.chair_name,
            chair_role=board.chair_role,
            chair_id=board.chair_id,
        )
        copy.members.set(board.members.all())
        copy.plans.set(theirs)
        board.plans.remove(*theirs)
        Pack.objects.filter(board=board, plan__in=theirs).update(board=copy)


def used_by_plans(apps, lead):
    Action = apps.get_model("improvement", "Action")
    Risk = apps.get_model("improvement", "Risk")
    Theme = apps.get_model("improvement", "Theme")
    return (
        Action.objects.filter(models.Q(lead=lead) | models.Q(co_leads=lead)).exists()
        or Risk.objects.filter(owner=lead).exists()
        or Theme.objects.filter(lead=lead).exists()
    )


def owner_in(apps, owner, authority_id):
    Lead = apps.get_model("improvement", "Lead")
    MeetingAction = apps.get_model("boards", "MeetingAction")
    twin = Lead.objects.filter(authority_id=authority_id, name_key=owner.name_key).first()
    if twin:
        return twin
    elsewhere = MeetingAction.objects.filter(owner=owner).exclude(
        meeting__board__authority_id=authority_id
    )
    if not used_by_plans(apps, owner) and not elsewhere.exists():
        owner.authority_id = authority_id
        owner.save(update_fields=["authority"])
        return owner
    copy = Lead.objects.create(
        authority_id=authority_id,
        name=owner.name,
        name_key=owner.name_key,
        organisation=owner.organisation,
        email=owner.email,
    )
    copy.users.set(owner.users.all())
    return copy


def constraints_now(schema_editor):
    # PostgreSQL defers foreign key checks to the end of the transaction; the ALTER TABLE that
    # follows this step refuses to run while any are pending, so check them here.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def forward(apps, schema_editor):
    Authority = apps.get_model("authorities", "Authority")
    Board = apps.get_model("boards", "Board")
    MeetingAction = apps.get_model("boards", "MeetingAction")
    for board in Board.objects.filter(authority__isnull=True).order_by("pk"):
        if board.plans.exists():
            split_board(apps, board)
        else:
            board.authority = default_authority(Authority)
            board.save(update_fields=["authority"])
    crossing = (
        MeetingAction.objects.filter(owner__isnull=False)
        .exclude(owner__authority_id=models.F("meeting__board__authority_id"))
        .select_related("owner", "meeting__board")
        .order_by("pk")
    )
    for item in crossing:
        item.owner = owner_in(apps, item.owner, item.meeting.board.authority_id)
        item.save(update_fields=["owner"])
    constraints_now(schema_editor)


def backward(apps, schema_editor):
    Lead = apps.get_model("improvement", "Lead")
    MeetingAction = apps.get_model("boards", "MeetingAction")
    for item in MeetingAction.objects.filter(owner__isnull=False).select_related("owner"):
        first = Lead.objects.filter(name_key=item.owner.name_key).order_by("pk").first()
        if first.pk != item.owner_id:
            item.owner = first
            item.save(update_fields=["owner"])
    constraints_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0001_initial"),
        ("improvement", "0002_plan_and_lead_authority"),
        ("boards", "0002_pack"),
    ]

    operations = [
        migrations.AddField(
            "board",
            "authority",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="boards",
                to="authorities.authority",
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            "board",
            "authority",
            models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="boards",
                to="authorities.authority",
            ),
        ),
    ]
