"""Import and export of contacts in the contact list (CSV/XLSX), mixed into the user admin."""


class ContactImportExportAdminMixin:
    pass
