"""The judge's comparison page (two drawings side by side) and its forms. Thin: parse → one
service → render. The page works without JavaScript (each choice is a form); with it,
``static/js/pairwise.js`` saves through the API and shows the next pair, whose images were
already loaded, without a page load.

Nothing here names an entrant: a drawing is its anonymous code, title and the judges' copy of
its image. Every page answers 404 to whoever is not a judge on the round's panel.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from core.http import refusals_to
from judging.pair_selectors import comparison_get, pair_image_grant
from judging.scale import MIN_COMPARISONS, SSR_TARGET
from judging.services.comparisons import comparison_decide, comparison_recuse, pair_page
from judging.views import grant_response


@login_required
@require_safe
def judge_pair(request, pairwise_round_id):
    page = pair_page(user=request.user, round_id=pairwise_round_id)
    pair, upcoming = page.current, page.upcoming
    return render(
        request,
        "judging/pairwise_judge.html",
        {
            "page": page,
            "round": page.round,
            "pair": pair,
            "pair_sides": [("left", pair.left), ("right", pair.right)] if pair else [],
            "upcoming": upcoming,
            "upcoming_sides": (
                [("left", upcoming.left), ("right", upcoming.right)] if upcoming else []
            ),
            "texts": _texts(),
            "ssr_target": SSR_TARGET,
            "min_comparisons": MIN_COMPARISONS,
        },
    )


def _texts() -> dict:
    """What the page's script says, translated here ({n}, {code}… filled in by the script)."""
    return {
        "today_one": ngettext("%(n)s pair compared today", "%(n)s pairs compared today", 1)
        % {"n": "{today}"},
        "today_many": ngettext("%(n)s pair compared today", "%(n)s pairs compared today", 2)
        % {"n": "{today}"},
        "total": _("%(n)s in this round") % {"n": "{total}"},
        "ssr": _("Round reliability (SSR): %(ssr)s, from %(n)s decisions of every judge")
        % {"ssr": "{ssr}", "n": "{decisions}"},
        "ssr_none": _("Round reliability (SSR): not yet measurable"),
        "ssr_low": _(
            "Round reliability (SSR): below 0 for now, from %(n)s decisions of every judge: too "
            "few comparisons yet to tell the drawings apart"
        )
        % {"n": "{decisions}"},
        "saved_left": _("Saved: left. Next pair: %(left)s and %(right)s.")
        % {"left": "{left}", "right": "{right}"},
        "saved_right": _("Saved: right. Next pair: %(left)s and %(right)s.")
        % {"left": "{left}", "right": "{right}"},
        "saved_skip": _("Skipped. Next pair: %(left)s and %(right)s.")
        % {"left": "{left}", "right": "{right}"},
        "saving": _("Saving…"),
        "complete": _("The round has enough comparisons."),
        "missing": _("No image is ready for this entry."),
        "failed": _("Not saved: the connection failed. Try again."),
        "alt_left": _("Left drawing %(code)s (select to see it full size)") % {"code": "{code}"},
        "alt_right": _("Right drawing %(code)s (select to see it full size)") % {"code": "{code}"},
    }


def _pair_page_of(request, comparison_id) -> str:
    return reverse("judge-pair", args=[comparison_get(request.user, comparison_id).round_id])


@login_required
@require_POST
@refusals_to(_pair_page_of)
def judge_pair_decide(request, comparison_id):
    """Without JavaScript: a choice button posts here, then the next pair opens."""
    choice = request.POST.get("choice", "")
    comparison_decide(
        user=request.user,
        comparison_id=comparison_id,
        winner=choice if choice in ("left", "right") else None,
        skip=choice == "skip",
    )
    return redirect(_pair_page_of(request, comparison_id))


@login_required
@require_POST
@refusals_to(_pair_page_of)
def judge_pair_recuse(request, comparison_id):
    comparison_recuse(
        user=request.user,
        comparison_id=comparison_id,
        side=request.POST.get("side", ""),
        reason=request.POST.get("reason", "")[:2000],
    )
    messages.success(
        request,
        _(
            "Recorded: you will not see that drawing again, and your earlier choices with it no "
            "longer count."
        ),
    )
    return redirect(_pair_page_of(request, comparison_id))


@require_safe
def judge_pair_image(request, token):
    """A drawing of a served pair, re-checked now (``pair_image_grant``): a withdrawn consent,
    a recusal or a voided pair ends the link at once, as the rubric's file links."""
    response = grant_response(pair_image_grant(token))
    if response.status_code == 200:  # the page shows it again full size: the browser may reuse
        response["Cache-Control"] = f"private, max-age={settings.SIGNED_URL_SECONDS}"
    return response
