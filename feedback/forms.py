from django import forms

from .models import EditorMessage


class HoneypotMixin(forms.Form):
    """A field people never see; a bot that fills it in is quietly ignored."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))


class CommentForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = EditorMessage
        fields = ["name", "email", "message"]
        labels = {"message": "Your comment or query"}
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
