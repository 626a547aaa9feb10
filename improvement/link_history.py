"""The trail of an action's recommendation and co-lead links (LinkChange rows).

Links change through `add`, `remove`, `set` and `clear` from the site, the admin, the importer
and the demo alike, so the trail is kept where Django reports every such change, as
simple-history keeps the other rows' history: on `m2m_changed`. It records what changed and
nothing else.
"""

from contextlib import contextmanager

from django.db.models.signals import m2m_changed, pre_delete

from improvement.models import Action, Lead, LinkChange
from inspections.models import Recommendation

LINKS = {
    "recommendations": LinkChange.Link.RECOMMENDATION,
    "co_leads": LinkChange.Link.CO_LEAD,
}


def _field(through):
    return next(f for f in Action._meta.many_to_many if f.remote_field.through is through)


def _existing_pairs(through, *, instance, reverse: bool, pk_set) -> list[tuple[int, int]]:
    field = _field(through)
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    rows = through.objects.filter(**{target if reverse else source: instance.pk})
    if pk_set is not None:
        rows = rows.filter(**{f"{source if reverse else target}__in": pk_set})
    return list(rows.values_list(source, target))


def record_link_change(sender, *, instance, action, reverse, pk_set, **kwargs) -> None:
    link = LINKS[_field(sender).name]
    if action == "post_add":
        change = LinkChange.Change.ADDED
        pairs = [(pk, instance.pk) if reverse else (instance.pk, pk) for pk in pk_set]
    elif action in ("pre_remove", "pre_clear"):
        # Asked to remove a link that is not there, Django still names it: keep only real ones.
        change = LinkChange.Change.REMOVED
        pairs = _existing_pairs(sender, instance=instance, reverse=reverse, pk_set=pk_set)
    else:
        return
    LinkChange.objects.bulk_create(
        LinkChange(action_id=action_id, link=link, target_id=target_id, change=change)
        for action_id, target_id in pairs
    )


def record_links_of_deleted(sender, *, instance, **kwargs) -> None:
    """Deleting an action, a recommendation or a lead drops its links without `m2m_changed`."""
    for name in LINKS:
        field = Action._meta.get_field(name)
        if sender is Action or sender is field.related_model:
            record_link_change(
                field.remote_field.through,
                instance=instance,
                action="pre_clear",
                reverse=sender is not Action,
                pk_set=None,
            )


def connect() -> None:
    for name in LINKS:
        m2m_changed.connect(
            record_link_change,
            sender=Action._meta.get_field(name).remote_field.through,
            dispatch_uid=f"link_history_{name}",
        )
    for model in (Action, Recommendation, Lead):
        pre_delete.connect(
            record_links_of_deleted, sender=model, dispatch_uid=f"link_history_{model.__name__}"
        )


def _disconnect() -> None:
    for name in LINKS:
        m2m_changed.disconnect(
            sender=Action._meta.get_field(name).remote_field.through,
            dispatch_uid=f"link_history_{name}",
        )
    for model in (Action, Recommendation, Lead):
        pre_delete.disconnect(sender=model, dispatch_uid=f"link_history_{model.__name__}")


@contextmanager
def paused():
    """Rows restored from a backup already hold their trail: recording the links they set again
    would double it. For a process doing nothing else (the `restore` command)."""
    _disconnect()
    try:
        yield
    finally:
        connect()


def links_as_at(*, action_ids: list[int], cutoff) -> dict[str, dict[int, list[int]]]:
    """{link: {action id: [target ids]}} as the links stood at `cutoff`: today's links with every
    later change undone, newest first. Three queries, whatever the number of actions."""
    pairs: dict[str, set[tuple[int, int]]] = {}
    for name, link in LINKS.items():
        field = Action._meta.get_field(name)
        rows = field.remote_field.through.objects.filter(action_id__in=action_ids)
        pairs[link] = set(rows.values_list("action_id", f"{field.m2m_reverse_field_name()}_id"))
    later = (
        LinkChange.objects.filter(action_id__in=action_ids, at__gt=cutoff)
        .order_by("-at", "-pk")
        .values_list("link", "action_id", "target_id", "change")
    )
    for link, action_id, target_id, change in later:
        if change == LinkChange.Change.ADDED:
            pairs[link].discard((action_id, target_id))
        else:
            pairs[link].add((action_id, target_id))
    result: dict[str, dict[int, list[int]]] = {link: {} for link in LINKS.values()}
    for link, links in pairs.items():
        for action_id, target_id in sorted(links):
            result[link].setdefault(action_id, []).append(target_id)
    return result
