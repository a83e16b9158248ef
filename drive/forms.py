from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from files.models import FileKind
from portal.fields import NameFormField

from .models import DriveEntry, Space


class FolderCreateForm(forms.Form):
    name = NameFormField(label=_("Name of the new folder"), max_length=200)


class RenameForm(forms.Form):
    name = NameFormField(label=_("New name"), max_length=200)


class MoveForm(forms.Form):
    """Where to move an entry: a space's root or one of the account's folders (never inside itself)."""

    target = forms.ChoiceField(label=_("Move to"))

    def __init__(self, *args, entry: DriveEntry, folders, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"{space.value}:", _("%(space)s (top level)") % {"space": space.label}) for space in Space]
        excluded = {entry.pk}
        if entry.is_folder:
            from .services import descendants

            excluded |= {row.pk for row in descendants(entry)}
        for folder in folders:
            if folder.pk in excluded or folder.read_only:
                continue
            label = " / ".join([str(Space(folder.space).label), *[a.name for a in folder.ancestors()], folder.name])
            choices.append((f"{folder.space}:{folder.pk}", label))
        self.fields["target"].choices = choices
        self.folders = {folder.pk: folder for folder in folders}

    def clean_target(self):
        space, _sep, pk = self.cleaned_data["target"].partition(":")
        if space not in Space.values:
            raise forms.ValidationError(_("Choose a folder from the list."))
        folder = self.folders.get(int(pk)) if pk.isdigit() else None
        if pk and folder is None:
            raise forms.ValidationError(_("Choose a folder from the list."))
        return space, folder


class AppPasswordForm(forms.Form):
    name = NameFormField(
        label=_("Name of the device"),
        max_length=100,
        help_text=_("For example “Office computer” or “Claire’s phone”, to know which one to revoke."),
    )


class AttachForm(forms.Form):
    """A "My files" PDF for one of a product's file slots (cover, interior, …)."""

    entry = forms.ChoiceField(label=_("PDF from “My files”"))
    kind = forms.ChoiceField(label=_("Type of file"))
    product = forms.CharField(widget=forms.HiddenInput)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, product, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", _("Choose a file")), *((str(e.pk), e.name) for e in entries)]
        self.fields["kind"].choices = [("", _("Choose a type")), *FileKind.choices]
        self.fields["product"].initial = str(product.pk)
        self.fields["entry"].widget.attrs["id"] = f"id_attach_{product.pk}_entry"
        self.fields["kind"].widget.attrs["id"] = f"id_attach_{product.pk}_kind"
