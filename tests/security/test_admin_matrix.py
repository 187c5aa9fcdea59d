"""The admin in the permission matrix (issue 13.1, DOMAIN §10 "Every way in checks the same
rules"): every registered model's changelist, add, change, delete and history views, requested
by each member of the cast, against the smart-city contest (A) — whose organizer is the
``owner`` — while ``other_organizer`` runs only the drawing contest (B).

* staff-less members (judge, student, guardian, anonymous): every view sends them to the
  admin's log-in page and nothing changes;
* the organizer of the other contest: A's rows are not listed, cannot be opened, changed,
  deleted or read in history; no form offers A (or its divisions, rounds) as a choice; a forged
  POST naming A's ids is refused and nothing is saved; models outside the organizers' group
  (users, groups, tokens, the audit trail) answer 403;
* the owner (the control): the same POSTs succeed, so the refusals above are the scope's doing.

``test_every_registered_model_is_covered`` fails when a model is registered without a row here.
"""

import copy
from datetime import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.widgets import CheckboxInput, MultiWidget
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token, TokenProxy

from accounts.enums import Role
from accounts.models import User
from accounts.services import ORGANIZER_GROUP, organizer_group
from contests.models import Contest, Criterion, Division, PrizeTier, Round
from contests.seed import wsce2021_seed
from core.audit import audit_record
from core.models import AuditRecord
from tests.factories import user_make
from tests.security.test_permission_matrix import snapshot

# How each configurable model reaches its contest (as contests.admin's scoping, written here
# on its own so that the test does not trust the code it checks).
CONTEST_PATHS = {
    Contest: "",
    Division: "contest",
    Round: "contest",
    PrizeTier: "contest",
    Criterion: "round__contest",
}
CAST = ["owner", "other_organizer", "judge", "student", "guardian", "anonymous"]
NON_STAFF = ["judge", "student", "guardian", "anonymous"]

# Every model the admin registers, and its object of contest A (or of nobody).
# Models whose admin is for superusers only (organizers lack the permission): 403 for them.
SUPERUSER_ONLY = {User, Group, TokenProxy, AuditRecord}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> dict:
    smart, drawing = wsce2021_seed(demo_now=timezone.now())
    owner = user_make(Role.ORGANIZER, is_staff=True)
    other = user_make(Role.ORGANIZER, is_staff=True)
    for user in (owner, other):
        user.groups.add(organizer_group())
    smart.organizers.add(owner)
    drawing.organizers.add(other)
    users = {
        "owner": owner,
        "other_organizer": other,
        "judge": user_make(Role.JUDGE),
        "student": user_make(Role.STUDENT),
        "guardian": user_make(Role.GUARDIAN),
        "anonymous": None,
    }
    record = audit_record(actor=owner, action="contest.configure", target=smart, contest=smart)
    token = Token.objects.create(user=owner)
    objects = {
        Contest: smart,
        Round: smart.rounds.get(code="r1"),
        PrizeTier: smart.prize_tiers.order_by("order").first(),
        User: owner,
        Group: Group.objects.get(name=ORGANIZER_GROUP),
        TokenProxy: TokenProxy.objects.get(pk=token.pk),
        AuditRecord: AuditRecord.objects.get(pk=record.pk),
    }
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    superuser = user_make(Role.ORGANIZER, is_staff=True, is_superuser=True)
    clients["superuser"] = Client()
    clients["superuser"].force_login(superuser)
    return {"users": users, "clients": clients, "objects": objects, "a": smart, "b": drawing}


def client_of(world, role) -> Client:
    """A fresh browser with the role's session (a request must not change the next one's)."""
    client = Client()
    client.cookies = copy.deepcopy(world["clients"][role].cookies)
    return client


def urls(model, obj) -> dict[str, str]:
    info = (model._meta.app_label, model._meta.model_name)
    return {
        "changelist": reverse("admin:{}_{}_changelist".format(*info)),
        "add": reverse("admin:{}_{}_add".format(*info)),
        "change": reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
        "delete": reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]),
        "history": reverse("admin:{}_{}_history".format(*info), args=[obj.pk]),
    }


def contest_of(obj) -> Contest | None:
    path = CONTEST_PATHS.get(type(obj))
    if path is None:
        return None
    for step in [s for s in path.split("__") if s]:
        obj = getattr(obj, step)
    return obj


