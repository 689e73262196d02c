from django import forms

from .models import Subscriber
from .targets import SEARCH_MAX, choices


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)
    follow = forms.CharField(required=False, widget=forms.HiddenInput, max_length=300)
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))


class PreferencesForm(forms.Form):
    everything = forms.BooleanField(label="Everything new or revised in the bank", required=False)
    frequency = forms.ChoiceField(
        label="How often", choices=Subscriber.Frequency.choices, widget=forms.RadioSelect
    )
    searches = forms.CharField(
        label="Saved searches",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One search per line: hear when a new document matches it.",
    )
    paused = forms.BooleanField(label="Pause all emails for now", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for group, options in choices().items():
            name = "follow_" + group.lower().replace(" ", "_")
            self.fields[name] = forms.MultipleChoiceField(
                label=group,
                required=False,
                choices=options,
                widget=forms.CheckboxSelectMultiple,
            )
            self.groups.append(name)

    def clean_searches(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["searches"].splitlines()]
        lines = [line for line in lines if line]
        too_long = [line for line in lines if len(line) > SEARCH_MAX]
        if too_long:
            raise forms.ValidationError(f"Keep each search to {SEARCH_MAX} characters.")
        if len(lines) > 20:
            raise forms.ValidationError("Save at most 20 searches.")
        return lines

    def targets(self):
        return [key for name in self.groups for key in self.cleaned_data.get(name, [])]

    @classmethod
    def initial_for(cls, subscriber):
        follows = list(subscriber.follows.values_list("target", flat=True))
        initial = {
            "everything": subscriber.everything,
            "frequency": subscriber.frequency,
            "paused": subscriber.paused,
            "searches": "\n".join(f[len("search:") :] for f in follows if f.startswith("search:")),
        }
        for group in choices():
            name = "follow_" + group.lower().replace(" ", "_")
            initial[name] = follows
        return initial
