from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from ops import ratelimits
from pagecache.tags import shows_lists

from . import services
from .forms import PreferencesForm, SubscribeForm
from .models import Bulletin
from .targets import describe
from .tokens import MANAGE_SALT, UNSUBSCRIBE_SALT, BadToken, manage_token, read, read_confirm


def _email_key(group, request):
    return services.normalise_email(request.POST.get("email", ""))


def _limited(request):
    """Whether this sign-up is over the limits, per IP and per address (no one may use the
    site to flood someone else's inbox). With the cache down both are counted in this
    process instead: sign-ups go on, and no inbox can be flooded."""
    by_ip = ratelimits.check(
        request,
        "readers.subscribe.ip",
        "ip",
        settings.READERS_SUBSCRIBE_RATE_IP,
        when_down=ratelimits.LOCAL,
    )
    by_address = ratelimits.check(
        request,
        "readers.subscribe.email",
        _email_key,
        settings.READERS_SUBSCRIBE_RATE_EMAIL,
        when_down=ratelimits.LOCAL,
    )
    return by_ip or by_address


# No CSRF token: a forged sign-up only sends its address a confirmation (rate-limited), and
# without a token the "Follow this" forms do not stop pages from being cached for everyone.
@csrf_exempt
def subscribe(request):
    form = SubscribeForm(request.POST or None, initial={"follow": request.GET.get("follow")})
    target = describe(form["follow"].value() or "")
    if request.method == "POST" and form.is_valid():
        if limited := _limited(request):
            response = render(
                request, "readers/subscribe.html",
                {"form": form, "target": target, "limited": True}, status=429,
            )  # fmt: skip
            response["Retry-After"] = str(limited.retry_after)
            return response
        if not form.is_spam():
            services.subscribe(form.cleaned_data["email"], form.cleaned_data["follow"])
        return render(request, "readers/check_inbox.html", {"target": target})
    return render(request, "readers/subscribe.html", {"form": form, "target": target})


def confirm(request, token):
    try:
        subscriber, data = read_confirm(token)
    except BadToken as exc:
        return render(request, "readers/bad_link.html", {"reason": str(exc)}, status=400)
    target = describe(data.get("f", ""))
    if request.method == "POST":
        services.confirm(subscriber, data.get("f", ""))
        messages.success(
            request,
            f"Confirmed: you follow {target.label if target else 'everything in the bank'}.",
        )
        return redirect("readers:manage", manage_token(subscriber.pk, subscriber.key))
    return render(request, "readers/confirm.html", {"target": target, "email": subscriber.email})


def manage(request, token):
    try:
        subscriber, _ = read(token, MANAGE_SALT)
    except BadToken as exc:
        return render(request, "readers/bad_link.html", {"reason": str(exc)}, status=400)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_for(subscriber))
    if request.method == "POST" and "delete" in request.POST:
        services.forget(subscriber)
        return render(request, "readers/deleted.html")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.set_preferences(
            subscriber,
            everything=data["everything"],
            targets=form.targets(),
            searches=data["searches"],
            frequency=data["frequency"],
            paused=data["paused"],
        )
        messages.success(request, "Saved: your updates will follow these choices.")
        return redirect("readers:manage", token)
    return render(request, "readers/manage.html", {"form": form, "subscriber": subscriber})


# RFC 8058: mail systems unsubscribe with a bare POST to the List-Unsubscribe address, with
# no page and no CSRF token; a person following the link sees a button first.
@csrf_exempt
def unsubscribe(request, token):
    try:
        subscriber, _ = read(token, UNSUBSCRIBE_SALT)
    except BadToken as exc:
        if request.method == "POST":
            return render(request, "readers/deleted.html")  # already gone: same answer
        return render(request, "readers/bad_link.html", {"reason": str(exc)}, status=400)
    if request.method == "POST":
        services.forget(subscriber)
        return render(request, "readers/deleted.html")
    return render(request, "readers/unsubscribe.html", {"email": subscriber.email})


@shows_lists(Bulletin)
def bulletin_list(request):
    return render(request, "readers/bulletin_list.html", {"bulletins": Bulletin.objects.archive()})


def bulletin_detail(request, pk):
    try:
        page = Bulletin.objects.archive_page(pk)
    except Bulletin.DoesNotExist:
        raise Http404("No such bulletin.") from None
    return render(request, "readers/bulletin.html", page)
