"""The django-import-export view of a contact: the template's columns and the library's own import.

The portal's import runs through :mod:`contacts.importing.service` (streaming, bulk, all or nothing);
this resource gives the template its headings and is the "default path" the benchmark compares with.
"""

from __future__ import annotations

from import_export import fields, resources, widgets

from contacts.models import Account, User

from .parsing import COLUMNS


class ContactResource(resources.ModelResource):
    email = fields.Field(attribute="email", column_name=COLUMNS["email"][0])
    first_name = fields.Field(attribute="first_name", column_name=COLUMNS["first_name"][0])
    last_name = fields.Field(attribute="last_name", column_name=COLUMNS["last_name"][0])
    account = fields.Field(
        attribute="account", column_name=COLUMNS["company"][0], widget=widgets.ForeignKeyWidget(Account, "name")
    )
    language = fields.Field(attribute="language", column_name=COLUMNS["language"][0])
    date_joined = fields.Field(
        attribute="date_joined", column_name=COLUMNS["customer_since"][0], widget=widgets.DateTimeWidget("%d/%m/%Y")
    )

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "account", "language", "date_joined")
        import_id_fields = ("email",)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.state = User.State.NOT_REGISTERED
            instance.is_active = False
            instance.set_unusable_password()