# ---- building POST data from a rendered admin form ------------------------------------------


def _field_data(form, prefix: str = "") -> dict:
    data = {}
    for name, field in form.fields.items():
        key = f"{prefix}{name}"
        value = form[name].value()
        widget = getattr(field.widget, "widget", field.widget)  # the related-field wrapper
        if isinstance(widget, MultiWidget):  # date + time
            value = value if isinstance(value, datetime) else None
            parts = widget.decompress(value) if value else ["", ""]
            for i, part in enumerate(parts):
                data[f"{key}_{i}"] = part.isoformat() if hasattr(part, "isoformat") else part
            continue
        if isinstance(widget, CheckboxInput):
            if value:
                data[key] = "on"
            continue
        if isinstance(field, ModelMultipleChoiceField):
            data[key] = [str(getattr(v, "pk", v)) for v in value or []]
            continue
        data[key] = "" if value is None else str(getattr(value, "pk", value))
    return data


def form_data(response) -> dict:
    """Everything the change page would POST back unchanged: the form and every inline."""
    data = _field_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {management.add_prefix(k): v for k, v in _field_data(management).items() if v != ""}
        )
        for form in formset.initial_forms:
            data.update(_field_data(form, prefix=f"{form.prefix}-"))
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
    return data


def as_new(model, data: dict) -> dict:
    """The same object as a new one: its inline rows as new rows, its codes made unique, and
    prize money that leaves the budget as it is."""
    new = {}
    for key, value in data.items():
        if key.endswith("-id") or key.endswith("-INITIAL_FORMS"):
            new[key] = "" if key.endswith("-id") else "0"
        elif key.endswith(("-round", "-contest")):
            continue  # the new parent's, set on save
        else:
            new[key] = value
    if "code" in new:
        new["code"] = f"{new['code']}-copy"
    if "order" in new and model is Round:
        new["order"] = "9"
    if model is PrizeTier:
        new["amount"] = "0"
    return new


def changed_count(model) -> int:
    return model._default_manager.count()


# ---- the tests ------------------------------------------------------------------------------


def test_every_registered_model_is_covered(world):
    registered = set(admin.site._registry)
    assert registered == set(world["objects"]), "add the model to build_world's objects"


@pytest.mark.parametrize("role", NON_STAFF)
def test_staff_less_members_never_reach_an_admin_view(world, db, role):
    for model, obj in world["objects"].items():
        for view, url in urls(model, obj).items():
            for method in ("get", "post"):
                before = snapshot()
                response = getattr(client_of(world, role), method)(url, {})
                assert response.status_code == 302, (model, view, method)
                assert response["Location"].startswith("/admin/login/"), (model, view)
                assert snapshot() == before, (model, view, method)


@pytest.mark.parametrize("model", [Contest, Round, PrizeTier], ids=lambda m: m.__name__)
def test_the_other_organizer_cannot_see_or_touch_contest_a(world, db, model):
    obj, a = world["objects"][model], world["a"]
    other = client_of(world, "other_organizer")
    links = urls(model, obj)

    listing = other.get(links["changelist"])
    assert listing.status_code == 200
    listed = list(listing.context["cl"].result_list)
    assert listed and all(contest_of(row) != a for row in listed), listed
    assert all(a.title_ko not in str(f) for f in listing.context["cl"].filter_specs)

    for view in ("change", "delete", "history"):
        for method in ("get", "post"):
            before = snapshot()
            response = getattr(other, method)(links[view], {"post": "yes"})
            assert refused(response), (view, method, response.status_code)
            assert snapshot() == before, (view, method)

    # the owner's change page, posted back by the other organizer as their own new object
    owner_page = client_of(world, "superuser").get(links["change"])
    data = as_new(model, form_data(owner_page))
    add = other.get(links["add"])
    if model is Contest:
        assert add.status_code == 403  # only superusers create contests
        return
    assert add.status_code == 200
    _assert_no_choice_of(a, add)
    before, count = snapshot(), changed_count(model)
    forged = other.post(links["add"], data)
    assert forged.status_code == 200, "the form comes back with the error"
    assert "contest" in forged.context["adminform"].form.errors
    assert changed_count(model) == count and snapshot() == before

    # the control: the owner posts the same and it is saved
    saved = client_of(world, "owner").post(links["add"], data)
    assert saved.status_code == 302, _errors(saved)
    assert changed_count(model) == count + 1


