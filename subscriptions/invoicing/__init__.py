"""Invoices of the school shop: issued when an order is activated, numbered without gap, never edited;
cancelled by a credit note; paid by recorded payments; Factur-X for public schools (deposited on Chorus
Pro), e-mailed to private ones."""
