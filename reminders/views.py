"""The reminder preferences page: thin, one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import PreferenceForm
from .models import ReminderKind


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    pref = selectors.preference_of(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.preference_update(
                    actor=request.user,
                    in_app=form.cleaned_data["in_app"],
                    email=form.cleaned_data["email"],
                    disabled_kinds=form.disabled_kinds(),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Preferensi pengingat disimpan."))
                return redirect("reminders:preferences")
    else:
        form = PreferenceForm(
            initial={
                "in_app": pref.in_app,
                "email": pref.email,
                "kinds": [k for k in ReminderKind.values if k not in pref.disabled_kinds],
            }
        )
    return render(request, "reminders/preferences.html", {"form": form})