def test_the_owner_changes_contest_a_with_the_same_forms(world, db):
    """The control of the change POSTs: posting a page back unchanged is accepted."""
    owner = client_of(world, "owner")
    for model in (Contest, Round, PrizeTier):
        links = urls(model, world["objects"][model])
        page = owner.get(links["change"])
        assert page.status_code == 200
        response = owner.post(links["change"], form_data(page))
        assert response.status_code == 302, (model, _errors(response))


def test_a_forged_division_of_another_contest_is_refused(world, db):
    """A tier of contest A pointing at a division of contest B: not a valid choice for the
    owner of A, and refused by the form's own check for a superuser (who sees every division)."""
    tier, b = world["objects"][PrizeTier], world["b"]
    links = urls(PrizeTier, tier)
    foreign = b.divisions.first()
    for role in ("owner", "superuser"):
        client = client_of(world, role)
        data = form_data(client.get(links["change"]))
        data["division"] = str(foreign.pk)
        before = snapshot()
        response = client.post(links["change"], data)
        assert response.status_code == 200, role
        assert "division" in response.context["adminform"].form.errors, role
        assert snapshot() == before


@pytest.mark.parametrize("model", sorted(SUPERUSER_ONLY, key=str), ids=lambda m: m.__name__)
def test_organizers_do_not_reach_the_superusers_models(world, db, model):
    obj = world["objects"][model]
    for role in ("owner", "other_organizer"):
        for view, url in urls(model, obj).items():
            for method in ("get", "post"):
                before = snapshot()
                response = getattr(client_of(world, role), method)(url, {"post": "yes"})
                assert response.status_code == 403, (role, view, method)
                assert snapshot() == before


def refused(response) -> bool:
    """403 (no such permission), or the admin's "does not exist" (a redirect to its index)."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def _assert_no_choice_of(contest, response) -> None:
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.empty_form, *inline.formset.forms]
    for form in forms:
        for name, field in form.fields.items():
            if not isinstance(field, ModelChoiceField) or name == form._meta.model._meta.pk.name:
                continue  # an inline row's own id: Django looks it up among the parent's rows
            model = field.queryset.model
            if model not in CONTEST_PATHS:
                continue
            offered = [contest_of(obj) for obj in field.queryset]
            assert contest not in offered, (form.prefix, name)


def _errors(response) -> str:
    if getattr(response, "context", None) is None or "adminform" not in response.context:
        return str(response.status_code)
    errors = [response.context["adminform"].form.errors]
    errors += [i.formset.errors for i in response.context["inline_admin_formsets"]]
    errors += [i.formset.non_form_errors() for i in response.context["inline_admin_formsets"]]
    return str(errors)


def test_the_admins_other_views_give_nothing_of_contest_a(world, db):
    """The views not tied to one model: the section page, search-as-you-type, view-on-site."""
    a, other = world["a"], client_of(world, "other_organizer")
    section = other.get(reverse("admin:app_list", args=["contests"]))
    assert section.status_code == 200 and a.title_ko not in section.content.decode()
    for model, field in [(Round, "contest"), (PrizeTier, "contest"), (PrizeTier, "division")]:
        search = other.get(
            reverse("admin:autocomplete"),
            {"app_label": "contests", "model_name": model._meta.model_name, "field_name": field},
        )
        if search.status_code == 200:  # searches the contest admin's own (scoped) rows
            assert str(a.pk) not in {r["id"] for r in search.json()["results"]}, (model, field)
            assert search.json()["results"], "the other organizer's own contest is found"
        else:
            assert search.status_code == 403, (model, field)  # divisions have no admin
    for model in (Contest, Round, PrizeTier):
        obj = world["objects"][model]
        content_type = ContentType.objects.get_for_model(model)
        response = other.get(reverse("admin:view_on_site", args=[content_type.pk, obj.pk]))
        assert response.status_code == 404  # no public URL of a configuration object
    for role in NON_STAFF:
        response = client_of(world, role).get(reverse("admin:app_list", args=["contests"]))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
