"""The readiness criteria a plan may rate its actions by, in the plan's own words.

Worcestershire-style plans ask of every action whether its scope is clear, its resources are
identified and allocated, a project plan is in place and its timescales are ambitious; other
councils use fewer or different questions. A plan holds its list as JSON:
[{"key": "scope", "name": "Clear scope", "essential": true}, ...]; an action holds
{key: True | False | None} against those keys, so renaming a criterion's words never loses
what was recorded against it while its key stays.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import slugify

MAX_CRITERIA = 10
KEY_LENGTH = 50
SLUG_SAFE = re.compile(r"^[-a-zA-Z0-9_]+\Z")
ESSENTIAL_MARK = "!"

NO_CRITERIA = "A plan needs at least one criterion to rate its actions by."
TOO_MANY_CRITERIA = "A plan can rate by at most %(most)d criteria; this one has %(count)d."
CRITERIA_NOT_A_LIST = (
    'Criteria must be a list such as [{"key": "scope", "name": "Clear scope", "essential": true}].'
)
CRITERION_NOT_AN_OBJECT = (
    'Criterion %(number)d must be an object with a "key", a "name" and "essential".'
)
CRITERION_WITHOUT_NAME = "Criterion %(number)d has no name."
CRITERION_NAME_REPEATED = '"%(name)s" is named twice: each criterion needs its own name.'
CRITERION_KEY_NOT_SLUG = (
    'The key of "%(name)s" must be letters, numbers, hyphens or underscores, not "%(key)s".'
)
CRITERION_KEY_REPEATED = '"%(name)s" has the key "%(key)s", which "%(other)s" already has.'
CRITERION_ESSENTIAL_NOT_YES_NO = '"essential" of "%(name)s" must be true or false.'
ASSESSMENTS_NOT_AN_OBJECT = (
    'Criteria of an action must be an object such as {"scope": true, "pace": false}.'
)
ASSESSMENT_NOT_YES_NO = (
    'The criterion "%(key)s" is recorded as %(value)s: it must be true (met), false (not met) '
    "or null (not assessed)."
)


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    essential: bool = False

    def as_json(self) -> dict:
        return {"key": self.key, "name": self.name, "essential": self.essential}


# The five most councils rate by, in their words; the fifth was once "timescale realistic",
# which councils call pace.
STANDARD_CRITERIA = (
    Criterion("scope", "Clear scope", essential=True),
    Criterion("resources-identified", "Resources identified"),
    Criterion("resources-allocated", "Resources allocated"),
    Criterion("project-plan", "Project plan in place"),
    Criterion("pace", "Ambitious delivery timescales (pace)"),
)


def standard_criteria() -> list[dict]:
    """Plan.criteria's default: a fresh list each time, so no two plans share one."""
    return [criterion.as_json() for criterion in STANDARD_CRITERIA]


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def validate_criteria(value) -> None:
    """A plan's criteria: 1 to 10, each named, no name or key twice, keys fit for a form field."""
    if not isinstance(value, list):
        raise ValidationError(CRITERIA_NOT_A_LIST, code="criteria_not_a_list")
    if not value:
        raise ValidationError(NO_CRITERIA, code="no_criteria")
    if len(value) > MAX_CRITERIA:
        raise ValidationError(
            TOO_MANY_CRITERIA,
            code="too_many_criteria",
            params={"most": MAX_CRITERIA, "count": len(value)},
        )
    errors, names, keys = [], {}, {}
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("key", ""), str):
            errors.append(
                ValidationError(
                    CRITERION_NOT_AN_OBJECT,
                    code="criterion_not_an_object",
                    params={"number": number},
                )
            )
            continue
        errors += _criterion_errors(number, item, names=names, keys=keys)
    if errors:
        raise ValidationError(errors)


def _criterion_errors(number: int, item: dict, *, names: dict, keys: dict) -> list:
    name, key = item.get("name"), item.get("key", "")
    if not isinstance(name, str) or not name.strip():
        return [
            ValidationError(
                CRITERION_WITHOUT_NAME, code="criterion_without_name", params={"number": number}
            )
        ]
    errors = []
    params = {"name": name.strip(), "key": key}
    if _name_key(name) in names:
        errors.append(
            ValidationError(CRITERION_NAME_REPEATED, code="criterion_name_repeated", params=params)
        )
    names[_name_key(name)] = name
    if not SLUG_SAFE.match(key):
        errors.append(
            ValidationError(CRITERION_KEY_NOT_SLUG, code="criterion_key_not_slug", params=params)
        )
    elif key in keys:
        errors.append(
            ValidationError(
                CRITERION_KEY_REPEATED,
                code="criterion_key_repeated",
                params={**params, "other": keys[key]},
            )
        )
    keys.setdefault(key, name.strip())
    if not isinstance(item.get("essential", False), bool):
        errors.append(
            ValidationError(
                CRITERION_ESSENTIAL_NOT_YES_NO, code="criterion_essential_not_yes_no", params=params
            )
        )
    return errors


def validate_assessments(value) -> None:
    """An action's criteria: each recorded as met (true), not met (false) or not assessed."""
    if not isinstance(value, dict):
        raise ValidationError(ASSESSMENTS_NOT_AN_OBJECT, code="assessments_not_an_object")
    errors = [
        ValidationError(
            ASSESSMENT_NOT_YES_NO,
            code="assessment_not_yes_no",
            params={"key": key, "value": repr(held)},
        )
        for key, held in value.items()
        if not (held is None or isinstance(held, bool))
    ]
    if errors:
        raise ValidationError(errors)


def criteria_from_json(value) -> tuple[Criterion, ...]:
    return tuple(
        Criterion(key=item["key"], name=item["name"], essential=bool(item.get("essential")))
        for item in value or ()
    )


# Criteria in plain words, as the admin edits them ----------------------------------------------


def criteria_as_words(criteria: list[dict]) -> str:
    """One criterion a line, an essential one marked with a leading "!"."""
    return "\n".join(
        f"{ESSENTIAL_MARK if c.essential else ''}{c.name}" for c in criteria_from_json(criteria)
    )


def criteria_from_words(text: str, *, previous: list[dict]) -> list[dict]:
    """The JSON list for lines of words. A name already in the plan keeps its key, so what actions
    recorded against it stays; a new name takes a key made from its words."""
    known = {_name_key(c.name): c.key for c in criteria_from_json(previous)}
    taken: set[str] = set()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    result = []
    for line in lines:
        essential = line.startswith(ESSENTIAL_MARK)
        name = line.removeprefix(ESSENTIAL_MARK).strip()
        key = known.get(_name_key(name))
        if key is None or key in taken:
            # A new name never takes the key of a criterion the plan had: actions' answers to
            # that one would otherwise be read as answers to this.
            key = _fresh_key(name, taken=taken | set(known.values()))
        taken.add(key)
        result.append({"key": key, "name": name, "essential": essential})
    return result


def _fresh_key(name: str, *, taken: set[str]) -> str:
    base = slugify(name)[:KEY_LENGTH].strip("-") or "criterion"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key
