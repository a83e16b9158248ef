import copy

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from portal.emails import send_templated_email
from portal.tasks import send_email, send_outbox_email


@pytest.fixture
def email_templates(settings, tmp_path):
    folder = tmp_path / "templates" / "emails" / "demo"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text('{% load i18n %}{% translate "Home" %} {{ name }}\n')
    (folder / "hello.txt").write_text('{% load i18n %}{% translate "Welcome, %(name)s" as w %}{{ w }} {{ name }}\n')
    (folder / "hello.html").write_text("<p>{{ name }}</p>")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path / "templates", *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


def test_templated_email_is_rendered_in_the_recipients_language(
    db, email_templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(template="demo/hello", to=["ana@editions.fr"], context={"name": "Ana"}, language="fr")
        send_templated_email(template="demo/hello", to=["bob@press.co.uk"], context={"name": "Bob"}, language="en")
    french, english = mail.outbox
    assert french.subject == "[Colophon] Accueil Ana"
    assert english.subject == "[Colophon] Home Bob"
    assert french.alternatives[0].content == "<p>Ana</p>"


def test_nothing_is_sent_before_the_transaction_commits(db, email_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_templated_email(template="demo/hello", to=["ana@editions.fr"], context={"name": "Ana"})
        assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_rolled_back_transaction_sends_nothing(db, email_templates, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_templated_email(template="demo/hello", to=["ana@editions.fr"], context={"name": "Ana"})
        raise RuntimeError("the change is rolled back")
    assert callbacks == []
    assert mail.outbox == []


def test_send_email_task_delivers_text_html_and_stored_attachments(db):
    name = default_storage.save("quotes/devis.pdf", ContentFile(b"%PDF-1.7 demo"))
    send_email(
        subject="Devis",
        body="Bonjour",
        html="<p>Bonjour</p>",
        to=["ana@editions.fr"],
        reply_to=["atelier@colophon.fr"],
        attachments=[{"path": name, "filename": "devis-D1.pdf", "mimetype": "application/pdf"}],
    )
    (message,) = mail.outbox
    assert message.to == ["ana@editions.fr"]
    assert message.reply_to == ["atelier@colophon.fr"]
    assert message.attachments[0][0] == "devis-D1.pdf"
    assert message.attachments[0][1] == b"%PDF-1.7 demo"


def test_email_task_is_routed_to_the_emails_queue_and_retried_late():
    assert send_outbox_email.acks_late is True
    assert send_outbox_email.reject_on_worker_lost is True
    from portal.celery import app

    for task in (send_outbox_email, send_email):
        assert app.amqp.router.route({}, task.name)["queue"].name == "emails"
    assert send_outbox_email.max_retries == 8
