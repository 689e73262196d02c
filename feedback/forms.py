from django import forms
from django.core.validators import MaxLengthValidator

from .models import EditorMessage

MESSAGE_MAX = 10_000


class HoneypotMixin(forms.Form):
    """A field people never see; a bot that fills it in is quietly ignored."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "message" in self.fields:
            # Every field has a limit; a message up to 10,000 characters.
            self.fields["message"].max_length = MESSAGE_MAX
            self.fields["message"].validators.append(MaxLengthValidator(MESSAGE_MAX))
            self.fields["message"].widget.attrs["maxlength"] = MESSAGE_MAX


class CommentForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = EditorMessage
        fields = ["name", "email", "message"]
        labels = {"message": "Your comment or query"}
        widgets = {"message": forms.Textarea(attrs={"rows": 8})}


class ConsultationForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = EditorMessage
        fields = ["name", "email", "message"]
        labels = {"message": "Your comments on this draft"}
        widgets = {"message": forms.Textarea(attrs={"rows": 8})}


class SuggestionForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = EditorMessage
        fields = ["suggested_title", "suggested_reference", "message", "name", "email"]
        labels = {"message": "Why it belongs in this cell"}
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_title"].required = True
